// What checking the database file before each commit costs (src/store/file-identity.ts):
// a rating's commit with the check (the store as it runs) against the same commit's
// transaction alone, on a real file in the temp folder, and the check by itself.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { checkIdentity, identityOf } from '../../src/store/file-identity.js';
import { RatingStore } from '../../src/store/store.js';
import { promptRecord, ratingRecord } from '../helpers/records.js';
import type { Figure } from './format.js';

const COMMITS = 300;
const CHECKS = 20_000;

export async function storeFileCheckFigures(): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'hcp-bench-check-'));
  try {
    const files = { path: join(dir, 'terminal.db'), keyFile: join(dir, 'terminal.key') };
    const store = RatingStore.open(files);
    store.apply([{ op: 'prompt_open', prompt: promptRecord() }]);
    const commit = (i: number) => [{ op: 'records_put' as const, records: [ratingRecord({ id: `r-${i}` })] }];
    let t = performance.now();
    for (let i = 0; i < COMMITS; i++) store.apply(commit(i));
    const withCheck = (performance.now() - t) / COMMITS;
    const identity = identityOf(files.path);
    if (!identity) throw new Error('the bench database went away');
    t = performance.now();
    for (let i = 0; i < CHECKS; i++) checkIdentity(files.path, identity);
    const check = (performance.now() - t) / CHECKS;
    store.close();
    return [
      {
        name: 'store file check before a commit',
        value: check * 1000,
        unit: 'µs',
        limit: withCheck * 1000,
        limitUnit: 'µs',
        limitWhat: 'one fsynced rating commit, the check included',
        better: 'lower',
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
