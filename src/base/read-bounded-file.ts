// Reads a file a technician named (the configuration, the reasons catalogue, a
// template, a hall's notice, a CA certificate): only a regular file, only up to a size
// the caller sets, so that a path pointing at /dev/zero, a FIFO nobody writes, a tty or
// a 50 MB file can neither hang nor swamp the terminal.
//
// The order matters. stat() first, so a device is refused without ever being opened
// (opening some devices does something). Then open with O_NONBLOCK, so a FIFO swapped in
// after that stat cannot block the open, and O_NOCTTY, so a tty cannot become the
// terminal's controlling one. Then fstat() on the open descriptor: that is the file the
// bytes come from, so its type and size are the ones that count (no time-of-check to
// time-of-use gap). The read stops one byte past the limit, so a file that grows after
// the fstat (or a /proc file that says it is empty) is refused, never loaded whole.

import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readSync,
  realpathSync,
  statSync,
} from 'node:fs';
import { open } from 'node:fs/promises';

/** A CA certificate file (PEM); a whole system bundle is about 200 KiB. */
export const CA_FILE_MAX_BYTES = 1024 * 1024;

export interface BoundedReadOptions {
  /** The most bytes the file may hold; one byte more and it is refused. */
  maxBytes: number;
  /** Read only this many bytes from the start (the size limit still applies to the whole file). */
  headBytes?: number;
  /** Refuse a symbolic link as the last part of the path (for a path already resolved). */
  noFollow?: boolean;
}

/** What the descriptor said about the file that was read. */
export interface FileFacts {
  size: number;
  mtimeMs: number;
  ino: number;
  dev: number;
}

export interface BoundedRead {
  bytes: Buffer;
  facts: FileFacts;
}

export type RefusalCode = 'EFBIG' | 'ENOTREG' | 'EISDIR';

/**
 * A file this module will not read. `code` is EFBIG (too big), EISDIR (a folder, as the
 * system says it) or ENOTREG (any other file that is not a regular one: FIFO, device,
 * socket), so code that tells errors apart by `code` still can; `reason` says in plain
 * words what the file is, for a technician's message: "it is a named pipe (FIFO), not a
 * regular file".
 */
export class RefusedFileError extends Error {
  readonly code: RefusalCode;
  readonly reason: string;
  readonly path: string;
  /** EFBIG: the size the file said it has, or null when it grew past the limit while read. */
  readonly size: number | null;

  constructor(code: RefusalCode, path: string, reason: string, size: number | null = null) {
    super(`${path}: ${reason}`);
    this.name = 'RefusedFileError';
    this.code = code;
    this.path = path;
    this.reason = reason;
    this.size = size;
  }
}

// Windows has neither flag; there a FIFO cannot sit at an ordinary path anyway.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;

/** "1 MiB", "256 KiB", "50.0 MiB": sizes as a technician compares them with a limit. */
export function formatBytes(bytes: number): string {
  const oneDecimal = (value: number) => value.toFixed(1).replace(/\.0$/, '');
  if (bytes >= 1024 * 1024) return `${oneDecimal(bytes / 1024 / 1024)} MiB`;
  if (bytes >= 1024) return `${oneDecimal(bytes / 1024)} KiB`;
  return `${bytes} bytes`;
}

interface Kind {
  isFile(): boolean;
  isDirectory(): boolean;
  isFIFO(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isSocket(): boolean;
}

function kindOf(st: Kind): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isCharacterDevice()) return 'a device';
  if (st.isBlockDevice()) return 'a disk device';
  if (st.isSocket()) return 'a socket';
  return 'not a plain file';
}

/** "it is a named pipe (FIFO)…", or "it is a link to /dev/zero, a device…". */
function notRegular(path: string, st: Kind): RefusedFileError {
  let target: string | null = null;
  try {
    if (lstatSync(path).isSymbolicLink()) target = realpathSync(path);
  } catch {
    // The link changed under us: say what the descriptor found, without the target.
  }
  if (target === null && st.isDirectory())
    return new RefusedFileError('EISDIR', path, 'it is a directory, not a file');
  const what = kindOf(st);
  const reason =
    target === null
      ? `it is ${what}, not a regular file`
      : `it is a link to ${target}, which is ${what}, not a regular file`;
  return new RefusedFileError(st.isDirectory() ? 'EISDIR' : 'ENOTREG', path, reason);
}

