// Migration 006 (local records) on a real database file of the version before it, with
// rows in every state: the records table is rebuilt with `local` in its state list and
// nothing else changes — every row and column, the indexes, the foreign key. Local
// records are outside the outbox and pruned after the retention.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { LATEST_VERSION, MIGRATIONS, migrate } from '../../../src/store/migrations/index.js';
import { RatingStore } from '../../../src/store/store.js';
import { promptRecord, ratingRecord } from '../../helpers/records.js';
import { tempDir } from '../../helpers/temp.js';

const DAY = 86_400_000;
const NOW = 1_790_000_000_000;
const index = MIGRATIONS.findIndex((m) => m.name === 'local-records');
const BEFORE = MIGRATIONS[index - 1]?.version as number;
const LOCAL_RECORDS = MIGRATIONS[index]?.version as number;

function schemaOf(db: Database.Database) {
  return {
    columns: db.prepare('PRAGMA table_xinfo(records)').all(),
    indexes: db
      .prepare(
        `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'records' ORDER BY name`,
      )
      .all(),
    foreignKeys: db.prepare('PRAGMA foreign_key_list(records)').all(),
  };
}

const rows = (db: Database.Database) => db.prepare('SELECT * FROM records ORDER BY seq').all();

/** A database as the version before this one left it: a prompt and a record in every state. */
function databaseBefore(path: string) {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  expect(migrate(db, BEFORE)).toBe(BEFORE);
  db.prepare(
    `INSERT INTO prompts (id, transaction_id, mode, service, departments, status, opened_at, expires_at, ended_at)
     VALUES ('p', 't', 'single', '{}', '[]', 'rated', 1, 2, 3)`,
  ).run();
  const put = db.prepare(
    `INSERT INTO records (prompt_id, id, seq, state, body, personal_sealed, rated_at, final_at, attempts,
       lease_until, last_error, reject_code, reject_message, delivered_at, training)
     VALUES ('p', @id, @seq, @state, @body, @sealed, 1, @final_at, @attempts, @lease, @error, @code, @message, @delivered, @training)`,
  );
  const states = ['draft', 'pending', 'pending', 'delivered', 'rejected', 'pending'];
  states.forEach((state, i) => {
    const { citizen: _c, final: _f, ...body } = ratingRecord({ id: `r${i}`, promptId: 'p' });
    put.run({
      id: `r${i}`,
      seq: i + 1,
      state,
      body: JSON.stringify(body),
      sealed: i === 1 ? Buffer.from([1, 2, 3, 0, 255]) : null,
      final_at: state === 'draft' ? null : 10 + i,
      attempts: i,
      lease: i === 2 ? 999 : null,
      error: i === 2 ? 'timeout' : null,
      code: state === 'rejected' ? 'E1' : null,
      message: state === 'rejected' ? '办件编号不存在' : null,
      delivered: state === 'delivered' ? 20 : null,
      training: i === 5 ? 1 : 0,
    });
  });
  const before = { schema: schemaOf(db), rows: rows(db) };
  db.close();
  return before;
}

