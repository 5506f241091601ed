import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { LATEST_VERSION, MIGRATIONS, migrate } from '../../../src/store/migrations/index.js';
import { createSealer, loadOrCreateKey } from '../../../src/store/seal.js';
import { RatingStore } from '../../../src/store/store.js';
import { citizen, promptRecord, ratingRecord } from '../../helpers/records.js';
import { tempDir } from '../../helpers/temp.js';

const NOW = 1_790_000_000_000;

/** A database as version 1 left it: try-out ratings of DEV-0001 beside a real terminal's. */
function versionOneDatabase(path: string): void {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  expect(migrate(db, 1)).toBe(1);
  db.prepare(
    `INSERT INTO prompts (id, transaction_id, mode, service, departments, status, opened_at, expires_at)
     VALUES ('p', 't', 'single', '{}', '[]', 'rated', 1, 2)`,
  ).run();
  const put = db.prepare(
    `INSERT INTO records (prompt_id, id, seq, state, body, rated_at, final_at, reject_code)
     VALUES ('p', @id, @seq, @state, @body, 1, @final_at, @reject_code)`,
  );
  const rows: [string, string, string][] = [
    // id, state, terminal id
    ['dev-pending', 'pending', 'DEV-0001'],
    ['dev-bad', 'pending', 'DEV-0001'],
    ['dev-rejected', 'rejected', 'DEV-0001'],
    ['dev-draft', 'draft', 'DEV-0001'],
    ['real-pending', 'pending', 'HA-0001'],
    ['real-rejected', 'rejected', 'HA-0001'],
  ];
  rows.forEach(([id, state, terminalId], i) => {
    const {
      citizen: _c,
      final: _f,
      ...body
    } = ratingRecord({
      id,
      promptId: 'p',
      terminalId,
      level: id === 'dev-bad' ? 1 : 4,
    });
    put.run({
      id,
      seq: i + 1,
      state,
      body: JSON.stringify(body),
      final_at: state === 'draft' ? null : 1,
      reject_code: state === 'rejected' ? 'E1' : null,
    });
  });
  // A body that is not JSON at all must not stop the migration (nor be taken for a try-out).
  put.run({ id: 'garbled', seq: 99, state: 'delivered', body: '{not json', final_at: 1, reject_code: null });
  db.close();
}

function tables(db: Database.Database): string[] {
  return (
    db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).pluck().all() as string[]
  ).filter((n) => !n.startsWith('sqlite_'));
}

