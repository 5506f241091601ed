// The store's hourly counts (src/store/stats-queries.ts) on real SQLite files: a year of
// a busy window read through the indexes (an hour's rows, not the year's), the same
// figures as the tables counted by hand, and what does not count: drafts, training
// records, cancelled prompts, a body that is not JSON.

import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { StoreOp } from '../../../src/core/effects.js';
import type { PromptRecord, RatingRecord } from '../../../src/core/model.js';
import { MIGRATIONS, migrate } from '../../../src/store/migrations/index.js';
import { statsSql } from '../../../src/store/stats-queries.js';
import { RatingStore } from '../../../src/store/store.js';
import { promptRecord, ratingRecord } from '../../helpers/records.js';
import { tempDir } from '../../helpers/temp.js';
import { cst, DAY, sourceOf } from './stats-rig.js';
import { storeCounts } from './store-counts.js';

const DAY_MS = 86_400_000;
const MKT = { code: 'D-MKT', name: '县市场监管局' };
const TAX = { code: 'D-TAX', name: '县税务局' };

function open(training = false) {
  const dir = tempDir('hcp-stats-q-');
  const files = { path: join(dir, 'terminal.db'), keyFile: join(dir, 'terminal.key'), training };
  const store = RatingStore.open(files);
  return { store, path: files.path, close: () => store.close() };
}

let n = 0;
/** A prompt that ended `status` at `at`, with one final record per department rated. */
function prompt(
  at: number,
  status: 'rated' | 'declined' | 'expired' | 'cancelled',
  p: Partial<PromptRecord> = {},
  ratings: Partial<RatingRecord>[] = [{}],
): StoreOp[] {
  const id = `p-${++n}`;
  const transactionId = p.transactionId ?? `TX-Q-${n}`;
  const record = promptRecord({ id, transactionId, openedAt: at - 20_000, expiresAt: at + 40_000, ...p });
  const ops: StoreOp[] = [{ op: 'prompt_open', prompt: record }];
  if (status === 'rated') {
    ops.push({
      op: 'records_put',
      records: ratings.map((r, i) =>
        ratingRecord({
          id: `r-${n}-${i}`,
          promptId: id,
          transactionId,
          ratedAt: at,
          service: record.service,
          department: record.departments[0] ?? { code: '', name: '' },
          ...r,
        }),
      ),
    });
  }
  ops.push({ op: 'prompt_end', id, status, at });
  return ops;
}

const withSourceColumn = (db: Database.Database) =>
  db.prepare(`SELECT 1 FROM pragma_table_info('prompts') WHERE name = 'source'`).get() !== undefined;

