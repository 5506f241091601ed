// Every table of a terminal's database, hashed, to show that hostile input changed
// nothing: the store's own health probe (a timestamp it writes) aside.
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';

export function storeFingerprint(path: string): { hash: string; prompts: number; records: number } {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const hash = createHash('sha256');
    const tables = db
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
      .pluck()
      .all() as string[];
    for (const name of tables) {
      const rows = (db.prepare(`SELECT * FROM "${name}"`).all() as Record<string, unknown>[]).filter(
        (row) => name !== 'settings' || row.key !== 'probe',
      );
      // Tables without a rowid have no order of their own: the rows' text, sorted, is one.
      const lines = rows.map((row) =>
        JSON.stringify(row, (_k, v) => (Buffer.isBuffer(v) ? v.toString('hex') : v)),
      );
      hash.update(`${name}\n${lines.sort().join('\n')}\n`);
    }
    const count = (table: string) => db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;
    return { hash: hash.digest('hex'), prompts: count('prompts'), records: count('records') };
  } finally {
    db.close();
  }
}
