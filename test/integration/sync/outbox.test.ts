import { readFileSync, writeFileSync } from 'node:fs';
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
    // The platform's words are sealed at rest, like the personal data.
    const released = row(files.path, 'r-0001');
    expect(released).toMatchObject({ attempts: 1, last_error: null, lease_until: null });
    expect(Buffer.isBuffer(released.last_error_sealed)).toBe(true);
    expect(String(released.last_error_sealed)).not.toContain('connection refused');
    expect(row(files.path, 'r-0000')).toMatchObject({ reject_code: 'E_FIELD', reject_message: null });
    expect(String(row(files.path, 'r-0000').reject_message_sealed)).not.toContain('areaCode');
    expect(outbox.claim(10, NOW, 10_000).map((i) => i.record.id)).toEqual(['r-0001']);
    expect(outbox.requeueRejected()).toBe(1);
    // Back in its old place: first in the queue.
    expect(outbox.claim(10, NOW + 1e6, 10_000).map((i) => i.record.id)).toEqual(['r-0000', 'r-0001']);
    store.close();
  });

  it('a record whose personal data another key sealed is set aside until the right key is back, or sent without it on request', () => {
    const files = storeFiles();
    const store = openStore(files);
    seed(store, 3, { overrides: (i) => ({ citizen: i < 2 ? citizen : null, level: i === 0 ? 2 : 5 }) });
    store.close();
    const rightKey = readFileSync(files.keyFile, 'utf8');
    // A valid key, but not the one that sealed them (a restore that mixed two terminals'
    // files): nothing explains it, so nothing is sent without the citizen's data unasked.
    writeFileSync(files.keyFile, `${Buffer.alloc(32, 7).toString('base64')}\n`);
    const again = openStore(files);
    const heard: string[] = [];
    again.onSetAside((n) => heard.push(`${n.id} ${n.code}`));
    const claimed = again.outbox().claim(10, NOW, 10_000);
    expect(claimed.map((i) => [i.record.id, i.record.level, i.record.citizen])).toEqual([
      ['r-0002', 5, null],
    ]);
    expect(heard).toEqual(['r-0000 unopenable_personal_data', 'r-0001 unopenable_personal_data']);
    expect(again.outbox().counts()).toEqual({ pending: 1, rejected: 2 });
    expect(
      again
        .outbox()
        .rejected()
        .map((r) => [r.id, r.code]),
    ).toEqual([
      ['r-0000', 'unopenable_personal_data'],
      ['r-0001', 'unopenable_personal_data'],
    ]);
    expect(again.outbox().rejected()[0]?.message).toContain('another key file');
    // Sent again without the right key: the rating goes, without the personal fields.
    expect(again.outbox().requeueRejected([{ promptId: 'p-r', id: 'r-0000' }])).toBe(1);
    expect(row(files.path, 'r-0000').personal_sealed).toBeNull();
    expect(
      again
        .outbox()
        .claim(10, NOW + 1, 10_000)
        .map((i) => [i.record.id, i.record.citizen]),
    ).toEqual([['r-0000', null]]);
    again.close();
    // The right key back: the other one is sent again whole.
    writeFileSync(files.keyFile, rightKey);
    const restored = openStore(files);
    expect(restored.outbox().requeueRejected()).toBe(1);
    expect(
      restored
        .outbox()
        .claim(10, NOW + 2, 10_000)
        .map((i) => [i.record.id, i.record.citizen]),
    ).toEqual([['r-0001', citizen]]);
    restored.close();
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
