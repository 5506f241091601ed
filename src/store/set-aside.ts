// Setting a record aside because this program cannot use it: its body is unreadable, or
// its personal data cannot be opened. Start-up recovery and the forwarder's claim both
// do it, so one unusable row never stops the records beside it. The row is kept as it
// is (state `rejected`, counted in queue.rejected, listed in diagnostics) for a
// technician; whoever holds a logger hears of it once, with its id, never its content.

import type Database from 'better-sqlite3';
import { sealWords } from './record-row.js';
import type { Sealer } from './seal.js';

export interface SetAsideNote {
  promptId: string;
  id: string;
  /** UNREADABLE_RECORD or UNOPENABLE_PERSONAL_DATA (record-row.ts). */
  code: string;
  /** Why, about the row (never what it holds). */
  why: string;
}

export type SetAsideListener = (note: SetAsideNote) => void;

export class SetAside {
  private readonly stmt;
  private listener: SetAsideListener | null = null;

  constructor(
    db: Database.Database,
    private readonly sealer: Sealer,
  ) {
    // From any state but delivered: a draft at recovery, a pending record at the claim.
    this.stmt = db.prepare(
      `UPDATE records SET state = 'rejected', reject_code = ?, reject_message_sealed = ?,
         reject_message = NULL, lease_until = NULL
       WHERE prompt_id = ? AND id = ? AND state IN ('draft', 'pending')`,
    );
  }

  listen(listener: SetAsideListener | null): void {
    this.listener = listener;
  }

  /** Sets the record aside (inside the caller's transaction); the note goes out after it. */
  mark(note: SetAsideNote): boolean {
    return this.stmt.run(note.code, sealWords(note.why, this.sealer), note.promptId, note.id).changes > 0;
  }

  /** Tells the listener, once the transaction that set these aside has committed. */
  tell(notes: readonly SetAsideNote[]): void {
    for (const n of notes) this.listener?.(n);
  }
}
