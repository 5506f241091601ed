// What draining a backlog costs per request, found by the drain figures
// (test/bench/platforms-drain.ts): the forwarder asked the store to COUNT the waiting
// records after every request (a walk over all of them: 8 ms at 100 000 waiting, more
// than the request itself), and every claim was fsynced though a lease need not survive
// a power cut. The delivery's commit stays fsynced.

import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { FUJIAN_ADAPTER_DEFAULTS } from '../../../src/profiles/fujian.js';
import type { OutboxStore } from '../../../src/store/outbox.js';
import { createFujianAdapter } from '../../../src/sync/adapters/fujian/index.js';
import { Forwarder } from '../../../src/sync/forwarder.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { type LoopDisk, makeLoopDisk } from '../../helpers/loop-disk.js';
import { FujianSim } from '../../sim/fujian-sim.js';
import { openStore, seed, storeFiles } from './helpers.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

describe('draining a backlog', () => {
  it('asks the store for its counts a few times a drain, not once per request, and reports them exactly', async () => {
    const sim = await FujianSim.start({ appKey: 'k', appCode: 'c', sysNo: '35' });
    cleanup.push(() => sim.close());
    const store = openStore(storeFiles());
    seed(store, 40, { prefix: 'd', overrides: (i) => ({ transactionId: `SP-d-${i}`, level: 5 }) });
    const outbox = store.outbox();
    let countsAsked = 0;
    const counted: OutboxStore = new Proxy(outbox, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (name === 'counts') countsAsked++;
          return value.apply(target, args);
        };
      },
    });
    const reported: number[] = [];
    const clock = new FakeClock(Date.now());
    const fwd = new Forwarder({
      outbox: counted,
      adapter: createFujianAdapter({
        ...FUJIAN_ADAPTER_DEFAULTS,
        url: sim.url,
        appKey: 'k',
        appCode: 'c',
        sysNo: '35',
      }),
      timeoutMs: 5_000,
      clock,
      onStatus: (s) => reported.push(s.pending),
    });
    cleanup.push(async () => {
      await fwd.stop();
      store.close();
    });
    fwd.start();
    for (let i = 0; i < 10 && outbox.counts().pending > 0; i++) {
      clock.advance(1);
      await fwd.settled();
    }
    expect(sim.accepted.size).toBe(40);
    // At the start and at the end of the cycle; before, once more per request.
    expect(countsAsked).toBeLessThanOrEqual(3);
    expect(reported).toEqual(Array.from({ length: 41 }, (_, i) => 40 - i));
    expect(fwd.status()).toMatchObject({ pending: 0, rejected: 0, state: 'online' });
  });

  describe('on a disk whose power is cut', () => {
    let disk: LoopDisk | null = null;
    afterEach(() => {
      disk?.destroy();
      disk = null;
    });

    it('a delivery survives the cut; a lease does not hold its record back after the reboot', async () => {
      disk = makeLoopDisk(24);
      const files = storeFiles(disk.dir);
      const seedStore = openStore(files);
      seed(seedStore, 2, { prefix: 'c' });
      seedStore.close();
      const now = 1_790_000_000_000;
      // In a child, so the cut finds the connection open as a real one would: claim and
      // deliver c-0000, then claim c-0001 and stop there.
      const store = new URL('../../../src/store/store.ts', import.meta.url).pathname;
      const child = `
        import { RatingStore } from ${JSON.stringify(store)};
        const s = RatingStore.attach(${JSON.stringify(files)});
        const o = s.outbox();
        const a = o.claim(1, ${now}, 25000);
        o.markDelivered(a.map((i) => ({ promptId: i.record.promptId, id: i.record.id })), ${now + 10});
        const b = o.claim(1, ${now + 20}, 25000);
        console.log(a[0].record.id, b[0].record.id);
      `;
      // It stays up, its connection open (a clean close would checkpoint), until the cut.
      const proc = spawn(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', `${child}; setInterval(() => {}, 1000);`],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      cleanup.push(() => {
        proc.kill('SIGKILL');
      });
      let out = '';
      await new Promise<void>((resolve, reject) => {
        proc.stdout.on('data', (d) => {
          out += d;
          if (out.includes('\n')) resolve();
        });
        proc.once('exit', (code) => reject(new Error(`the child ended (${code}) before claiming`)));
      });
      expect(out.trim()).toBe('c-0000 c-0001');
      disk.cut();
      proc.kill('SIGKILL');
      await new Promise((r) =>
        proc.exitCode !== null || proc.signalCode !== null ? r(null) : proc.once('exit', r),
      );
      disk.remount();

      const after = openStore(files);
      try {
        expect(after.counts()).toMatchObject({ delivered: 1, pending: 1 });
        // Still inside the lease the dead process took: the record is claimed at once.
        const again = after.outbox().claim(1, now + 1_000, 25_000);
        expect(again.map((i) => i.record.id)).toEqual(['c-0001']);
      } finally {
        after.close();
      }
    });
  });
});
