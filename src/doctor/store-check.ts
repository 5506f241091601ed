// doctor's store check: open the database the way `serve` does (creating the folder,
// the key file and the database when they are missing), write one row, close it.
// The message names the cause a technician can act on: full disk, read-only disk,
// permission.

import { accessSync, constants, existsSync, mkdirSync, statfsSync, statSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import type { StoreSection } from '../config/terminal-config.js';
import { describeIoError, StoreUnavailableError } from '../store/open.js';
import { damagedKeyFiles, KeyFileError } from '../store/seal.js';
import { RatingStore } from '../store/store.js';
import { type Finding, fail, failFromMessage, ok, warn } from './report.js';

const FALLBACK = 'check the disk and the folder, then run doctor again';

export function checkStore(store: StoreSection): Finding {
  const keyExisted = existsSync(store.keyFile);
  let opened: RatingStore | null = null;
  try {
    opened = RatingStore.open({ path: store.path, keyFile: store.keyFile });
    opened.probe(Date.now());
  } catch (err) {
    const why = whyUnusable(store, err);
    // On a full disk the key file is created but its key never written; an empty one
    // left behind would read as "damaged" at the next start. doctor made it: it goes.
    if (!keyExisted) removeIfEmpty(store.keyFile);
    return failFromMessage('store', why, FALLBACK);
  } finally {
    opened?.close();
  }
  if (opened.movedAside !== null) {
    return warn(
      'store',
      `${store.path} was damaged and has been moved aside to ${opened.movedAside}; a fresh one is in use (keep the old file for examination)`,
    );
  }
  return ok('store', `${store.path} opens and takes writes`);
}

/**
 * A key file moved aside as damaged (by this doctor's open or by the terminal): the
 * terminal rates on with a new key, but what was sealed under the old one is lost
 * until a technician restores it. A FAIL while the moved file is there.
 */
export function checkKeyFile(store: StoreSection): Finding | null {
  const moved = damagedKeyFiles(store.keyFile);
  if (moved.length === 0) return null;
  const names = moved.join(', ');
  return fail(
    'store',
    `the key file ${store.keyFile} was damaged and moved to ${names}; a new key seals new data, and records sealed under the old one go to the platform without the citizen's name, id number and phone`,
    `restore ${store.keyFile} from backup with the terminal stopped, then delete ${names} (see docs/key-file.md); without a backup, delete ${names} to accept the loss`,
  );
}

/**
 * SQLite and the key file say little more than "cannot open"; the folders' own error
 * (EROFS, EACCES, ENOSPC) says why, in describeIoError's words.
 */
function whyUnusable(store: StoreSection, err: unknown): string {
  for (const dir of new Set([dirname(store.path), dirname(store.keyFile)])) {
    const problem = folderProblem(dir);
    if (problem !== null) return `cannot write in ${dir}: ${describeIoError(problem)}`;
    // The key file's error says only ENOSPC in passing; a full disk is worth saying plainly.
    if (isFull(dir)) return `cannot write in ${dir}: ${describeIoError({ code: 'ENOSPC' })}`;
  }
  for (const file of [store.path, store.keyFile]) {
    if (!existsSync(file)) continue;
    try {
      accessSync(file, constants.R_OK | constants.W_OK);
    } catch (e) {
      return `cannot write ${file}: ${describeIoError(e)}`;
    }
  }
  // These already name the file and the cause in a technician's words.
  if (err instanceof StoreUnavailableError || err instanceof KeyFileError) return err.message;
  return `cannot write ${store.path}: ${describeIoError(err)}`;
}

function folderProblem(dir: string): unknown {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
    return null;
  } catch (e) {
    return e;
  }
}

/** Less room than a few SQLite pages: nothing can be committed there. */
const FULL_BELOW_BYTES = 64 * 1024;

function isFull(dir: string): boolean {
  try {
    const fs = statfsSync(dir);
    return fs.bavail * fs.bsize < FULL_BELOW_BYTES;
  } catch {
    return false;
  }
}

function removeIfEmpty(file: string): void {
  try {
    if (statSync(file).size === 0) unlinkSync(file);
  } catch {
    // Not there, or not removable: nothing doctor can add to the finding.
  }
}
