// Local records: a rating the terminal keeps and counts but never forwards — the GWQ
// protocol's (src/compat/gwq), whose business system reports the level itself and whose
// call carries no 办件编号, 事项 or department a platform could take. State `local`:
// never pending, never claimed by any profile's forwarder, never counted as waiting or
// rejected, pruned after store.retentionDays like a delivered record.
//
// SQLite cannot widen a CHECK in place (this build's connection is defensive, so the
// schema text cannot be edited either): the records table is rebuilt with `'local'`
// added to its state list. The table's own CREATE text is taken from the database and
// only that list changed, so every column a migration before this one added comes along
// in its place, and its indexes are made again as they were. It copies the whole table
// once, at the upgrade (seconds for a year of a busy window's ratings).
import type { Database } from 'better-sqlite3';
import type { Migration } from './index.js';

export const LOCAL_STATE = 'local';

const STATE_CHECK = /(CHECK\s*\(\s*state\s+IN\s*\()([^)]*)\)/i;

export function addLocalState(db: Database): void {
  const table = db
    .prepare(`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'records'`)
    .pluck()
    .get() as string | undefined;
  if (!table || !STATE_CHECK.test(table)) {
    throw new Error(
      'migration 006: the records table has no state check to extend; the database is not one of ours',
    );
  }
  if ((STATE_CHECK.exec(table)?.[2] ?? '').includes(`'${LOCAL_STATE}'`)) return;
  const others = db
    .prepare(
      `SELECT sql FROM sqlite_master WHERE tbl_name = 'records' AND type IN ('index', 'trigger') AND sql IS NOT NULL`,
    )
    .pluck()
    .all() as string[];
  const rebuilt = table
    .replace(STATE_CHECK, (_m, head: string, list: string) => `${head}${list}, '${LOCAL_STATE}')`)
    .replace(/^CREATE TABLE\s+("?records"?)/i, 'CREATE TABLE records_006');
  db.exec(rebuilt);
  db.exec('INSERT INTO records_006 SELECT * FROM records');
  db.exec('DROP TABLE records');
  db.exec('ALTER TABLE records_006 RENAME TO records');
  for (const sql of others) db.exec(sql);
}

export const localRecords: Migration = {
  version: 6,
  name: 'local-records',
  run: addLocalState,
};
