import { writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { citizen, promptRecord, ratingRecord } from '../../helpers/records.js';
import { openStore, seed, storeFiles } from './helpers.js';

const NOW = 1_790_000_000_000;
const DAY = 86_400_000;

function row(path: string, id: string) {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare('SELECT * FROM records WHERE id = ?').get(id) as Record<string, unknown>;
  } finally {
    db.close();
  }
}

describe('the outbox on a real database', () => {
  it('claims only final records, oldest first, at most N, and leases them', () => {
    const files = storeFiles();
    const store = openStore(files);
    store.apply([{ op: 'prompt_open', prompt: promptRecord() }]);
    store.apply([{ op: 'records_put', records: [ratingRecord({ id: 'draft', level: 1, final: false })] }]);
    seed(store, 5);
    const outbox = store.outbox();
    const first = outbox.claim(3, NOW, 10_000);
    expect(first.map((i) => i.record.id)).toEqual(['r-0000', 'r-0001', 'r-0002']);
    expect(first[0]?.record).toMatchObject({ final: true, citizen: null, transactionId: 'TX-p-r' });
    // Leased rows are not claimed again until the lease runs out.
    expect(outbox.claim(10, NOW + 1, 10_000).map((i) => i.record.id)).toEqual(['r-0003', 'r-0004']);
    expect(outbox.claim(10, NOW + 2, 10_000)).toEqual([]);
    expect(outbox.nextLeaseExpiry(NOW + 2)).toBe(NOW + 10_000);
    expect(outbox.claim(10, NOW + 10_000, 10_000).map((i) => i.record.id)).toEqual([
      'r-0000',
      'r-0001',
      'r-0002',
    ]);
    // The draft is never claimed, but counts as queued from its commit, as a 好评 does.
    expect(outbox.counts()).toEqual({ pending: 6, rejected: 0 });
    store.close();
  });

  it('sets aside a record whose stored body is unreadable, and the queue behind it goes on', () => {
    const files = storeFiles();
    const store = openStore(files);
    seed(store, 3);
    store.close();
    const db = new Database(files.path);
    db.prepare(`UPDATE records SET body = '{"transactionId":' WHERE id = 'r-0000'`).run();
    db.prepare(`UPDATE records SET body = '[1,2]' WHERE id = 'r-0001'`).run();
    db.close();
    const again = openStore(files);
    const outbox = again.outbox();
    expect(outbox.claim(10, NOW, 10_000).map((i) => i.record.id)).toEqual(['r-0002']);
    expect(outbox.counts()).toEqual({ pending: 1, rejected: 2 });
    expect(outbox.rejected().map((r) => [r.id, r.code])).toEqual([
      ['r-0000', 'unreadable_record'],
      ['r-0001', 'unreadable_record'],
    ]);
    again.close();
  });

  it('a second connection cannot claim what the first holds (a restart racing a dying process)', () => {
    const files = storeFiles();
    const a = openStore(files);
    seed(a, 4);
    const b = openStore(files);
    expect(a.outbox().claim(2, NOW, 60_000)).toHaveLength(2);
    expect(
      b
        .outbox()
        .claim(10, NOW, 60_000)
        .map((i) => i.record.id),
    ).toEqual(['r-0002', 'r-0003']);
    a.close();
    b.close();
  });

  it('delivered: erases the sealed personal data and is never claimed again', () => {
    const files = storeFiles();
    const store = openStore(files);
    const [r] = seed(store, 1, { overrides: () => ({ citizen }) });
    const outbox = store.outbox();
    const [item] = outbox.claim(1, NOW, 10_000);
    expect(item?.record.citizen).toEqual(citizen);
    expect(row(files.path, 'r-0000').personal_sealed).not.toBeNull();
    outbox.markDelivered([{ promptId: r?.promptId as string, id: 'r-0000' }], NOW + 5);
    const after = row(files.path, 'r-0000');
    expect(after).toMatchObject({
      state: 'delivered',
      delivered_at: NOW + 5,
      personal_sealed: null,
      lease_until: null,
    });
    expect(outbox.claim(10, NOW + 1e9, 10_000)).toEqual([]);
    expect(outbox.counts()).toEqual({ pending: 0, rejected: 0 });
    store.close();
  });

  it('rejected: kept with the platform’s code and message, not claimed, re-queued on demand', () => {
    const files = storeFiles();
    const store = openStore(files);
    seed(store, 2);
    const outbox = store.outbox();
    outbox.claim(2, NOW, 10_000);
    outbox.markRejected({ promptId: 'p-r', id: 'r-0000' }, 'E_FIELD', 'areaCode 不正确');
    outbox.release([{ promptId: 'p-r', id: 'r-0001' }], 'connection refused');
    expect(outbox.counts()).toEqual({ pending: 1, rejected: 1 });
    expect(outbox.rejected()).toEqual([
      {
        promptId: 'p-r',
        id: 'r-0000',
        transactionId: 'TX-p-r',
        ratedAt: 2_000,
        code: 'E_FIELD',
        message: 'areaCode 不正确',
      },
    ]);
    expect(row(files.path, 'r-0001')).toMatchObject({
      attempts: 1,
      last_error: 'connection refused',
      lease_until: null,
    });
    expect(outbox.claim(10, NOW, 10_000).map((i) => i.record.id)).toEqual(['r-0001']);
    expect(outbox.requeueRejected()).toBe(1);
    // Back in its old place: first in the queue.
    expect(outbox.claim(10, NOW + 1e6, 10_000).map((i) => i.record.id)).toEqual(['r-0000', 'r-0001']);
    store.close();
  });

  it('a record whose sealed data cannot be read is sent with its rating, without the personal fields', () => {
    const files = storeFiles();
    const store = openStore(files);
    seed(store, 2, { overrides: (i) => ({ citizen: i === 0 ? citizen : null, level: i === 0 ? 2 : 5 }) });
    store.close();
    // The key file replaced: the sealed data is unreadable. Rating never stops for a key.
    writeFileSync(files.keyFile, `${Buffer.alloc(32, 7).toString('base64')}\n`);
    const again = openStore(files);
    const claimed = again.outbox().claim(10, NOW, 10_000);
    expect(claimed.map((i) => [i.record.id, i.record.level, i.record.citizen])).toEqual([
      ['r-0000', 2, null],
      ['r-0001', 5, null],
    ]);
    expect(again.outbox().counts()).toEqual({ pending: 2, rejected: 0 });
    again.close();
  });

  it('prunes delivered records past the retention, and the ended prompts left with none', () => {
    const files = storeFiles();
    const store = openStore(files);
    seed(store, 2, { promptId: 'old', prefix: 'o' });
    seed(store, 1, { promptId: 'mixed', prefix: 'm' });
    seed(store, 1, { promptId: 'recent', prefix: 'n' });
    store.apply([{ op: 'prompt_open', prompt: promptRecord({ id: 'expired', transactionId: 'TX-e' }) }]);
    store.apply([{ op: 'prompt_open', prompt: promptRecord({ id: 'still-open', transactionId: 'TX-s' }) }]);
    for (const id of ['old', 'mixed', 'recent', 'expired']) {
      store.apply([
        { op: 'prompt_end', id, status: id === 'expired' ? 'expired' : 'rated', at: NOW - 100 * DAY },
      ]);
    }
    const outbox = store.outbox();
    outbox.claim(10, NOW, 1);
    outbox.markDelivered(
      [
        { promptId: 'old', id: 'o-0000' },
        { promptId: 'old', id: 'o-0001' },
      ],
      NOW - 91 * DAY,
    );
    outbox.markDelivered([{ promptId: 'recent', id: 'n-0000' }], NOW - 10 * DAY);
    // mixed's record is still pending: neither it nor its prompt may go.
    expect(outbox.prune(NOW, 90)).toEqual({ records: 2, prompts: 2 });
    expect(store.getPrompt('old')).toBeNull();
    expect(store.getPrompt('expired')).toBeNull();
    expect(store.getPrompt('mixed')?.records).toHaveLength(1);
    expect(store.getPrompt('recent')?.records).toHaveLength(1);
    expect(store.getPrompt('still-open')).not.toBeNull();
    expect(store.counts()).toMatchObject({ pending: 1, delivered: 1 });
    expect(outbox.prune(NOW, 90)).toEqual({ records: 0, prompts: 0 });
    store.close();
  });
});
