// Which file a connection has open. SQLite keeps writing to the file it opened, by its
// descriptor: if another program renames a file over terminal.db, or deletes it, every
// commit goes on "succeeding" into a file no name leads to any more, and is lost when the
// process ends. So each connection notes the file's device and inode when it opens it and
// compares them with what the path names now — before each commit, and every few seconds
// (src/engine/store-link.ts). A stat costs a few microseconds, a commit's fsync
// milliseconds (`npm run bench -- store-file-check`).

import { statSync } from 'node:fs';
import { StoreUnavailableError } from './open.js';

export interface FileIdentity {
  dev: number;
  ino: number;
}

/** What the path names now, against the file a connection has open. */
export type FileCheck = 'same' | 'replaced' | 'deleted';

/** The store file was replaced or deleted under a running terminal. */
export class StoreReplacedError extends StoreUnavailableError {}

/** The file the path names now; null when none does. Throws what stat throws otherwise. */
export function identityOf(path: string): FileIdentity | null {
  try {
    const st = statSync(path);
    return { dev: st.dev, ino: st.ino };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // ENOTDIR: a folder on the way was replaced by a file.
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw err;
  }
}

export function checkIdentity(path: string, opened: FileIdentity): FileCheck {
  let now: FileIdentity | null;
  try {
    now = identityOf(path);
  } catch {
    // The path cannot be looked at (a folder's permissions, a disk error): that says
    // nothing about the file, and SQLite reports its own faults. Not a reason to stop.
    return 'same';
  }
  if (now === null) return 'deleted';
  return now.dev === opened.dev && now.ino === opened.ino ? 'same' : 'replaced';
}
