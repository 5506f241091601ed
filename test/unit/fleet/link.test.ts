// The link's bounds, without a broker: the held events and the back-off.
import { describe, expect, it } from 'vitest';
import { FleetLink, HELD_MAX, RECONNECT_CAP_MS, reconnectDelay } from '../../../src/fleet/link.js';
import { fleetTopics } from '../../../src/fleet/messages.js';

describe('fleet link', () => {
  it('holds at most the newest 100 events, oldest first', () => {
    const warnings: unknown[] = [];
    const link = new FleetLink(
      {
        url: 'mqtt://127.0.0.1:1',
        username: null,
        password: null,
        ca: null,
        clientId: 'hcp-T',
        keepaliveSeconds: 30,
        topics: fleetTopics('hcp', 'H', 'T'),
      },
      { currentState: () => '{}', log: { log: (...a) => warnings.push(a) } },
    );
    for (let i = 0; i < 130; i++) link.publishEvent(`e${i}`);
    expect(link.waiting).toBe(HELD_MAX);
    const held = link.takeHeld();
    expect(held[0]).toBe('e30');
    expect(held.at(-1)).toBe('e129');
    expect(warnings.length).toBeGreaterThan(0);
  });

  it('backs off from about a second, doubling, never past 30 s', () => {
    const low = () => 0;
    const high = () => 0.999999;
    expect(reconnectDelay(1, low)).toBe(500);
    expect(reconnectDelay(1, high)).toBe(1000);
    expect(reconnectDelay(2, high)).toBe(2000);
    expect(reconnectDelay(5, high)).toBe(16_000);
    for (const n of [6, 7, 20, 1000]) {
      expect(reconnectDelay(n, high)).toBeLessThanOrEqual(RECONNECT_CAP_MS);
      expect(reconnectDelay(n, low)).toBeGreaterThanOrEqual(RECONNECT_CAP_MS / 2);
    }
  });
});
