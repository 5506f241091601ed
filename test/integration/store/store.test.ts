import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { RatingStore } from '../../../src/store/store.js';
import { citizen, promptRecord, ratingRecord } from '../../helpers/records.js';
import { tempDir } from '../../helpers/temp.js';

function openStore(dir = tempDir()) {
  return RatingStore.open({
    path: join(dir, 'data', 'terminal.db'),
    keyFile: join(dir, 'data', 'terminal.key'),
  });
}

describe('the rating store', () => {
  it('creates its folder, a WAL database with FULL sync, and a 0600 key file', () => {
    const dir = tempDir();
    const store = openStore(dir);
    expect(store.movedAside).toBeNull();
    expect(statSync(join(dir, 'data', 'terminal.key')).mode & 0o777).toBe(0o600);
    expect(store.integrityCheck()).toBe('ok');
    store.close();
    const again = openStore(dir);
    expect(again.counts()).toEqual({ draft: 0, pending: 0, delivered: 0, rejected: 0 });
    again.close();
  });

  it('keeps a prompt and its records, drafts updatable, finals not', () => {
    const store = openStore();
    store.apply([{ op: 'prompt_open', prompt: promptRecord() }]);
    store.apply([
      { op: 'prompt_status', id: 'p-1', status: 'rated' },
      { op: 'records_put', records: [ratingRecord({ level: 2, final: false })] },
    ]);
    expect(store.counts().draft).toBe(1);
    store.apply([
      { op: 'records_put', records: [ratingRecord({ level: 2, reasons: ['D01'], final: true })] },
    ]);
    // A final record may be on its way to the platform: a later put must not change it.
    store.apply([{ op: 'records_put', records: [ratingRecord({ level: 5, final: true })] }]);
    store.apply([{ op: 'prompt_end', id: 'p-1', status: 'rated', at: 5_000 }]);
    const p = store.getPrompt('p-1');
    expect(p).toMatchObject({ status: 'rated', endedAt: 5_000, transactionId: 'TX-1' });
    expect(p?.records).toEqual([ratingRecord({ level: 2, reasons: ['D01'], final: true })]);
    expect(store.counts()).toMatchObject({ draft: 0, pending: 1 });
    expect(store.isTransactionRated('TX-1')).toBe(true);
    expect(store.isTransactionRated('TX-2')).toBe(false);
    expect(store.getPrompt('nope')).toBeNull();
    store.close();
  });

  it('applies one step’s ops all or nothing', () => {
    const store = openStore();
    store.apply([{ op: 'prompt_open', prompt: promptRecord() }]);
    expect(() =>
      store.apply([
        { op: 'records_put', records: [ratingRecord({ id: 'r-ok' })] },
        { op: 'prompt_open', prompt: promptRecord() }, // duplicate id: fails
      ]),
    ).toThrow();
    expect(store.counts().pending).toBe(0);
    store.close();
  });

  it('seals personal data: nothing readable in the database file', () => {
    const dir = tempDir();
    const store = openStore(dir);
    store.apply([{ op: 'prompt_open', prompt: promptRecord({ citizen }) }]);
    store.apply([{ op: 'records_put', records: [ratingRecord({ citizen })] }]);
    const facts = store.recovery();
    expect(facts.unfinished[0]?.citizen).toEqual(citizen);
    store.close();
    const bytes = Buffer.concat(
      ['terminal.db', 'terminal.db-wal']
        .map((f) => join(dir, 'data', f))
        .map((f) => {
          try {
            return readFileSync(f);
          } catch {
            return Buffer.alloc(0);
          }
        }),
    );
    for (const secret of [citizen.name, citizen.idNumber, citizen.phone]) {
      expect(bytes.includes(Buffer.from(secret, 'utf8'))).toBe(false);
    }
    expect(bytes.includes(Buffer.from('个体工商户登记', 'utf8'))).toBe(true);
  });

  it('drops the prompt’s citizen data when the prompt ends', () => {
    const store = openStore();
    store.apply([{ op: 'prompt_open', prompt: promptRecord({ citizen }) }]);
    store.apply([{ op: 'prompt_end', id: 'p-1', status: 'declined', at: 3_000 }]);
    expect(store.recovery().unfinished).toEqual([]);
    store.close();
  });

  it('hands a restart what it must pick up', () => {
    const dir = tempDir();
    const store = openStore(dir);
    const clerk = {
      id: '0107',
      name: '林晓',
      department: { code: 'D', name: '县税务局' },
      photo: null,
      stars: 4,
      status: 'serving' as const,
      pauseWhenDone: false,
    };
    store.apply([
      { op: 'clerk', clerk },
      { op: 'invite_seq', value: 7 },
    ]);
    store.apply([{ op: 'prompt_open', prompt: promptRecord() }]);
    store.apply([{ op: 'records_put', records: [ratingRecord({ level: 1, final: false, citizen })] }]);
    store.close();
    const reopened = openStore(dir);
    const facts = reopened.recovery();
    expect(facts.clerk).toEqual(clerk);
    expect(facts.inviteSeq).toBe(7);
    expect(facts.drafts).toEqual([ratingRecord({ level: 1, final: false, citizen })]);
    expect(facts.unfinished.map((p) => p.id)).toEqual(['p-1']);
    reopened.apply([{ op: 'clerk', clerk: null }]);
    expect(reopened.recovery().clerk).toBeNull();
    reopened.close();
  });

  it('counts the recent ratings flagged clock_skew for diagnostics, latest first', () => {
    const dir = tempDir();
    const store = openStore(dir);
    store.apply([{ op: 'prompt_open', prompt: promptRecord() }]);
    store.apply([
      {
        op: 'records_put',
        records: [
          ratingRecord({
            id: 'r-old',
            ratedAt: 1_000,
            flags: ['clock_skew'],
            serviceTime: '1970-01-01 08:00:02',
          }),
          ratingRecord({
            id: 'r-a',
            ratedAt: 5_000,
            flags: ['fast', 'clock_skew'],
            serviceTime: '1970-01-01 08:00:06',
          }),
          ratingRecord({
            id: 'r-b',
            ratedAt: 7_000,
            flags: ['clock_skew'],
            serviceTime: '1970-01-01 08:00:09',
          }),
          ratingRecord({ id: 'r-none', ratedAt: 8_000, flags: ['burst'] }),
          // The word elsewhere than in the flags is no skew.
          ratingRecord({ id: 'r-word', ratedAt: 9_000, comment: 'clock_skew', flags: [] }),
        ],
      },
    ]);
    store.close();
    // A body that is not JSON does not stop the count.
    const db = new Database(join(dir, 'data', 'terminal.db'));
    db.prepare(
      `INSERT INTO records (prompt_id, id, seq, state, body, rated_at) VALUES ('p-1', 'garbled', 99, 'pending', '{"clock_skew"', 9_500)`,
    ).run();
    db.close();
    const again = openStore(dir);
    expect(again.clockSkew(2_000)).toEqual({
      ratings: 2,
      last: { promptId: 'p-1', ratedAt: 7_000, serviceTime: '1970-01-01 08:00:09' },
    });
    expect(again.clockSkew(0).ratings).toBe(3);
    expect(again.clockSkew(10_000)).toEqual({ ratings: 0, last: null });
    again.close();
  });
});
