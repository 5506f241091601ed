// What the store's owner does when its database file was replaced or deleted under the
// running terminal (src/store/file-identity.ts): the ratings are still in the file it
// has open, which no name leads to any more and which goes when the process ends. So the
// owner writes them back to the original path at once, before anything else runs:
//
// 1. A copy of the open database (VACUUM INTO: the committed state, WAL included, in
//    one synchronous statement, so no other write can slip in) to a temporary file in
//    the same folder, fsynced.
// 2. Whatever another program put at the path is moved aside as
//    `terminal.db.replaced-<time>` — never deleted — and the copy linked into its place
//    (a link fails where a rename would replace a file that appeared meanwhile), then
//    the folder is fsynced.
// 3. The old WAL must never be read as the copy's: it is emptied by a truncating
//    checkpoint; one that still holds frames (a reader elsewhere kept the checkpoint
//    from finishing, or another program put its own there) is moved aside too.
//
// The terminal then stays in its store fault until it is restarted: its connections (and
// the forwarder's) are on the old file, and a connection to the copy opened in this
// process beside them could lose its WAL when the old ones close. At the restart the copy
// is an ordinary terminal.db: every acknowledged rating is there and is forwarded.

import { closeSync, existsSync, fsyncSync, linkSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type Database from 'better-sqlite3';
import { ensureFolder, syncFolder } from '../base/durable-file.js';
import { asideName } from './aside-name.js';
import { checkIdentity, type FileIdentity } from './file-identity.js';
import { describeIoError, truncateWal } from './open.js';

export interface SavedStore {
  /** Where another program's file was moved; null when the path was empty (deleted). */
  foreignMovedTo: string | null;
  /** Where the old WAL was moved, when a reader elsewhere kept it from being emptied. */
  oldWalMovedTo: string | null;
}

/** Writes the open database back to `path` (steps above). Throws, changing nothing at the path, when the copy cannot be made. */
export function saveOpenStore(db: Database.Database, path: string): SavedStore {
  const dir = dirname(path);
  // A folder deleted with the file is made again: the ratings go back where they were.
  ensureFolder(dir);
  const temp = join(dir, `.${basename(path)}.saving-${process.pid}-${Date.now()}`);
  try {
    db.prepare('VACUUM INTO ?').run(temp);
    const fd = openSync(temp, 'r+');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    const emptied = truncateWal(db);
    let foreignMovedTo: string | null = null;
    for (let round = 0; ; round++) {
      if (existsSync(path)) {
        const aside = asideName(path, 'replaced');
        renameSync(path, aside);
        foreignMovedTo = aside;
      }
      try {
        linkSync(temp, path);
        break;
      } catch (err) {
        // Yet another file appeared between the two steps: it is moved aside as well.
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || round >= 5) throw err;
      }
    }
    let oldWalMovedTo: string | null = null;
    // After the truncation our WAL is empty; one with frames is a reader's doing, or
    // another program's file: either way not the copy's.
    if (!emptied || (statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0) > 0) {
      oldWalMovedTo = asideName(path, 'old-wal');
      for (const suffix of ['-wal', '-shm']) {
        if (existsSync(path + suffix)) renameSync(path + suffix, oldWalMovedTo + suffix);
      }
    }
    syncFolder(dir);
    return { foreignMovedTo, oldWalMovedTo };
  } finally {
    rmSync(temp, { force: true });
  }
}

/** Why the store cannot be written now; `replaced` when the path names another file or none. */
export interface FileFault {
  message: string;
  replaced: boolean;
}

/**
 * Whether the path still names the file a connection opened, and, once it does not, what
 * was done about it. The owner writes the ratings back (saveOpenStore), trying again at
 * each check until it could; any other connection only stops writing. A path that cannot
 * be looked at is a fault for as long as it lasts, and nothing else: only a path seen
 * naming another file, or none, is taken for a replaced store.
 */
export class FileWatch {
  private found: { what: string; message: string; saved: boolean } | null = null;

  constructor(
    private readonly db: Database.Database,
    private readonly path: string,
    private readonly identity: FileIdentity,
    private readonly role: 'owner' | 'attached',
  ) {}

  /** null while the file is ours; else the store fault. */
  check(): FileFault | null {
    if (this.found === null) {
      const now = checkIdentity(this.path, this.identity);
      if (now.state === 'same') return null;
      if (now.state === 'unreadable') {
        return {
          message: `cannot look at the database ${this.path}: ${describeIoError(now.error)}`,
          replaced: false,
        };
      }
      const what = `the database ${this.path} was ${now.state === 'deleted' ? 'deleted' : 'replaced by another file'} while the terminal was running`;
      this.found = { what, message: what, saved: false };
    }
    return { message: this.writeBack(this.found.what), replaced: true };
  }

  /** The owner writes the ratings back, until it could; the message says how it went. */
  private writeBack(what: string): string {
    if (this.found?.saved) return this.found.message;
    if (this.role === 'attached') {
      this.found = {
        what,
        message: `${what}; this connection stops writing: restart the terminal`,
        saved: true,
      };
      return this.found.message;
    }
    try {
      const saved = saveOpenStore(this.db, this.path);
      const moved = saved.foreignMovedTo ? `, the file found there was moved to ${saved.foreignMovedTo}` : '';
      this.found = {
        what,
        message: `${what}: the ratings it held were written back to ${this.path}${moved}. Restart the terminal to go on rating`,
        saved: true,
      };
    } catch (err) {
      // The ratings are only in the open file now: the process must stay up to keep them.
      this.found = {
        what,
        message: `${what}: the ratings it held could not be written back yet (${describeIoError(err)}); do not stop the terminal, which tries again every few seconds: they are lost if it stops first`,
        saved: false,
      };
    }
    return this.found.message;
  }
}
