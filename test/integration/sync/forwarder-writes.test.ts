// What forwarding one rating costs the store. Every write is a commit with an fsync
// (synchronous=FULL), and the profiles that send one rating a call (fujian, and national
// at its default batchSize 1) pay them per rating: a 10 000-rating backlog on this
// machine's disk took 71 s at three commits a rating. Two are needed — the claim (the
// lease) and the delivery — and a lease extension is only for parts of a split batch.
// The real store and forwarder against the Fujian simulator; the outbox is wrapped only
// to count which of its writing methods are called.

import { afterEach, describe, expect, it } from 'vitest';
import { FUJIAN_ADAPTER_DEFAULTS } from '../../../src/profiles/fujian.js';
import { NATIONAL_DEFAULTS } from '../../../src/profiles/national.js';
import type { OutboxStore } from '../../../src/store/outbox.js';
import { createFujianAdapter } from '../../../src/sync/adapters/fujian/index.js';
import { createNationalAdapter } from '../../../src/sync/adapters/national.js';
import { Forwarder } from '../../../src/sync/forwarder.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { FujianSim } from '../../sim/fujian-sim.js';
import { NationalSim } from '../../sim/national-sim.js';
import { openStore, seed, storeFiles } from './helpers.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

const WRITES = ['claim', 'extendLease', 'markDelivered', 'markRejected', 'release'] as const;

/** The real outbox, its writing calls counted by name. */
function counted(outbox: OutboxStore) {
  const calls: string[] = [];
  const proxy = new Proxy(outbox, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if ((WRITES as readonly string[]).includes(String(name))) calls.push(String(name));
        return value.apply(target, args);
      };
    },
  });
  return { proxy, calls };
}

describe('store writes per rating forwarded', () => {
  it('one call a rating (fujian): a claim and a delivery, no lease extension', async () => {
    const sim = await FujianSim.start({ appKey: 'k', appCode: 'c', sysNo: '35' });
    cleanup.push(() => sim.close());
    const store = openStore(storeFiles());
    seed(store, 3, { prefix: 'w', overrides: (i) => ({ transactionId: `SP-w-${i}`, level: 5 }) });
    const { proxy, calls } = counted(store.outbox());
    const clock = new FakeClock(Date.now());
    const fwd = new Forwarder({
      outbox: proxy,
      adapter: createFujianAdapter({
        ...FUJIAN_ADAPTER_DEFAULTS,
        url: sim.url,
        appKey: 'k',
        appCode: 'c',
        sysNo: '35',
      }),
      timeoutMs: 5_000,
      clock,
    });
    cleanup.push(async () => {
      await fwd.stop();
      store.close();
    });
    fwd.start();
    for (let i = 0; i < 10 && store.outbox().counts().pending > 0; i++) {
      clock.advance(1);
      await fwd.settled();
    }
    expect(sim.accepted.size).toBe(3);
    // The last claim finds nothing and writes nothing, but is a call.
    expect(calls).toEqual([...Array(3).fill(['claim', 'markDelivered']).flat(), 'claim']);
  });

  it('a batch refused whole and split still extends the lease of the parts left waiting', async () => {
    const sim = await NationalSim.start({ appMark: 'A', appWord: 'w', dataSource: '165' });
    cleanup.push(() => sim.close());
    sim.faults.refuse.set('SP-s-1', '事项编码不存在');
    const store = openStore(storeFiles());
    seed(store, 2, { prefix: 's', overrides: (i) => ({ transactionId: `SP-s-${i}`, level: 5 }) });
    const { proxy, calls } = counted(store.outbox());
    const clock = new FakeClock(Date.now());
    const fwd = new Forwarder({
      outbox: proxy,
      adapter: createNationalAdapter({
        ...NATIONAL_DEFAULTS,
        url: sim.url,
        appMark: 'A',
        appWord: 'w',
        publicKey: sim.publicKey,
        dataSource: '165',
        batchSize: 2,
      }),
      timeoutMs: 5_000,
      clock,
    });
    cleanup.push(async () => {
      await fwd.stop();
      store.close();
    });
    fwd.start();
    for (let i = 0; i < 10 && store.outbox().counts().pending > 0; i++) {
      clock.advance(1);
      await fwd.settled();
    }
    expect(sim.accepted.size).toBe(1);
    expect(store.outbox().counts()).toEqual({ pending: 0, rejected: 1 });
    // Refused whole, then each half on its own: the halves' leases are extended.
    expect(calls.slice(0, 5)).toEqual([
      'claim',
      'extendLease',
      'markDelivered',
      'extendLease',
      'markRejected',
    ]);
  });
});
