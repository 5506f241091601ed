// Numbered migrations on PRAGMA user_version. Append only: a migration that has
// shipped is never edited, because terminals in halls have already run it.
import type { Database } from 'better-sqlite3';
import { initial } from './001-initial.js';
import { training } from './002-training.js';
import { serviceFacts } from './003-service-facts.js';
import { promptSource } from './004-prompt-source.js';
import { sealedWords } from './005-sealed-words.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [initial, training, serviceFacts, promptSource, sealedWords];

/** The last migration's number (numbers are ascending; one may be left for a parallel branch). */
export const LATEST_VERSION = MIGRATIONS.at(-1)?.version ?? 0;

export class NewerSchemaError extends Error {}

/** Brings the database to `target` (default: the latest), each step in its own transaction. */
export function migrate(db: Database, target: number = LATEST_VERSION): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > LATEST_VERSION) {
    throw new NewerSchemaError(
      `the database was written by a newer version of this program (schema ${current}, this one knows ${LATEST_VERSION}); install that version again`,
    );
  }
  for (const m of MIGRATIONS) {
    if (m.version <= current || m.version > target) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return db.pragma('user_version', { simple: true }) as number;
}