describe('hourly counts from the store', () => {
  it('counts what the tables hold, by the contract, and leaves out what does not count', () => {
    const { store, path, close } = open();
    try {
      const apply = (ops: StoreOp[], at: number) => store.apply(ops, at);
      apply(prompt(cst(9, 5), 'rated', {}, [{ level: 5 }]), cst(9, 5));
      apply(prompt(cst(9, 6), 'rated', {}, [{ level: 1, reasons: ['108', '110'] }]), cst(9, 6));
      // A 好评 with its optional indicators: they are not 差评 reasons.
      apply(prompt(cst(9, 7), 'rated', {}, [{ level: 5, reasons: ['510'] }]), cst(9, 7));
      // 并联审批 rated overall: a record (and a count) per department.
      apply(
        prompt(cst(9, 8), 'rated', { mode: 'parallel', departments: [MKT, TAX] }, [
          { level: 4, department: MKT, scope: 'overall' },
          { level: 4, department: TAX, scope: 'overall' },
        ]),
        cst(9, 8),
      );
      // Declined 并联: once per department; 一件事 (package): its lead department only.
      apply(prompt(cst(9, 9), 'declined', { mode: 'parallel', departments: [MKT, TAX] }), cst(9, 9));
      apply(prompt(cst(9, 10), 'expired', { mode: 'package', departments: [TAX, MKT] }), cst(9, 10));
      // A GWQ prompt with no department, on a kiosk (no clerk). Its source says gwq where
      // prompts have one; its id is the one only the GWQ listener makes.
      const gwq = { source: 'gwq' } as Partial<PromptRecord>;
      apply(
        prompt(cst(9, 11), 'expired', {
          ...gwq,
          transactionId: 'GWQ-HA-0001-7',
          departments: [],
          clerk: null,
        }),
        cst(9, 11),
      );
      // Cancelled: no count at all.
      apply(prompt(cst(9, 12), 'cancelled'), cst(9, 12));
      // A draft (a 差评 on its reasons screen) does not count until it is final.
      const draft = prompt(cst(9, 13), 'rated', {}, [{ level: 2, final: false }]);
      apply(draft.slice(0, 2), cst(9, 13));
      // Exactly on the full hour: the new hour.
      apply(prompt(cst(10), 'rated', {}, [{ level: 3 }]), cst(10));
      // A record whose body is not JSON: left out, never a crash.
      const raw = new Database(path);
      raw
        .prepare(
          `INSERT INTO records (prompt_id, id, seq, state, body, rated_at, final_at, training)
           VALUES ('p-1', 'garbled', 9999, 'pending', '{not json', ?, ?, 0)`,
        )
        .run(cst(9, 30), cst(9, 30));
      raw.close();

      const rows = store.stats().hourly(cst(0), cst(0, 0, 0, 1), 'HA-0001');
      const expected = storeCounts(path, DAY, cst(0, 0, 0, 1), sourceOf);
      expect(rows.map(({ day: _d, clerkName: _c, ...r }) => r)).toEqual(expected);
      expect(rows.every((r) => r.day === DAY)).toBe(true);
      const find = (hour: string, dept: string, clerk = '0107') =>
        rows.find((r) => r.hour === hour && r.deptCode === dept && r.clerkId === clerk);
      expect(find('09', 'D-1')).toMatchObject({
        levels: { 5: 2, 4: 0, 3: 0, 2: 0, 1: 1 },
        reasons: { 108: 1, 110: 1 },
        clerkName: '林晓',
        source: { api: 3, gwq: 0, invite: 0 },
      });
      expect(find('09', 'D-MKT')).toMatchObject({ levels: { 4: 1 }, declined: 1, expired: 0 });
      expect(find('09', 'D-TAX')).toMatchObject({ levels: { 4: 1 }, declined: 1, expired: 1 });
      expect(find('09', '', '')).toMatchObject({ deptName: '', expired: 1, source: { gwq: 1, api: 0 } });
      expect(find('10', 'D-1')).toMatchObject({ levels: { 3: 1 }, source: { api: 1 } });
      expect(rows).toHaveLength(5);
    } finally {
      close();
    }
  });

  it("a training store's ratings are not counted", () => {
    const { store, close } = open(true);
    try {
      store.apply(prompt(cst(9, 5), 'rated', {}, [{ level: 1, reasons: ['108'] }]), cst(9, 5));
      const rows = store.stats().hourly(cst(0), cst(0, 0, 0, 1), 'HA-0001');
      expect(rows.flatMap((r) => Object.values(r.levels)).every((v) => v === 0)).toBe(true);
    } finally {
      close();
    }
  });

  it('a year of a busy window: the hour is read through the indexes, and counts the same', () => {
    const { store, path, close } = open();
    try {
      // 365 days × 100 prompts (one in ten declined), each day a commit.
      const first = cst(8, 30, 0, -364);
      for (let d = 0; d < 365; d++) {
        const ops: StoreOp[] = [];
        for (let k = 0; k < 100; k++) {
          const at = first + d * DAY_MS + k * 180_000;
          ops.push(
            ...(k % 10 === 9
              ? prompt(at, 'declined')
              : prompt(at, 'rated', {}, [{ level: ((k % 5) + 1) as 1, reasons: k % 5 < 2 ? ['108'] : [] }])),
          );
        }
        // No step time: each record final at its own rating time, as a direct 好评 is.
        store.apply(ops);
      }
      const db = new Database(path, { readonly: true });
      try {
        const params = { from: cst(0), to: cst(12), terminalId: 'HA-0001' };
        const plans = Object.fromEntries(
          Object.entries(statsSql(withSourceColumn(db))).map(([k, sql]) => [
            k,
            (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[]).map(
              (p) => p.detail,
            ),
          ]),
        );
        expect(plans.ratings).toContain('SEARCH r USING INDEX records_final (final_at>? AND final_at<?)');
        expect(plans.reasons).toContain('SEARCH r USING INDEX records_final (final_at>? AND final_at<?)');
        expect(plans.ratings).toContain('SEARCH p USING PRIMARY KEY (id=?)');
        expect(plans.unrated).toContain('SEARCH p USING INDEX prompts_unrated (ended_at>? AND ended_at<?)');
        // Nothing is scanned whole.
        for (const steps of Object.values(plans)) {
          expect(steps.filter((s) => /^SCAN (r|p)\b/.test(s))).toEqual([]);
        }
      } finally {
        db.close();
      }
      const rows = store.stats().hourly(cst(0), cst(0, 0, 0, 1), 'HA-0001');
      expect(rows.map(({ day: _d, clerkName: _c, ...r }) => r)).toEqual(
        storeCounts(path, DAY, cst(0, 0, 0, 1), sourceOf),
      );
      expect(rows.reduce((s, r) => s + r.declined, 0)).toBe(10);
    } finally {
      close();
    }
  });

  it('the index migration, on a real store of the version before: both indexes made, the same counts', () => {
    const dir = tempDir('hcp-stats-q-');
    const path = join(dir, 'terminal.db');
    const old = new Database(path);
    old.pragma('journal_mode = WAL');
    // The version before this one's (versions ascend, one may be left for a parallel branch).
    const before = (MIGRATIONS.at(-2) as { version: number }).version;
    expect(migrate(old, before)).toBe(before);
    const promptSql = `INSERT INTO prompts (id, transaction_id, mode, service, departments, clerk, status, opened_at, expires_at, ended_at)
      VALUES (?, ?, 'single', '{"code":"S-1","name":"个体工商户登记"}', '[{"code":"D-1","name":"县市场监管局"}]',
              '{"id":"0107","name":"林晓"}', ?, ?, ?, ?)`;
    old.prepare(promptSql).run('p-a', 'TX-A', 'rated', cst(9), cst(9, 1), cst(9, 0, 20));
    old.prepare(promptSql).run('p-b', 'TX-B', 'declined', cst(9, 5), cst(9, 6), cst(9, 5, 10));
    const {
      citizen: _c,
      final: _f,
      ...body
    } = ratingRecord({ id: 'r-a', promptId: 'p-a', level: 2, reasons: ['207'] });
    old
      .prepare(
        `INSERT INTO records (prompt_id, id, seq, state, body, rated_at, final_at) VALUES ('p-a', 'r-a', 1, 'delivered', ?, ?, ?)`,
      )
      .run(JSON.stringify(body), cst(9, 0, 10), cst(9, 0, 20));
    old.close();

    const store = RatingStore.open({ path, keyFile: join(dir, 'terminal.key') });
    try {
      const db = new Database(path, { readonly: true });
      const indexes = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index'`).pluck().all();
      db.close();
      expect(indexes).toEqual(expect.arrayContaining(['records_final', 'prompts_unrated']));
      const rows = store.stats().hourly(cst(0), cst(0, 0, 0, 1), 'HA-0001');
      expect(rows.map(({ day: _d, clerkName: _n, ...r }) => r)).toEqual(
        storeCounts(path, DAY, cst(0, 0, 0, 1), sourceOf),
      );
      expect(rows).toMatchObject([{ hour: '09', levels: { 2: 1 }, reasons: { 207: 1 }, declined: 1 }]);
    } finally {
      store.close();
    }
  });
});
