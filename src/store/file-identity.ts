// Which file a connection has open. SQLite keeps writing to the file it opened, by its
// descriptor: if another program renames a file over terminal.db, or deletes it, every
// commit goes on "succeeding" into a file no name leads to any more, and is lost when the
// process ends. So each connection notes the file's device and inode when it opens it and
// compares them with what the path names now — before each commit, and every few seconds
// (src/engine/store-link.ts). Only a path seen naming another file, or none, is a replaced
// store; one that cannot be looked at (EIO from a failing disk) is a plain store fault.
// A stat costs a few microseconds, a commit's fsync milliseconds (`npm run bench --
// store-file-check`).

import { statSync } from 'node:fs';
import { StoreUnavailableError } from './open.js';

export interface FileIdentity {
  dev: number;
  ino: number;
}

/**
 * What the path names now, against the file a connection has open. `unreadable`: the path
 * cannot be looked at (a disk error — an xfs shut down answers EIO for every path — or a
 * folder's permissions). That says nothing about the file having been replaced, so it is
 * never a reason to move or copy anything; but a store whose path cannot be looked at is
 * failing, and is a store fault until it can be looked at again.
 */
export type FileCheck = { state: 'same' | 'replaced' | 'deleted' } | { state: 'unreadable'; error: unknown };

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
  } catch (error) {
    return { state: 'unreadable', error };
  }
  if (now === null) return { state: 'deleted' };
  return { state: now.dev === opened.dev && now.ino === opened.ino ? 'same' : 'replaced' };
}