describe('migrations', () => {
  it('are numbered in ascending order, the latest last', () => {
    const versions = MIGRATIONS.map((m) => m.version);
    expect(versions[0]).toBe(1);
    expect(versions).toEqual([...new Set(versions)].sort((a, b) => a - b));
    expect(LATEST_VERSION).toBe(versions.at(-1));
  });

  it('001 initial: creates prompts, records and settings on an empty database', () => {
    const db = new Database(join(tempDir(), 't.db'));
    expect(migrate(db, 1)).toBe(1);
    expect(tables(db)).toEqual(['prompts', 'records', 'settings']);
    db.prepare(
      `INSERT INTO prompts (id, transaction_id, mode, service, departments, status, opened_at, expires_at)
       VALUES ('p', 't', 'single', '{}', '[]', 'open', 1, 2)`,
    ).run();
    db.prepare(
      `INSERT INTO records (id, prompt_id, seq, state, body, rated_at) VALUES ('r', 'p', 1, 'draft', '{}', 1)`,
    ).run();
    // The schema itself refuses states the code does not know.
    expect(() =>
      db
        .prepare(
          `INSERT INTO records (id, prompt_id, seq, state, body, rated_at) VALUES ('r2', 'p', 2, 'lost', '{}', 1)`,
        )
        .run(),
    ).toThrow(/CHECK/);
    db.close();
  });

  it('002 training: marks the built-in DEV-0001 records training, on a real database file', () => {
    const dir = tempDir();
    const files = { path: join(dir, 'terminal.db'), keyFile: join(dir, 'terminal.key') };
    versionOneDatabase(files.path);

    // Opened the way a terminal opens it (pragmas, check, migrations), not a training terminal.
    const store = RatingStore.open(files);
    const db = new Database(files.path, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    expect(
      Object.fromEntries(
        db.prepare('SELECT id, training FROM records ORDER BY seq').raw().all() as [string, number][],
      ),
    ).toEqual({
      'dev-pending': 1,
      'dev-bad': 1,
      'dev-rejected': 1,
      'dev-draft': 1,
      'real-pending': 0,
      'real-rejected': 0,
      garbled: 0,
    });
    // The forwarder's claim stays one range of the outbox index.
    const plan = db
      .prepare(
        `EXPLAIN QUERY PLAN SELECT prompt_id, id FROM records
         WHERE state = 'pending' AND training = 0 AND (lease_until IS NULL OR lease_until <= 0)
         ORDER BY seq LIMIT 10`,
      )
      .all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(
      /USING INDEX records_outbox \(state=\? AND training=\?\)/,
    );
    db.close();

    // Never sent, never counted as waiting, never listed or re-queued as rejected.
    const outbox = store.outbox();
    expect(outbox.counts()).toEqual({ pending: 1, rejected: 1 });
    expect(store.counts()).toEqual({ draft: 0, pending: 1, delivered: 1, rejected: 1 });
    expect(store.trainingRecords()).toBe(4);
    expect(outbox.rejected().map((r) => r.id)).toEqual(['real-rejected']);
    expect(outbox.requeueRejected()).toBe(1);
    expect(outbox.claim(100, NOW, 60_000).map((i) => i.record.id)).toEqual(['real-pending', 'real-rejected']);
    store.close();
  });

  it('003 service facts: a prompt left open by version 2 reads with the defaults; new prompts keep theirs', () => {
    const dir = tempDir();
    const files = { path: join(dir, 'terminal.db'), keyFile: join(dir, 'terminal.key') };
    const old = new Database(files.path);
    old.pragma('journal_mode = WAL');
    expect(migrate(old, 2)).toBe(2);
    const openedAt = Date.UTC(2026, 10, 29, 1, 2, 3, 456);
    old
      .prepare(
        `INSERT INTO prompts (id, transaction_id, mode, service, departments, status, opened_at, expires_at)
         VALUES ('p-old', 't', 'single', '{"code":"S","name":"事项"}', '[{"code":"D","name":"部门"}]', 'open', ?, ?)`,
      )
      .run(openedAt, openedAt + 60_000);
    old.close();

    const store = RatingStore.open(files);
    const [prompt] = store.recovery().unfinished;
    expect(prompt?.facts).toEqual({
      serviceNumber: 1,
      proStatus: '3',
      acceptDate: null,
      serviceTime: '2026-11-29 09:02:03',
      taskHandleItem: null,
    });
    const facts = {
      serviceNumber: 2,
      proStatus: '1' as const,
      acceptDate: '2026-11-28 16:00:00',
      serviceTime: '2026-11-29 09:00:00',
      taskHandleItem: 'HI-1',
    };
    store.apply([{ op: 'prompt_open', prompt: promptRecord({ id: 'p-new', openedAt, facts }) }]);
    expect(store.recovery().unfinished.find((p) => p.id === 'p-new')?.facts).toEqual(facts);
    store.close();
    // Kept as JSON text beside the row, nothing indexed on it.
    const db = new Database(files.path, { readonly: true });
    expect(db.prepare(`SELECT facts FROM prompts WHERE id = 'p-new'`).pluck().get()).toBe(
      JSON.stringify(facts),
    );
    expect(
      db
        .prepare(`SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND sql LIKE '%facts%'`)
        .pluck()
        .get(),
    ).toBe(0);
    db.close();
  });

  it('005 sealed words: a version-3 database keeps its refusals and failures, sealed, the clear text gone', () => {
    const dir = tempDir();
    const files = { path: join(dir, 'terminal.db'), keyFile: join(dir, 'terminal.key') };
    const sealer = createSealer(loadOrCreateKey(files.keyFile).key);
    const old = new Database(files.path);
    old.pragma('journal_mode = WAL');
    expect(migrate(old, 3)).toBe(3);
    old
      .prepare(
        `INSERT INTO prompts (id, transaction_id, mode, service, departments, status, opened_at, expires_at, ended_at)
         VALUES ('p', 't', 'single', '{}', '[]', 'rated', 1, 2, 3)`,
      )
      .run();
    const put = old.prepare(
      `INSERT INTO records (prompt_id, id, seq, state, body, personal_sealed, rated_at, final_at, reject_code,
         reject_message, last_error)
       VALUES ('p', @id, @seq, @state, @body, @personal_sealed, 1, 1, @code, @message, @error)`,
    );
    const { citizen: _c, final: _f, ...body } = ratingRecord({ promptId: 'p' });
    const quoting = '证件号码 350521 19900101 1234 与姓名 陈 美 英 不符';
    put.run({
      id: 'refused',
      seq: 1,
      state: 'rejected',
      body: JSON.stringify({ ...body, id: 'refused' }),
      personal_sealed: sealer.seal(JSON.stringify(citizen)),
      code: 'E_CERT',
      message: quoting,
      error: null,
    });
    put.run({
      id: 'failing',
      seq: 2,
      state: 'pending',
      body: JSON.stringify({ ...body, id: 'failing' }),
      personal_sealed: null,
      code: null,
      message: null,
      error: 'HTTP 502 from the gateway',
    });
    old.close();

    const store = RatingStore.open(files);
    const db = new Database(files.path, { readonly: true });
    const rows = db
      .prepare(
        'SELECT id, reject_message, last_error, reject_message_sealed, last_error_sealed FROM records ORDER BY seq',
      )
      .all() as Record<string, unknown>[];
    expect(rows.map((r) => [r.id, r.reject_message, r.last_error])).toEqual([
      ['refused', null, null],
      ['failing', null, null],
    ]);
    expect(sealer.open(rows[0]?.reject_message_sealed as Buffer)).toBe(quoting);
    expect(sealer.open(rows[1]?.last_error_sealed as Buffer)).toBe('HTTP 502 from the gateway');
    // Done once: the flag the migration left is gone.
    expect(db.prepare(`SELECT COUNT(*) FROM settings WHERE key = 'seal_clear_words'`).pluck().get()).toBe(0);
    db.close();
    // Shown with the record's citizen blanked in the spelling the platform used.
    expect(store.outbox().rejected()).toMatchObject([
      { id: 'refused', code: 'E_CERT', message: '证件号码 [redacted] 与姓名 [redacted] 不符' },
    ]);
    // The clear cells were overwritten; the next compaction clears older copies of their pages.
    expect(store.compactionPending()).toBe(true);
    store.compact();
    store.close();
    for (const file of [files.path, `${files.path}-wal`]) {
      if (existsSync(file)) expect(readFileSync(file).includes(Buffer.from('与姓名')), file).toBe(false);
    }
  });

  it('are idempotent: running again changes nothing', () => {
    const path = join(tempDir(), 't.db');
    const db = new Database(path);
    migrate(db);
    const schema = db.prepare('SELECT sql FROM sqlite_master ORDER BY name').pluck().all();
    expect(migrate(db)).toBe(LATEST_VERSION);
    expect(db.prepare('SELECT sql FROM sqlite_master ORDER BY name').pluck().all()).toEqual(schema);
    db.close();
  });

  it('refuse a database from a newer program instead of damaging it', () => {
    const db = new Database(join(tempDir(), 't.db'));
    db.pragma(`user_version = ${LATEST_VERSION + 1}`);
    expect(() => migrate(db)).toThrow(/newer version/);
    db.close();
  });
});
