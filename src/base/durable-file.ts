// Files that must survive a power cut. A write returns once the data is in the page
// cache; only fsync puts it on the disk, and a new name (a created or renamed file) is
// on the disk only once its folder is fsynced too. A file the terminal relies on is
// therefore written under a temporary name, fsynced, given its real name, and its
// folder fsynced: after a cut it is there whole, or not at all.

import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fchmodSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** fsync on a folder: the names in it (new files, renames, removals) reach the disk. */
export function syncFolder(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** mkdir -p whose new folders survive a cut: each one made is synced into its parent. */
export function ensureFolder(dir: string): void {
  const missing: string[] = [];
  for (let d = dir; !existsSync(d); d = dirname(d)) {
    missing.unshift(d);
    if (dirname(d) === d) break;
  }
  if (missing.length === 0) return;
  mkdirSync(dir, { recursive: true });
  for (const d of missing) syncFolder(dirname(d));
}

export interface DurableWriteOptions {
  mode?: number;
  /** Never replace an existing file: false is returned instead (another process made it). */
  exclusive?: boolean;
}

/**
 * Writes a whole file durably: the old content or the new survives a cut, never a
 * torn or empty file. Returns false only when `exclusive` and the file already exists.
 */
export function writeFileDurable(
  path: string,
  data: string | Buffer,
  options: DurableWriteOptions = {},
): boolean {
  const dir = dirname(path);
  ensureFolder(dir);
  const temp = join(dir, `.${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    const fd = openSync(temp, 'wx', options.mode ?? 0o644);
    try {
      // The umask may have narrowed the mode; a key file must be exactly 0600.
      if (options.mode !== undefined) fchmodSync(fd, options.mode);
      const bytes = typeof data === 'string' ? Buffer.from(data) : data;
      for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (options.exclusive) {
      // link() fails when the name exists, where rename() would silently replace it.
      try {
        linkSync(temp, path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw err;
      }
      rmSync(temp, { force: true });
    } else {
      renameSync(temp, path);
    }
    syncFolder(dir);
    return true;
  } finally {
    rmSync(temp, { force: true });
  }
}

/** Renames, and makes the new name the one a cut leaves. */
export function renameDurable(from: string, to: string): void {
  renameSync(from, to);
  syncFolder(dirname(to));
  if (dirname(from) !== dirname(to)) syncFolder(dirname(from));
}