describe('migration 006: local records', () => {
  it('rebuilds the records table with the local state, keeping every row, column and index', () => {
    const dir = tempDir();
    const files = { path: join(dir, 'terminal.db'), keyFile: join(dir, 'terminal.key') };
    const before = databaseBefore(files.path);

    // The migration alone first: the rows as they were, byte for byte.
    const db = new Database(files.path);
    expect(migrate(db, LOCAL_RECORDS)).toBe(LOCAL_RECORDS);
    const after = schemaOf(db);
    expect(after.columns).toEqual(before.schema.columns);
    expect(after.indexes).toEqual(before.schema.indexes);
    expect(after.foreignKeys).toEqual(before.schema.foreignKeys);
    expect(rows(db)).toEqual(before.rows);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(db.prepare(`SELECT name FROM sqlite_master WHERE name LIKE 'records_0%'`).all()).toEqual([]);

    // The schema takes the new state, and still refuses one the code does not know.
    db.pragma('foreign_keys = ON');
    const put = db.prepare(
      `INSERT INTO records (prompt_id, id, seq, state, body, rated_at) VALUES ('p', ?, ?, ?, '{}', 1)`,
    );
    put.run('local-1', 50, 'local');
    expect(() => put.run('lost-1', 51, 'lost')).toThrow(/CHECK/);
    expect(() =>
      db
        .prepare(
          `INSERT INTO records (prompt_id, id, seq, state, body, rated_at) VALUES ('nope', 'x', 52, 'local', '{}', 1)`,
        )
        .run(),
    ).toThrow(/FOREIGN KEY/);
    db.close();

    // Then opened the way a terminal opens it (pragmas, checks, the later migrations, its own upkeep).
    const store = RatingStore.open(files);
    expect(store.integrityCheck()).toBe('ok');
    store.close();

    // Running the migrations again changes nothing.
    const again = new Database(files.path);
    const schema = again.prepare('SELECT sql FROM sqlite_master ORDER BY name').pluck().all();
    expect(migrate(again)).toBe(LATEST_VERSION);
    expect(again.prepare('SELECT sql FROM sqlite_master ORDER BY name').pluck().all()).toEqual(schema);
    again.close();
  });

  it("writes a GWQ prompt's records local when final (draft before), and the hall's counts count them under gwq", () => {
    const dir = tempDir();
    const store = RatingStore.open({ path: join(dir, 'terminal.db'), keyFile: join(dir, 'terminal.key') });
    const at = NOW - 60_000;
    const gwq = promptRecord({
      id: 'g',
      transactionId: 'GWQ-HA-0001-1',
      source: 'gwq',
      openedAt: at,
      expiresAt: at + 60_000,
    });
    const api = promptRecord({
      id: 'a',
      transactionId: 'TX-1',
      source: 'api',
      openedAt: at,
      expiresAt: at + 60_000,
    });
    const record = (promptId: string, final: boolean) =>
      ratingRecord({
        id: `${promptId}-r`,
        promptId,
        transactionId: promptId === 'g' ? gwq.transactionId : 'TX-1',
        level: 1,
        ratedAt: at + 5_000,
        final,
      });
    store.apply([
      { op: 'prompt_open', prompt: gwq },
      { op: 'prompt_open', prompt: api },
      { op: 'records_put', records: [record('g', false), record('a', false)] },
    ]);
    const states = () => {
      const db = new Database(join(dir, 'terminal.db'), { readonly: true });
      const got = db.prepare('SELECT prompt_id, state FROM records ORDER BY prompt_id').raw().all();
      db.close();
      return got;
    };
    expect(states()).toEqual([
      ['a', 'draft'],
      ['g', 'draft'],
    ]);
    // A GWQ 差评 on its reasons screen is queued for no platform; the API's is.
    expect(store.counts().pending).toBe(1);
    store.apply([
      { op: 'records_put', records: [record('g', true), record('a', true)] },
      { op: 'prompt_end', id: 'g', status: 'rated', at: at + 9_000 },
      { op: 'prompt_end', id: 'a', status: 'rated', at: at + 9_000 },
    ]);
    expect(states()).toEqual([
      ['a', 'pending'],
      ['g', 'local'],
    ]);
    expect(
      store
        .outbox()
        .claim(10, NOW, 60_000)
        .map((i) => i.record.promptId),
    ).toEqual(['a']);
    const rows = store.stats().hourly(at - 3_600_000, NOW + 3_600_000, 'HA-0001');
    const total = (k: 'api' | 'gwq') => rows.reduce((sum, r) => sum + r.source[k], 0);
    expect([total('api'), total('gwq')]).toEqual([1, 1]);
    expect(rows.reduce((sum, r) => sum + r.levels[1], 0)).toBe(2);
    store.close();
  });

  it('keeps local records out of the outbox, its counts and the queue, and prunes them after the retention', () => {
    const dir = tempDir();
    const files = { path: join(dir, 'terminal.db'), keyFile: join(dir, 'terminal.key') };
    const store = RatingStore.open(files);
    const db = new Database(files.path);
    db.prepare(
      `INSERT INTO prompts (id, transaction_id, mode, service, departments, status, opened_at, expires_at, ended_at)
       VALUES ('g', 'GWQ-HA-0001-1', 'single', '{}', '[]', 'rated', 1, 2, ?)`,
    ).run(NOW - 100 * DAY);
    const put = db.prepare(
      `INSERT INTO records (prompt_id, id, seq, state, body, rated_at, final_at) VALUES ('g', ?, ?, 'local', ?, ?, ?)`,
    );
    const { citizen: _c, final: _f, ...body } = ratingRecord({ promptId: 'g' });
    put.run('old', 1, JSON.stringify(body), NOW - 100 * DAY, NOW - 100 * DAY);
    put.run('new', 2, JSON.stringify(body), NOW - DAY, NOW - DAY);
    db.close();

    const outbox = store.outbox();
    expect(outbox.claim(100, NOW, 60_000)).toEqual([]);
    expect(outbox.counts()).toEqual({ pending: 0, rejected: 0 });
    expect(store.counts()).toEqual({ draft: 0, pending: 0, delivered: 0, rejected: 0 });
    expect(outbox.requeueRejected()).toBe(0);
    expect(outbox.prune(NOW, 90)).toEqual({ records: 1, prompts: 0 });
    expect(outbox.prune(NOW + 90 * DAY, 90)).toEqual({ records: 1, prompts: 1 });
    store.close();
  });
});
