import { describe, expect, it } from 'vitest';
import type { RatingRecord } from '../../../src/core/model.js';
import type { UploadRequest, UploadResponse } from '../../../src/sync/adapter.js';
import { createReferenceAdapter } from '../../../src/sync/adapters/reference.js';
import { Forwarder, type ForwarderStatus } from '../../../src/sync/forwarder.js';
import { type SendOptions, TransportError } from '../../../src/sync/http-transport.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { ratingRecord } from '../../helpers/records.js';
import { MemoryOutbox } from './memory-outbox.js';

type Reply = UploadResponse | TransportError | ((ids: string[]) => UploadResponse | TransportError);

const platform = { url: 'http://platform.test/api', appMark: 'HA-APP', secret: 's' };

function json(status: number, body: unknown, headers: Record<string, string> = {}): UploadResponse {
  return { status, headers, body: Buffer.from(JSON.stringify(body)) };
}
function html(status: number, title: string): UploadResponse {
  return {
    status,
    headers: { 'content-type': 'text/html' },
    body: Buffer.from(
      `<html><head><title>${title}</title></head><body><hr><center>nginx</center></body></html>`,
    ),
  };
}
const acceptAll = (ids: string[]) =>
  json(200, { results: ids.map((recordId) => ({ recordId, status: 'accepted' })) });
const refused = new TransportError('connection refused (ECONNREFUSED)', 'ECONNREFUSED');

/** A platform that answers from a script, then with `fallback`; it records request times. */
class ScriptedPlatform {
  readonly calls: { at: number; ids: string[] }[] = [];
  script: Reply[] = [];
  fallback: Reply = acceptAll;
  constructor(private readonly clock: FakeClock) {}
  send = async (request: UploadRequest, _options: SendOptions): Promise<UploadResponse> => {
    const ids = (JSON.parse(request.body.toString()) as { records: { recordId: string }[] }).records.map(
      (r) => r.recordId,
    );
    this.calls.push({ at: this.clock.now(), ids });
    const step = this.script.shift() ?? this.fallback;
    const out = typeof step === 'function' ? step(ids) : step;
    if (out instanceof TransportError) throw out;
    return out;
  };
  /** Times of requests that carried records. */
  get uploads() {
    return this.calls.filter((c) => c.ids.length > 0);
  }
}

function setup(records: RatingRecord[] = [], random = () => 0.5) {
  const clock = new FakeClock();
  const outbox = new MemoryOutbox();
  outbox.add(...records);
  const sim = new ScriptedPlatform(clock);
  const statuses: ForwarderStatus[] = [];
  const fwd = new Forwarder({
    outbox,
    adapter: createReferenceAdapter(platform),
    timeoutMs: 10_000,
    transport: sim.send,
    clock,
    random,
    onStatus: (s) => statuses.push(s),
  });
  const advance = async (ms: number, step = 100) => {
    for (let t = 0; t < ms; t += step) {
      clock.advance(Math.min(step, ms - t));
      await fwd.settled();
    }
  };
  return { clock, outbox, sim, fwd, statuses, advance };
}

const records = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => ratingRecord({ id: `r-${from + i}` }));

