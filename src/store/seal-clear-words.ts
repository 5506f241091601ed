// The owner's half of migration 005: the platform's words an earlier version kept in the
// clear (reject_message, last_error) are sealed into the new columns and the clear ones
// emptied, in one transaction, once — the migration leaves a flag asking for it.

import type Database from 'better-sqlite3';
import { COUNT_ERASURE_SQL } from './compaction.js';
import { SEAL_CLEAR_WORDS } from './migrations/005-sealed-words.js';
import { sealWords } from './record-row.js';
import type { Sealer } from './seal.js';

interface ClearWordsRow {
  prompt_id: string;
  id: string;
  reject_message: string | null;
  last_error: string | null;
}

/** Seals what the flag says is still clear; returns how many records were. */
export function sealClearWords(db: Database.Database, sealer: Sealer): number {
  const flag = db.prepare('SELECT 1 FROM settings WHERE key = ?').pluck();
  if (flag.get(SEAL_CLEAR_WORDS) === undefined) return 0;
  return db.transaction(() => {
    const rows = db
      .prepare(
        `SELECT prompt_id, id, reject_message, last_error FROM records
         WHERE reject_message IS NOT NULL OR last_error IS NOT NULL`,
      )
      .all() as ClearWordsRow[];
    const put = db.prepare(
      `UPDATE records SET reject_message_sealed = COALESCE(?, reject_message_sealed),
         last_error_sealed = COALESCE(?, last_error_sealed), reject_message = NULL, last_error = NULL
       WHERE prompt_id = ? AND id = ?`,
    );
    for (const r of rows) {
      put.run(sealWords(r.reject_message, sealer), sealWords(r.last_error, sealer), r.prompt_id, r.id);
    }
    // secure_delete overwrote the clear cells; the next compaction clears old copies of them.
    if (rows.length > 0) db.prepare(COUNT_ERASURE_SQL).run();
    db.prepare('DELETE FROM settings WHERE key = ?').run(SEAL_CLEAR_WORDS);
    return rows.length;
  })();
}
