// Erasing personal data for real. secure_delete zeroes a deleted cell and a freed page,
// but not the unused middle of a page (between its cell pointers and its cell content):
// a leaf rebuilt by a split keeps old bytes there, copies of cells — sealed personal
// data — among them, and an erase after delivery never reaches them. Only rebuilding
// every page does: VACUUM, then a truncating checkpoint to empty the WAL it wrote.
//
// Whoever erases (the owner ending a prompt, the forwarder marking records delivered)
// counts it in the settings row `erasures`, in the erasing transaction itself, so the
// owner learns of an erase done on another connection and a restart does not forget
// it. The owner notes the count its last compaction covered in `erasures_compacted`.

import type Database from 'better-sqlite3';
import { truncateWal } from './open.js';

const ERASURES = 'erasures';
const COMPACTED = 'erasures_compacted';

/** Counts one erasing transaction; run it inside that transaction. */
export const COUNT_ERASURE_SQL = `INSERT INTO settings (key, value) VALUES ('${ERASURES}', '1')
  ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)`;

export interface CompactionResult {
  /** How long the database was held, in ms. */
  ms: number;
  /** Database file size before and after, in bytes (free pages are gone after). */
  bytesBefore: number;
  bytesAfter: number;
}

export class Compactor {
  private readonly stmt;

  constructor(private readonly db: Database.Database) {
    this.stmt = {
      get: db.prepare('SELECT CAST(value AS INTEGER) FROM settings WHERE key = ?').pluck(),
      put: db.prepare(
        'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ),
    };
  }

  /** Personal data was erased since the last compaction (on any connection, before any restart). */
  pending(): boolean {
    return this.count(ERASURES) > this.count(COMPACTED);
  }

  /**
   * Rebuilds every page (VACUUM) and empties the WAL. Owner only: it holds the write
   * lock for the whole rebuild. Throws what SQLite throws (SQLITE_BUSY when another
   * connection kept the lock past busy_timeout, SQLITE_FULL when the disk cannot take
   * the copy): nothing is changed then, and the caller tries again later.
   */
  compact(now: () => number): CompactionResult {
    const started = now();
    // Read before the rebuild: an erase that lands after this is either inside the
    // rebuild (a harmless extra compaction later) or after it (still counted pending).
    const covered = this.count(ERASURES);
    const bytesBefore = this.bytes();
    // One transaction, written through the WAL: a power cut during it leaves the old
    // database whole (the WAL's commit frame is never reached), after it the new one.
    this.db.exec('VACUUM');
    // The rebuilt pages are in the WAL; the old ones (and every older copy) are in the
    // file and older WAL frames until this copies them over and empties the log.
    if (!truncateWal(this.db)) {
      // A reader elsewhere kept the checkpoint from finishing: still pending, and the
      // next attempt rebuilds and checkpoints again.
      throw Object.assign(new Error('the WAL could not be emptied: another connection was reading'), {
        code: 'SQLITE_BUSY',
      });
    }
    // Noted only now: a power cut before this line leaves it pending, done again at start.
    this.stmt.put.run(COMPACTED, String(covered));
    return { ms: now() - started, bytesBefore, bytesAfter: this.bytes() };
  }

  private count(key: string): number {
    return (this.stmt.get.get(key) as number | undefined) ?? 0;
  }

  private bytes(): number {
    const pages = this.db.pragma('page_count', { simple: true }) as number;
    const size = this.db.pragma('page_size', { simple: true }) as number;
    return pages * size;
  }
}
