// The console's keepalive while the broker floods it with retained days: mqtt.js's own
// KeepaliveManager, counting its ticks on the console's patient timer. Without the patience
// (mqtt.js's plain interval) the link is dropped 45 s after the last acknowledgement even
// while days keep arriving; with it, the console pings again and waits as long as packets
// come, and gives up as mqtt.js does once they stop.
import { KeepaliveManager, type MqttClient } from 'mqtt';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KEEPALIVE_SECONDS, patientKeepalive } from '../../../src/hall/subscriber.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function link(patient: boolean) {
  const seen = { pings: 0, timeouts: 0, lastPacket: Date.now() };
  const client = {
    keepalive: KEEPALIVE_SECONDS,
    sendPing: () => seen.pings++,
    onKeepaliveTimeout: () => seen.timeouts++,
    log: () => undefined,
  } as unknown as MqttClient;
  const timer = patient
    ? patientKeepalive(
        () => seen.lastPacket,
        () => client.sendPing(),
      )
    : ('native' as const);
  const manager = new KeepaliveManager(client, timer);
  return { seen, manager };
}

/** Retained days arrive every 10 ms for `ms`, none of them answering the ping. */
function flood(seen: { lastPacket: number }, ms: number) {
  for (let t = 0; t < ms; t += 10) {
    vi.advanceTimersByTime(10);
    seen.lastPacket = Date.now();
  }
}

describe("the hall console's keepalive", () => {
  it('waits for the answer to its ping while packets keep coming, pinging on', () => {
    const { seen, manager } = link(true);
    flood(seen, 120_000);
    expect(seen.timeouts).toBe(0);
    // A ping at 30 s, and one each 15 s after, so the broker hears from the console.
    expect(seen.pings).toBe(7);
    // The answer arrives behind the flood: counted from there as mqtt.js always does.
    manager.reschedule();
    vi.advanceTimersByTime(30_000);
    expect(seen.pings).toBe(8);
    expect(seen.timeouts).toBe(0);
    manager.destroy();
  });

  it('gives up as mqtt.js does once nothing arrives', () => {
    const { seen, manager } = link(true);
    vi.advanceTimersByTime(44_000);
    expect([seen.pings, seen.timeouts]).toEqual([1, 0]);
    vi.advanceTimersByTime(1_000);
    expect(seen.timeouts).toBe(1);
    manager.destroy();
  });

  it('(mqtt.js alone drops a link that is flooding it)', () => {
    const { seen, manager } = link(false);
    flood(seen, 60_000);
    expect(seen.timeouts).toBeGreaterThan(0);
    manager.destroy();
  });
});
