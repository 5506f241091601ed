// Training records on a real database: how they are written, and that the outbox never
// hands one to the forwarder, whatever the store is opened as later.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { RatingStore } from '../../../src/store/store.js';
import { promptRecord, ratingRecord } from '../../helpers/records.js';
import { tempDir } from '../../helpers/temp.js';

const NOW = 1_790_000_000_000;
const DAY = 86_400_000;

function files() {
  const dir = tempDir();
  return { path: join(dir, 'terminal.db'), keyFile: join(dir, 'terminal.key') };
}

function flags(path: string): Record<string, [string, number]> {
  const db = new Database(path, { readonly: true });
  try {
    const rows = db.prepare('SELECT id, state, training FROM records ORDER BY seq').all() as {
      id: string;
      state: string;
      training: number;
    }[];
    return Object.fromEntries(rows.map((r) => [r.id, [r.state, r.training]]));
  } finally {
    db.close();
  }
}

describe('training records', () => {
  it('a training store marks what it writes; the outbox neither claims nor counts it', () => {
    const f = files();
    const store = RatingStore.open({ ...f, training: true });
    store.apply([{ op: 'prompt_open', prompt: promptRecord() }]);
    store.apply([
      { op: 'records_put', records: [ratingRecord({ id: 'a' }), ratingRecord({ id: 'b', level: 1 })] },
    ]);
    expect(flags(f.path)).toEqual({ a: ['pending', 1], b: ['pending', 1] });
    expect(store.outbox().claim(10, NOW, 60_000)).toEqual([]);
    expect(store.outbox().counts()).toEqual({ pending: 0, rejected: 0 });
    expect(store.counts()).toEqual({ draft: 0, pending: 0, delivered: 0, rejected: 0 });
    expect(store.trainingRecords()).toBe(2);
    store.close();
  });

  it('a 差评 begun in training and finished after a restart as a live terminal stays training', () => {
    const f = files();
    const training = RatingStore.open({ ...f, training: true });
    training.apply([{ op: 'prompt_open', prompt: promptRecord() }]);
    training.apply([{ op: 'records_put', records: [ratingRecord({ id: 'bad', level: 1, final: false })] }]);
    training.close();

    const live = RatingStore.open(f);
    live.apply([
      { op: 'records_put', records: [ratingRecord({ id: 'bad', level: 1, reasons: ['D01'], final: true })] },
    ]);
    live.apply([{ op: 'prompt_open', prompt: promptRecord({ id: 'p-2', transactionId: 'TX-2' }) }]);
    live.apply([{ op: 'records_put', records: [ratingRecord({ id: 'real', promptId: 'p-2' })] }]);
    expect(flags(f.path)).toEqual({ bad: ['pending', 1], real: ['pending', 0] });
    expect(
      live
        .outbox()
        .claim(10, NOW, 60_000)
        .map((i) => i.record.id),
    ).toEqual(['real']);
    expect(live.outbox().counts()).toEqual({ pending: 1, rejected: 0 });
    live.close();
  });

  it('final training records are pruned after the retention, like delivered ones; drafts are kept', () => {
    const f = files();
    const store = RatingStore.open({ ...f, training: true });
    store.apply([{ op: 'prompt_open', prompt: promptRecord() }]);
    store.apply([
      {
        op: 'records_put',
        records: [
          ratingRecord({ id: 'old', ratedAt: NOW - 91 * DAY }),
          ratingRecord({ id: 'recent', ratedAt: NOW - 89 * DAY }),
          ratingRecord({ id: 'draft', ratedAt: NOW - 91 * DAY, final: false }),
        ],
      },
    ]);
    expect(store.outbox().prune(NOW, 90)).toEqual({ records: 1, prompts: 0 });
    expect(Object.keys(flags(f.path))).toEqual(['recent', 'draft']);
    store.close();
  });
});
