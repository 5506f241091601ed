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

export function identityOf(path: string): FileIdentity | null {
  const st = statSync(path, { throwIfNoEntry: false });
  return st ? { dev: st.dev, ino: st.ino } : null;
}

export function checkIdentity(path: string, opened: FileIdentity): FileCheck {
  const now = identityOf(path);
  if (now === null) return 'deleted';
  return now.dev === opened.dev && now.ino === opened.ino ? 'same' : 'replaced';
}
