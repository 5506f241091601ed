import { connect } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { KEEP_ALIVE_MS } from '../../../src/api/events.js';
import type { Terminal } from '../../../src/engine/terminal.js';
import { type ApiRig, answered, apiRig, promptJson } from '../../helpers/api-rig.js';
import { waitFor } from '../../helpers/cli.js';
import { listenSse as listen } from '../../helpers/sse.js';
import { fillDisk, mountSmallDisk, type SmallDisk } from '../../helpers/tmpfs.js';

const rigs: ApiRig[] = [];
let disk: SmallDisk | null = null;
afterEach(async () => {
  // Real timers first: the servers' own close must clear their real intervals.
  vi.useRealTimers();
  for (const r of rigs.splice(0)) await r.close();
  disk?.unmount();
  disk = null;
});

/**
 * Fakes only the stream's keep-alive interval. Called once the server listens, so Node's
 * own connection checks (an interval made at listen) keep real time.
 */
function fakeKeepAlive() {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
}

/** Who the terminal would call on an event: the subscriptions it holds. */
function subscriptions(terminal: Terminal): number {
  const listeners = (terminal as unknown as { listeners?: unknown }).listeners;
  if (!Array.isArray(listeners))
    throw new Error("Terminal's listener list has moved; update subscriptions()");
  return listeners.length;
}

describe('GET /v1/events', () => {
  it('streams prompt, keypad and platform events, and keeps the line open every 15 s', async () => {
    const r = await apiRig({ mode: 'kiosk', settings: { token: 'tok' } });
    rigs.push(r);
    const denied = listen(`${r.url}/v1/events`);
    await waitFor(() => denied.status() !== 0, 'the refusal');
    expect(denied.status()).toBe(401);
    fakeKeepAlive();
    const s = listen(`${r.url}/v1/events`, { authorization: 'Bearer tok' });
    await waitFor(() => s.comments.length > 0, 'the stream to open');
    const opened = await answered(
      r.client.POST('/v1/prompts', { body: promptJson(), headers: { authorization: 'Bearer tok' } }),
    );
    r.terminal.intent({ type: 'decline' });
    r.terminal.keypadStatus('offline', null);
    r.terminal.platformStatus('offline', 3, 0);
    await waitFor(() => s.events.length >= 4, '4 events');
    expect(s.events).toEqual([
      {
        event: 'prompt',
        data: {
          id: opened.body.id,
          transactionId: 'TX-1',
          status: 'open',
          final: false,
          source: 'api',
          qr: null,
          ratings: [],
          ratingsHidden: true,
        },
      },
      {
        event: 'prompt',
        data: {
          id: opened.body.id,
          transactionId: 'TX-1',
          status: 'declined',
          final: true,
          source: 'api',
          qr: null,
          ratings: [],
          ratingsHidden: true,
        },
      },
      { event: 'keypad', data: { state: 'offline', fault: null } },
      { event: 'platform', data: { state: 'offline', pending: 3 } },
    ]);
    expect(s.comments).toEqual([': connected']);
    // One stream, in order: an event that arrives with no comment before it shows that no
    // keep-alive went out before that event did.
    vi.advanceTimersByTime(KEEP_ALIVE_MS - 1);
    r.terminal.platformStatus('online', 0, 0);
    await waitFor(() => s.events.length >= 5, '5 events');
    expect(s.comments).toEqual([': connected']);
    vi.advanceTimersByTime(1);
    r.terminal.platformStatus('offline', 1, 0);
    await waitFor(() => s.events.length >= 6, '6 events');
    expect(s.comments).toEqual([': connected', ': keep-alive']);
    expect(s.events.slice(4).map((e) => e.event)).toEqual(['platform', 'platform']);
    expect(KEEP_ALIVE_MS).toBe(15_000);
    s.close();
  });

  it('lets go of a client that vanished', async () => {
    const r = await apiRig({ mode: 'kiosk' });
    rigs.push(r);
    fakeKeepAlive();
    const before = subscriptions(r.terminal);
    const s = listen(`${r.url}/v1/events`);
    await waitFor(() => s.comments.length > 0, 'the stream to open');
    expect(subscriptions(r.terminal)).toBe(before + 1);
    expect(vi.getTimerCount()).toBe(1);
    s.close();
    // The server sees the socket close in its own time; a leak never gets there.
    await waitFor(() => subscriptions(r.terminal) === before, 'the subscription to be dropped');
    expect(vi.getTimerCount()).toBe(0);
    // The terminal goes on; a new prompt's event reaches nobody and harms nothing.
    expect((await answered(r.client.POST('/v1/prompts', { body: promptJson() }))).status).toBe(201);
  });
});

describe('a store that cannot be written', () => {
  it('answers 503 store_unavailable and opens no prompt', async () => {
    disk = mountSmallDisk(2048);
    const r = await apiRig({ mode: 'kiosk', dir: disk.dir });
    rigs.push(r);
    fillDisk(disk.dir);
    let res = await answered(r.client.POST('/v1/prompts', { body: promptJson({ transactionId: 'T-0' }) }));
    for (let i = 1; i < 200 && res.status === 201; i++) {
      r.terminal.intent({ type: 'rate', level: 5 });
      res = await answered(
        r.client.POST('/v1/prompts', {
          body: promptJson({ transactionId: `T-${i}`, citizen: { name: '陈美英'.repeat(15) } }),
        }),
      );
    }
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('store_unavailable');
    const health = await answered(r.client.GET('/v1/health'));
    expect(health.body.store).toBe('unavailable');
    // The 503 comes before the state's 409s.
    expect(
      (await answered(r.client.POST('/v1/prompts', { body: promptJson({ transactionId: 'T-x' }) }))).status,
    ).toBe(503);
  });
});

describe('slow clients', () => {
  it('cuts off a client that trickles its headers', { timeout: 40_000 }, async () => {
    const r = await apiRig();
    rigs.push(r);
    const { port } = new URL(r.url);
    const started = Date.now();
    const closedAfter = await new Promise<number>((resolve) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write('GET /v1/health HTTP/1.1\r\nHost: x\r\n');
        const drip = setInterval(() => socket.write('X-Slow: 1\r\n'), 500);
        socket.on('close', () => {
          clearInterval(drip);
          resolve(Date.now() - started);
        });
      });
      socket.on('error', () => undefined);
    });
    // Cut off by the 5 s header time-out, not by anything sooner; the upper bound only
    // says "not held for ever" and leaves room for a loaded machine.
    expect(closedAfter).toBeGreaterThanOrEqual(4_500);
    expect(closedAfter).toBeLessThan(25_000);
  });

  it('cuts off a client that trickles its body', { timeout: 40_000 }, async () => {
    const r = await apiRig();
    rigs.push(r);
    const { port } = new URL(r.url);
    const started = Date.now();
    const answer = await new Promise<{ ms: number; text: string }>((resolve) => {
      let text = '';
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(
          'POST /v1/prompts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{',
        );
        const drip = setInterval(() => socket.write(' '), 500);
        socket.on('data', (d) => {
          text += d;
        });
        socket.on('close', () => {
          clearInterval(drip);
          resolve({ ms: Date.now() - started, text });
        });
      });
      socket.on('error', () => undefined);
    });
    // The 10 s request time-out, not sooner; "not held for ever" above.
    expect(answer.ms).toBeGreaterThanOrEqual(9_500);
    expect(answer.ms).toBeLessThan(25_000);
    expect(answer.text === '' || answer.text.startsWith('HTTP/1.1 408')).toBe(true);
  });
});
