// A year of a busy counter's ratings in the real store with retention pruning, on fake
// time: each working day's prompts and final records are written through the store's
// own write path (RatingStore.apply, a day a commit, to keep the run short), claimed and
// marked delivered through its outbox, pruned every 6 hours as the forwarding wiring
// does (PRUNE_EVERY_MS, store.retentionDays), and checkpointed as the idle engine and a
// delivery that erased personal data do. The database file (+ WAL) is measured each day.
//
// Shared by the short test (test/integration/store/year-retention.test.ts) and the soak
// figures (test/bench/store-soak.ts).

import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { PRUNE_EVERY_MS } from '../../src/engine/forwarding.js';
import { RatingStore } from '../../src/store/store.js';
import { citizen, promptRecord, ratingRecord } from '../helpers/records.js';

const DAY = 86_400_000;
const START = Date.UTC(2026, 0, 1, 1, 0, 0);

export interface YearOptions {
  days: number;
  perDay: number;
  retentionDays: number;
  dir?: string;
}

export interface YearResult {
  /** File + WAL bytes at the end of each day, after the day's prunes. */
  sizes: number[];
  /** Rows left at the end. */
  records: number;
  prompts: number;
  delivered: number;
}

export function fileBytes(path: string): number {
  let n = 0;
  for (const f of [path, `${path}-wal`]) {
    try {
      n += statSync(f).size;
    } catch {}
  }
  return n;
}

export function runYear(options: YearOptions): YearResult {
  const own = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'hcp-year-'));
  const files = { path: join(dir, 'terminal.db'), keyFile: join(dir, 'terminal.key') };
  const store = RatingStore.open(files);
  const fwd = RatingStore.attach(files);
  const outbox = fwd.outbox();
  const sizes: number[] = [];
  try {
    for (let day = 0; day < options.days; day++) {
      const opens = START + day * DAY;
      const ops = [];
      for (let k = 0; k < options.perDay; k++) {
        const at = opens + Math.floor((k * 8 * 3_600_000) / options.perDay);
        const promptId = `p-${day}-${k}`;
        const transactionId = `Y${String(day).padStart(3, '0')}${String(k).padStart(4, '0')}`;
        // One in ten a real-name 差评 with its citizen sealed until delivery.
        const bad = k % 10 === 9;
        ops.push(
          {
            op: 'prompt_open' as const,
            prompt: promptRecord({ id: promptId, transactionId, openedAt: at, expiresAt: at + 60_000 }),
          },
          {
            op: 'records_put' as const,
            records: [
              ratingRecord({
                id: `r-${day}-${k}`,
                promptId,
                transactionId,
                level: bad ? 2 : 5,
                reasons: bad ? ['207'] : [],
                ratedAt: at + 20_000,
                citizen: bad ? citizen : null,
              }),
            ],
          },
          { op: 'prompt_end' as const, id: promptId, status: 'rated' as const, at: at + 23_000 },
        );
      }
      store.apply(ops);
      store.checkpointIfDue();
      // The forwarder: batches of 100, delivered the same day.
      for (let now = opens + 9 * 3_600_000; ; now += 1_000) {
        const items = outbox.claim(100, now, 25_000);
        if (items.length === 0) break;
        outbox.markDelivered(
          items.map((i) => ({ promptId: i.record.promptId, id: i.record.id })),
          now,
        );
      }
      for (let t = opens; t < opens + DAY; t += PRUNE_EVERY_MS) outbox.prune(t, options.retentionDays);
      store.checkpointIfDue();
      sizes.push(fileBytes(files.path));
    }
    const counts = store.counts();
    fwd.close();
    store.close();
    const db = new Database(files.path, { readonly: true });
    try {
      return {
        sizes,
        records: counts.pending + counts.delivered + counts.rejected + counts.draft,
        prompts: db.prepare('SELECT COUNT(*) FROM prompts').pluck().get() as number,
        delivered: counts.delivered,
      };
    } finally {
      db.close();
    }
  } finally {
    fwd.close();
    store.close();
    if (own) rmSync(dir, { recursive: true, force: true });
  }
}