function tooBig(path: string, size: number | null, maxBytes: number): RefusedFileError {
  // 1025 bytes rounds to the 1 KiB limit itself: then say the bytes.
  const rounded = size === null ? '' : formatBytes(size);
  const found =
    size === null
      ? `more than ${formatBytes(maxBytes)}`
      : rounded === formatBytes(maxBytes)
        ? `${size} bytes`
        : rounded;
  return new RefusedFileError(
    'EFBIG',
    path,
    `it is ${found}, more than the ${formatBytes(maxBytes)} this file may be`,
    size,
  );
}

function facts(st: { size: number; mtimeMs: number; ino: number; dev: number }): FileFacts {
  return { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, dev: st.dev };
}

/** How many bytes to read at most: the head, or the limit and one byte more to see a file is longer. */
function wanted(options: BoundedReadOptions): number {
  if (options.headBytes !== undefined) return Math.min(options.headBytes, options.maxBytes);
  return options.maxBytes + 1;
}

// The buffer starts at the size fstat gave and grows (a file growing since, or a /proc
// file that says 0), never past `limit`.
function firstBuffer(size: number, limit: number): Buffer {
  return Buffer.alloc(Math.min(limit, Math.max(size + 1, 4096)));
}

function roomFor(buffer: Buffer, length: number, limit: number): Buffer {
  if (length < buffer.length) return buffer;
  const bigger = Buffer.alloc(Math.min(limit, buffer.length * 2));
  buffer.copy(bigger, 0, 0, length);
  return bigger;
}

/**
 * The file's bytes (or its first `headBytes`), or a throw: a RefusedFileError for a file
 * that is not regular or is too big, the system's own error (ENOENT, EACCES, …) for one
 * that cannot be opened. Never blocks on a FIFO; never reads past `maxBytes + 1`.
 */
export function readBoundedFileSync(path: string, options: BoundedReadOptions): BoundedRead {
  const before = options.noFollow ? lstatSync(path) : statSync(path);
  if (!before.isFile()) throw notRegular(path, before);
  const fd = openSync(path, OPEN_FLAGS | (options.noFollow ? NO_FOLLOW : 0));
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw notRegular(path, st);
    if (st.size > options.maxBytes) throw tooBig(path, st.size, options.maxBytes);
    const limit = wanted(options);
    let buffer = firstBuffer(st.size, limit);
    let length = 0;
    while (length < limit) {
      buffer = roomFor(buffer, length, limit);
      const n = readSync(fd, buffer, length, buffer.length - length, length);
      if (n === 0) break;
      length += n;
    }
    const bytes = buffer.subarray(0, length);
    if (bytes.length > options.maxBytes) throw tooBig(path, null, options.maxBytes);
    return { bytes, facts: facts(st) };
  } finally {
    closeSync(fd);
  }
}

/** As readBoundedFileSync, off the event loop's thread: for files read while rating goes on. */
export async function readBoundedFile(path: string, options: BoundedReadOptions): Promise<BoundedRead> {
  const handle = await open(path, OPEN_FLAGS | (options.noFollow ? NO_FOLLOW : 0));
  try {
    // No stat before the open here: the open cannot block (O_NONBLOCK), and a device
    // opened by mistake is only ever one a caller already listed as a regular file.
    const st = await handle.stat();
    if (!st.isFile()) throw notRegular(path, st);
    if (st.size > options.maxBytes) throw tooBig(path, st.size, options.maxBytes);
    const limit = wanted(options);
    let buffer = firstBuffer(st.size, limit);
    let length = 0;
    while (length < limit) {
      buffer = roomFor(buffer, length, limit);
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    const bytes = buffer.subarray(0, length);
    if (bytes.length > options.maxBytes) throw tooBig(path, null, options.maxBytes);
    return { bytes, facts: facts(st) };
  } finally {
    await handle.close();
  }
}

/**
 * Why a file could not be read, in words for a technician's message ("it does not
 * exist", "it is a named pipe (FIFO), not a regular file"), for any error the two
 * readers above throw.
 */
export function fileReadProblem(error: unknown): string {
  if (error instanceof RefusedFileError) return error.reason;
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  switch (code) {
    case 'ENOENT':
      return 'it does not exist';
    case 'ENOTDIR':
      return 'a part of the path is not a folder';
    case 'EISDIR':
      return 'it is a folder, not a file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'it is a symbolic link where none may be, or a loop of links';
    case 'EIO':
      return 'the disk could not read it (EIO)';
    default:
      return typeof code === 'string' ? code : error instanceof Error ? error.message : String(error);
  }
}