describe('the forwarder', () => {
  it('sends pending records oldest first, in batches of at most 100', async () => {
    const t = setup(records(250));
    t.fwd.start();
    await t.advance(100);
    expect(t.sim.uploads.map((c) => c.ids.length)).toEqual([100, 100, 50]);
    expect(t.sim.uploads.flatMap((c) => c.ids)).toEqual(records(250).map((r) => r.id));
    expect(t.outbox.counts()).toEqual({ pending: 0, rejected: 0 });
    expect(t.fwd.status()).toMatchObject({ state: 'online', pending: 0, lastError: null });
    expect(t.statuses.at(-1)).toMatchObject({ state: 'online', pending: 0, rejected: 0 });
  });

  it('learns the state with an empty upload when nothing is pending, then waits for a wake', async () => {
    const t = setup();
    t.fwd.start();
    await t.advance(100);
    expect(t.sim.calls).toEqual([{ at: expect.any(Number), ids: [] }]);
    expect(t.fwd.status().state).toBe('online');
    t.outbox.add(ratingRecord({ id: 'new' }));
    const at = t.clock.now();
    t.fwd.wake();
    await t.advance(0 + 1);
    expect(t.sim.uploads).toEqual([{ at, ids: ['new'] }]);
  });

  it('offline: first retry within 1 s, doubling with jitter, capped at 5 minutes', async () => {
    const t = setup(records(1), () => 0.999);
    t.sim.fallback = refused;
    t.fwd.start();
    // Fine steps first: a failure is noticed at the end of a step of fake time.
    await t.advance(5_000, 1);
    await t.advance(60 * 60_000, 50);
    const gaps = t.sim.uploads.slice(1).map((c, i) => c.at - (t.sim.uploads[i] as { at: number }).at);
    // Plus the 1 ms step in which the failure was noticed.
    expect(gaps[0]).toBeLessThanOrEqual(1_000 + 1);
    expect(gaps[0]).toBeGreaterThanOrEqual(500);
    for (let i = 1; i < gaps.length; i++)
      expect(gaps[i]).toBeGreaterThanOrEqual((gaps[i - 1] as number) - 50);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(300_050);
    expect(Math.max(...gaps)).toBeGreaterThan(290_000);
    expect(t.fwd.status()).toMatchObject({ state: 'offline', pending: 1 });
    expect(t.fwd.status().lastError).toMatch(/ECONNREFUSED/);
    expect(t.outbox.row('r-0')?.attempts).toBe(t.sim.uploads.length);
    // Back up: delivered at the next try.
    t.sim.fallback = acceptAll;
    await t.advance(301_000, 500);
    expect(t.outbox.state('r-0')).toBe('delivered');
    expect(t.fwd.status().state).toBe('online');
  });

  it('a wake does not cut a back-off short', async () => {
    const t = setup(records(1));
    t.sim.script = [json(503, {}, { 'retry-after': '60' })];
    t.fwd.start();
    await t.advance(10);
    t.fwd.wake();
    await t.advance(59_000);
    expect(t.sim.uploads).toHaveLength(1);
    await t.advance(1_100);
    expect(t.sim.uploads).toHaveLength(2);
  });

  it('honours Retry-After in seconds and as an HTTP date', async () => {
    const t = setup(records(1));
    t.sim.script = [
      json(429, {}, { 'retry-after': '120' }),
      // A date: computed from the fake clock at answer time.
      (ids) => json(503, { ids }, { 'retry-after': new Date(t.clock.now() + 45_000).toUTCString() }),
    ];
    t.fwd.start();
    await t.advance(10 * 60_000, 250);
    const times = t.sim.uploads.map((c) => c.at);
    expect(times).toHaveLength(3);
    expect((times[1] as number) - (times[0] as number)).toBeGreaterThanOrEqual(120_000);
    expect((times[1] as number) - (times[0] as number)).toBeLessThan(120_300);
    // HTTP dates have whole seconds.
    expect((times[2] as number) - (times[1] as number)).toBeGreaterThanOrEqual(44_000);
    expect((times[2] as number) - (times[1] as number)).toBeLessThan(45_300);
  });

  it('401: auth_failed, paused long, nothing lost; reload resumes at once', async () => {
    const t = setup(records(3));
    t.sim.fallback = json(401, { message: 'bad sign' });
    t.fwd.start();
    await t.advance(10 * 60_000, 1000);
    expect(t.fwd.status().state).toBe('auth_failed');
    expect(t.sim.uploads.length).toBeLessThanOrEqual(2);
    expect(t.outbox.counts().pending).toBe(3);
    const next = t.fwd.status().nextAttemptAt as number;
    expect(next - t.clock.now()).toBeLessThanOrEqual(30 * 60_000);
    t.sim.fallback = acceptAll;
    t.fwd.reload(createReferenceAdapter({ ...platform, secret: 'new' }), 10_000);
    await t.advance(10);
    expect(t.outbox.counts().pending).toBe(0);
    expect(t.fwd.status().state).toBe('online');
  });

  it('other 4xx: misconfigured, handled like 401', async () => {
    const t = setup(records(1));
    t.sim.fallback = json(404, {});
    t.fwd.start();
    await t.advance(100);
    expect(t.fwd.status()).toMatchObject({ state: 'misconfigured', pending: 1 });
    expect((t.fwd.status().nextAttemptAt as number) - t.clock.now()).toBeGreaterThanOrEqual(299_000);
  });

  it('a record missing from the results is retried like a 5xx; the others are delivered', async () => {
    const t = setup(records(3));
    t.sim.script = [
      json(200, {
        results: [
          { recordId: 'r-0', status: 'accepted' },
          { recordId: 'r-2', status: 'rejected', code: 'E9', message: 'no' },
        ],
      }),
    ];
    t.fwd.start();
    await t.advance(10);
    expect(t.outbox.state('r-0')).toBe('delivered');
    expect(t.outbox.row('r-2')?.reject).toEqual({ code: 'E9', message: 'no' });
    expect(t.outbox.state('r-1')).toBe('pending');
    expect(t.fwd.status().state).toBe('offline');
    await t.advance(1_000);
    expect(t.outbox.state('r-1')).toBe('delivered');
    expect(t.sim.uploads.map((c) => c.ids)).toEqual([['r-0', 'r-1', 'r-2'], ['r-1']]);
  });

  it('422 for a batch: split until the refused record is alone, the rest delivered', async () => {
    const t = setup(records(100));
    t.sim.fallback = (ids) =>
      ids.includes('r-57') ? json(422, { code: 'E_FIELD', message: 'bad' }) : acceptAll(ids);
    t.fwd.start();
    await t.advance(10);
    expect(t.outbox.counts()).toEqual({ pending: 0, rejected: 1 });
    expect(t.outbox.row('r-57')?.reject).toEqual({ code: 'http_422', message: 'E_FIELD: bad' });
    expect(t.fwd.status().state).toBe('online');
    expect(t.sim.uploads.length).toBeLessThanOrEqual(15);
  });

  it("a proxy's 400 page for a batch: nothing set aside, offline, and delivered once it lets requests through", async () => {
    const t = setup(records(20));
    const page = html(400, '400 Bad Request');
    t.sim.fallback = page;
    t.fwd.start();
    await t.advance(10);
    expect(t.sim.uploads.map((c) => c.ids.length)).toEqual([20]);
    expect(t.outbox.counts()).toEqual({ pending: 20, rejected: 0 });
    expect(t.outbox.rows.every((r) => r.leaseUntil === null)).toBe(true);
    expect(t.fwd.status()).toMatchObject({ state: 'offline', pending: 20, rejected: 0 });
    expect(t.fwd.status().lastError).toMatch(
      /^HTTP 400 with an HTML page "400 Bad Request", not the platform's answer: something between the terminal and the platform .* refuses the requests; nothing is set aside/,
    );
    // Retried with back-off like any offline platform, never split.
    await t.advance(3_000);
    expect(t.sim.uploads.length).toBeGreaterThan(1);
    expect(t.sim.uploads.every((c) => c.ids.length === 20)).toBe(true);
    t.sim.fallback = acceptAll;
    await t.advance(10 * 60_000, 1_000);
    expect(t.outbox.counts()).toEqual({ pending: 0, rejected: 0 });
    expect(t.fwd.status()).toMatchObject({ state: 'online', lastError: null });
  });

  it("a proxy's 413 halves the batch down to what it lets through, and the rest of the drain keeps that size", async () => {
    const t = setup(records(100));
    // A body limit: at most 12 records a request pass.
    t.sim.fallback = (ids) => (ids.length > 12 ? html(413, '413 Request Entity Too Large') : acceptAll(ids));
    t.fwd.start();
    await t.advance(10);
    expect(t.outbox.counts()).toEqual({ pending: 0, rejected: 0 });
    expect(t.sim.uploads.flatMap((c) => (c.ids.length <= 12 ? c.ids : []))).toEqual(
      records(100).map((r) => r.id),
    );
    // 100 → 50 → 25 → 13 → 7: once 7 passed, the next claims are 7, not 100 again.
    expect(t.sim.uploads.map((c) => c.ids.length).slice(0, 6)).toEqual([100, 50, 25, 13, 7, 6]);
    expect(t.sim.uploads.slice(6).every((c) => c.ids.length <= 7)).toBe(true);
    expect(t.fwd.status().state).toBe('online');
  });

  it("a proxy's 413 for a single record, or with no body, is offline with nothing set aside", async () => {
    const t = setup(records(3));
    t.sim.fallback = { status: 413, headers: {}, body: Buffer.alloc(0) };
    t.fwd.start();
    await t.advance(10);
    expect(t.sim.uploads.map((c) => c.ids.length)).toEqual([3, 2, 1]);
    expect(t.outbox.counts()).toEqual({ pending: 3, rejected: 0 });
    expect(t.fwd.status()).toMatchObject({ state: 'offline', pending: 3 });
    expect(t.fwd.status().lastError).toMatch(
      /^HTTP 413 with no body, not the platform's answer: .* refuses requests this large/,
    );
  });

  it("a proxy's page for the empty upload (the probe) is offline, not a misconfiguration", async () => {
    const t = setup();
    t.sim.script = [html(400, 'Request Rejected')];
    t.fwd.start();
    await t.advance(10);
    expect(t.fwd.status()).toMatchObject({ state: 'offline' });
    expect(t.fwd.status().lastError).toMatch(/something between the terminal and the platform/);
    await t.advance(2_000);
    expect(t.fwd.status()).toMatchObject({ state: 'online', lastError: null });
  });

  it('a reload while an upload is in flight still asks the new settings once the queue is empty', async () => {
    const clock = new FakeClock();
    const outbox = new MemoryOutbox();
    outbox.add(...records(1));
    const seen: string[] = [];
    let release: () => void = () => {};
    let arrived: () => void = () => {};
    const inFlight = new Promise<void>((go) => (arrived = go));
    const fwd = new Forwarder({
      outbox,
      adapter: createReferenceAdapter(platform),
      timeoutMs: 10_000,
      clock,
      transport: async (request) => {
        const ids = (JSON.parse(request.body.toString()) as { records: { recordId: string }[] }).records.map(
          (r) => r.recordId,
        );
        seen.push(`${request.url} ${ids.length}`);
        if (ids.length > 0) {
          arrived();
          await new Promise<void>((go) => (release = go));
        }
        return acceptAll(ids);
      },
    });
    fwd.start();
    clock.advance(1);
    await inFlight;
    expect(seen).toEqual(['http://platform.test/api/evaluations 1']);
    fwd.reload(createReferenceAdapter({ ...platform, url: 'http://moved.test/api' }), 10_000);
    release();
    await fwd.settled();
    // The answer came from the old address: the new one is asked before calling it online.
    expect(seen).toEqual(['http://platform.test/api/evaluations 1', 'http://moved.test/api/evaluations 0']);
    expect(fwd.status().state).toBe('online');
  });

  it('a failure mid-split puts every unsent record back', async () => {
    const t = setup(records(8));
    t.sim.script = [json(400, {}), refused];
    t.fwd.start();
    await t.advance(10);
    expect(t.outbox.counts().pending).toBe(8);
    expect(t.outbox.rows.every((r) => r.leaseUntil === null)).toBe(true);
  });

  it('reports state and counts through the callback only when they change', async () => {
    const t = setup(records(2));
    t.sim.script = [refused];
    t.fwd.start();
    await t.advance(2_000);
    expect(t.statuses.map((s) => [s.state, s.pending])).toEqual([
      ['offline', 2],
      ['online', 0],
    ]);
    expect(t.fwd.status().lastDeliveryAt).not.toBeNull();
  });

  it('stop abandons a request in flight and returns its records to the queue', async () => {
    const clock = new FakeClock();
    const outbox = new MemoryOutbox();
    outbox.add(...records(2));
    const fwd = new Forwarder({
      outbox,
      adapter: createReferenceAdapter(platform),
      timeoutMs: 10_000,
      clock,
      transport: (_req, options) =>
        new Promise((_resolve, reject) =>
          options.signal?.addEventListener('abort', () => reject(new TransportError('stopped', 'EABORTED'))),
        ),
    });
    fwd.start();
    clock.advance(1);
    await new Promise((r) => setTimeout(r, 10));
    await fwd.stop();
    expect(outbox.counts().pending).toBe(2);
    expect(outbox.rows.every((r) => r.leaseUntil === null)).toBe(true);
  });
});
