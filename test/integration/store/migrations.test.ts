import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { LATEST_VERSION, MIGRATIONS, migrate } from '../../../src/store/migrations/index.js';
import { tempDir } from '../../helpers/temp.js';

function tables(db: Database.Database): string[] {
  return (
    db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).pluck().all() as string[]
  ).filter((n) => !n.startsWith('sqlite_'));
}

describe('migrations', () => {
  it('are numbered 1..n without gaps', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(LATEST_VERSION).toBe(MIGRATIONS.length);
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
