// The forwarder with a profile that makes more than one request per upload (a gateway
// token first): the adapter drives the exchange through the forwarder's own transport.
import { describe, expect, it } from 'vitest';
import type { PlatformAdapter, UploadRequest, UploadResponse } from '../../../src/sync/adapter.js';
import { Forwarder } from '../../../src/sync/forwarder.js';
import { type SendOptions, TransportError } from '../../../src/sync/http-transport.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { ratingRecord } from '../../helpers/records.js';
import { MemoryOutbox } from './memory-outbox.js';

const ok: UploadResponse = { status: 200, headers: {}, body: Buffer.alloc(0) };

/** Token, then one call per record; never calls encode/decode. */
const twoStep: PlatformAdapter = {
  maxBatch: 1,
  encode: () => {
    throw new Error('encode must not be used when exchange is given');
  },
  decode: () => {
    throw new Error('decode must not be used when exchange is given');
  },
  async exchange(records, now, send) {
    await send({ method: 'GET', url: `http://gw.test/token?t=${now()}`, headers: {}, body: Buffer.alloc(0) });
    if (records.length === 0) return { kind: 'results', results: new Map() };
    await send({ url: 'http://gw.test/call', headers: {}, body: Buffer.from(records[0]?.id ?? '') });
    return { kind: 'results', results: new Map(records.map((r) => [r.id, { status: 'accepted' as const }])) };
  },
};

function setup(reply: (req: UploadRequest, options: SendOptions) => Promise<UploadResponse>) {
  const clock = new FakeClock();
  const outbox = new MemoryOutbox();
  outbox.add(ratingRecord({ id: 'r-1' }), ratingRecord({ id: 'r-2' }));
  const fwd = new Forwarder({ outbox, adapter: twoStep, timeoutMs: 7_000, transport: reply, clock });
  return { clock, outbox, fwd };
}

describe('a profile that drives its own exchange', () => {
  it('sends every request through the forwarder transport, with its deadline', async () => {
    const seen: { method: string; url: string; timeoutMs: number }[] = [];
    const t = setup(async (req, options) => {
      seen.push({ method: req.method ?? 'POST', url: req.url, timeoutMs: options.timeoutMs });
      return ok;
    });
    t.fwd.start();
    t.clock.advance(1);
    await t.fwd.settled();
    expect(t.outbox.counts()).toEqual({ pending: 0, rejected: 0 });
    expect(seen.map((s) => `${s.method} ${s.url.replace(/\?.*/, '')}`)).toEqual([
      'GET http://gw.test/token',
      'POST http://gw.test/call',
      'GET http://gw.test/token',
      'POST http://gw.test/call',
    ]);
    expect(seen.every((s) => s.timeoutMs === 7_000)).toBe(true);
  });

  it('a request without an answer is offline and keeps the records', async () => {
    let n = 0;
    const t = setup(async () => {
      if (++n === 2) throw new TransportError('connection reset (ECONNRESET)', 'ECONNRESET');
      return ok;
    });
    t.fwd.start();
    t.clock.advance(1);
    await t.fwd.settled();
    expect(t.fwd.status()).toMatchObject({
      state: 'offline',
      pending: 2,
      lastError: 'connection reset (ECONNRESET)',
    });
  });

  it('stop() aborts the exchange in flight', async () => {
    let signal: AbortSignal | undefined;
    const t = setup(
      (_req, options) =>
        new Promise((_resolve, reject) => {
          signal = options.signal;
          options.signal?.addEventListener('abort', () => reject(new TransportError('stopped', 'EABORTED')));
        }),
    );
    t.fwd.start();
    t.clock.advance(1);
    await Promise.resolve();
    await t.fwd.stop();
    expect(signal?.aborted).toBe(true);
    expect(t.outbox.counts().pending).toBe(2);
  });
});
