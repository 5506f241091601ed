// Numbered migrations on PRAGMA user_version. Append only: a migration that has
// shipped is never edited, because terminals in halls have already run it.
import type { Database } from 'better-sqlite3';
import { initial } from './001-initial.js';
import { training } from './002-training.js';
import { serviceFacts } from './003-service-facts.js';
import { promptSource } from './004-prompt-source.js';
import { sealedWords } from './005-sealed-words.js';
import { localRecords } from './006-local-records.js';
import { statsIndex } from './007-stats-index.js';

/** SQL, or code where SQL alone cannot do it (a table rebuilt from its own schema text). */
export type Migration = { version: number; name: string } & (
  | { sql: string }
  | { run: (db: Database) => void }
);

export const MIGRATIONS: readonly Migration[] = [
  initial,
  training,
  serviceFacts,
  promptSource,
  sealedWords,
  localRecords,
  statsIndex,
];

/** The last migration's number (numbers are ascending; one may be left for a parallel branch). */
export const LATEST_VERSION = MIGRATIONS.at(-1)?.version ?? 0;

export class NewerSchemaError extends Error {}

/**
 * Brings the database to `target` (default: the latest), each step in its own transaction.
 * `list` is the terminal's migrations unless another database (the hall console's) gives its own.
 */
export function migrate(db: Database, target?: number, list: readonly Migration[] = MIGRATIONS): number {
  // The last migration's number: numbers ascend and may leave a gap (see LATEST_VERSION).
  const latest = list.at(-1)?.version ?? 0;
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > latest) {
    throw new NewerSchemaError(
      `the database was written by a newer version of this program (schema ${current}, this one knows ${latest}); install that version again`,
    );
  }
  for (const m of list) {
    if (target !== undefined && m.version > target) continue;
    if (m.version <= current) continue;
    db.transaction(() => {
      if ('run' in m) m.run(db);
      else db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return db.pragma('user_version', { simple: true }) as number;
}
