// Shared set-up for the forwarding tests: a real store in a temp folder, filled with
// final records, and a real platform simulator on loopback.
import { join } from 'node:path';
import type { RatingRecord } from '../../../src/core/model.js';
import { RatingStore } from '../../../src/store/store.js';
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
