// Shared set-up for the forwarding tests: a real store in a temp folder, filled with
// final records, and a real platform simulator on loopback.
import { join } from 'node:path';
import type { RatingRecord } from '../../../src/core/model.js';
import { RatingStore } from '../../../src/store/store.js';
import type { PlatformAdapter } from '../../../src/sync/adapter.js';
import { Forwarder } from '../../../src/sync/forwarder.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { promptRecord, ratingRecord } from '../../helpers/records.js';
import { tempDir } from '../../helpers/temp.js';

export const APP_MARK = 'HA-APP';
export const SECRET = 'sim-secret-密钥';

export interface StoreFiles {
  dir: string;
  path: string;
  keyFile: string;
}

export function storeFiles(dir = tempDir()): StoreFiles {
  return { dir, path: join(dir, 'terminal.db'), keyFile: join(dir, 'terminal.key') };
}

export function openStore(files: StoreFiles): RatingStore {
  return RatingStore.open({ path: files.path, keyFile: files.keyFile });
}

/** Commits `n` final records (one prompt), oldest first; returns them. */
export function seed(
  store: RatingStore,
  n: number,
  options: { prefix?: string; promptId?: string; overrides?: (i: number) => Partial<RatingRecord> } = {},
): RatingRecord[] {
  const promptId = options.promptId ?? `p-${options.prefix ?? 'r'}`;
  store.apply([
    { op: 'prompt_open', prompt: promptRecord({ id: promptId, transactionId: `TX-${promptId}` }) },
  ]);
  const records = Array.from({ length: n }, (_, i) =>
    ratingRecord({
      id: `${options.prefix ?? 'r'}-${String(i).padStart(4, '0')}`,
      promptId,
      transactionId: `TX-${promptId}`,
      ...options.overrides?.(i),
    }),
  );
  for (const r of records) store.apply([{ op: 'records_put', records: [r] }]);
  return records;
}

/**
 * The real Forwarder on fake time over a fresh store, both closed by CLEANUP (the test
 * file's own list, so they stop before the simulator it closes later). `advance` and
 * `until` move the clock in steps, letting each cycle's real I/O finish.
 */
export function forwarderRig(
  adapter: PlatformAdapter,
  cleanup: (() => Promise<void> | void)[],
  options: { clock?: FakeClock; files?: StoreFiles; timeoutMs?: number; random?: () => number } = {},
) {
  const files = options.files ?? storeFiles();
  const store = openStore(files);
  const clock = options.clock ?? new FakeClock(Date.now());
  const fwd = new Forwarder({
    outbox: store.outbox(),
    adapter,
    timeoutMs: options.timeoutMs ?? 5_000,
    clock,
    random: options.random ?? (() => 0.5),
  });
  cleanup.push(async () => {
    await fwd.stop();
    store.close();
  });
  const advance = async (ms: number, step = 1_000) => {
    for (let t = 0; t < ms; t += step) {
      clock.advance(Math.min(step, ms - t));
      await fwd.settled();
    }
  };
  const until = async (done: () => boolean, maxMs: number, step = 1_000) => {
    for (let t = 0; t < maxMs && !done(); t += step) {
      clock.advance(step);
      await fwd.settled();
    }
    return done();
  };
  return { files, store, clock, fwd, advance, until };
}
