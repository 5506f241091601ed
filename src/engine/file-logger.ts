// The terminal's log file: JSON lines in log.dir (terminal.log), rotated by size into
// terminal.log.1 … .N so a terminal that runs for years never fills its disk with
// logs. Lines are redacted on the way out (log.ts); callers still pass only
// non-personal fields. A flood of one kind of line is counted, not written one by one
// (log-repeats.ts), so it cannot push the history out of the rotated files.
//
// Writing is synchronous and one line at a time: the volume is a few lines a minute,
// and a line written before a crash or a power cut is worth more than the syscalls.
// A full disk, a read-only remount or a missing folder must never stop the terminal:
// the line is dropped, the drop is counted, and the next line that can be written is
// preceded by one saying how many were lost and why.

import {
  closeSync,
  fstatSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../base/logger.js';
import { LOG_FILE_NAME } from '../config/terminal-config.js';
import { formatLogLine } from './log.js';
import { limitRepeats, type RepeatLimit } from './log-repeats.js';

export interface FileLoggerOptions {
  /** Rotate before a line would take terminal.log past this size. Default 5 MiB. */
  maxBytes?: number;
  /** Rotated files kept (terminal.log.1 … .keep); 0 keeps none. Default 5. */
  keep?: number;
  /**
   * After the file could not be opened, wait this long before trying again (lines in
   * between are dropped and counted), so a broken disk is not hammered. Default 1 s.
   */
  reopenAfterMs?: number;
  /** Told once per outage that lines are being dropped. Default: one line on stderr. */
  onTrouble?: (message: string) => void;
  /** The clock, for tests. */
  now?: () => Date;
  /** How many lines of one event are written in full a minute (log-repeats.ts); for tests. */
  repeats?: Omit<RepeatLimit, 'now'>;
}

export interface FileLoggerStatus {
  /** Lines dropped since the last line that could be written. */
  dropped: number;
  /** Lines dropped since the logger was made. */
  droppedTotal: number;
  /** The error code (ENOSPC, EROFS, …) of the last failure, while lines are being dropped. */
  lastError: string | null;
}

export const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;
export const DEFAULT_KEEP = 5;

export function fileLogger(
  dir: string,
  options: FileLoggerOptions = {},
): { logger: Logger; file: string; status: () => FileLoggerStatus } {
  const sink = new RotatingLogFile(dir, options);
  const now = options.now ?? (() => new Date());
  const logger = limitRepeats(
    {
      log(level, event, fields = {}) {
        sink.write(formatLogLine(level, event, fields, now()), now());
      },
    },
    { ...options.repeats, now: () => now().getTime() },
  );
  return { logger, file: sink.file, status: () => sink.status() };
}

class RotatingLogFile {
  readonly file: string;
  private readonly maxBytes: number;
  private readonly keep: number;
  private readonly reopenAfterMs: number;
  private readonly onTrouble: (message: string) => void;
  private fd: number | null = null;
  private size = 0;
  private nextOpenAt = 0;
  /** A failed write may have left half a line; the next write starts a fresh line. */
  private brokenLine = false;
  private dropped = 0;
  private droppedTotal = 0;
  private droppedSince: Date | null = null;
  private lastError: string | null = null;

  constructor(
    private readonly dir: string,
    options: FileLoggerOptions,
  ) {
    this.file = join(dir, LOG_FILE_NAME);
    this.maxBytes = Math.max(1, Math.floor(options.maxBytes ?? DEFAULT_MAX_BYTES));
    this.keep = Math.max(0, Math.floor(options.keep ?? DEFAULT_KEEP));
    this.reopenAfterMs = Math.max(0, options.reopenAfterMs ?? 1_000);
    this.onTrouble = options.onTrouble ?? defaultTrouble;
    // Open now, so the file exists from the start (technicians look for it) and a
    // folder that cannot be made is known at once; failing here only drops lines.
    this.open((options.now?.() ?? new Date()).getTime());
  }

  status(): FileLoggerStatus {
    return { dropped: this.dropped, droppedTotal: this.droppedTotal, lastError: this.lastError };
  }

  write(line: string, now: Date): void {
    try {
      this.writeOrDrop(line, now);
    } catch (err) {
      // Nothing below should throw; if it does, it is one more dropped line.
      this.drop(err, now);
    }
  }

  private writeOrDrop(line: string, now: Date): void {
    if (this.fd === null && !this.open(now.getTime())) {
      this.drop(null, now);
      return;
    }
    let bytes = Buffer.from(line, 'utf8');
    if (this.dropped > 0) {
      const notice = formatLogLine(
        'warn',
        'log_lines_dropped',
        { count: this.dropped, since: this.droppedSince?.toISOString() ?? null, error: this.lastError },
        now,
      );
      bytes = Buffer.concat([Buffer.from(notice, 'utf8'), bytes]);
    }
    if (this.brokenLine) bytes = Buffer.concat([Buffer.from('\n'), bytes]);
    if (this.size > 0 && this.size + bytes.length > this.maxBytes && !this.rotate(now)) {
      this.drop(null, now);
      return;
    }
    const fd = this.fd;
    if (fd === null) {
      this.drop(null, now);
      return;
    }
    const sizeBefore = this.size;
    let written = 0;
    try {
      while (written < bytes.length) {
        const n = writeSync(fd, bytes, written, bytes.length - written);
        if (n <= 0) throw Object.assign(new Error('no progress writing the log'), { code: 'EIO' });
        written += n;
        this.size += n;
      }
    } catch (err) {
      if (written > 0) this.undoPartial(fd, sizeBefore);
      // ENOSPC and friends leave the descriptor usable: keep it, the disk may free up.
      // Anything else (EBADF, EIO) gets a fresh open on the next line.
      if (!isSpaceError(err)) this.close();
      this.drop(err, now);
      return;
    }
    this.brokenLine = false;
    this.dropped = 0;
    this.droppedSince = null;
    this.lastError = null;
  }

  /** Cuts half a line off again (that frees the space it took), so every line stays JSON. */
  private undoPartial(fd: number, size: number): void {
    try {
      ftruncateSync(fd, size);
      this.size = size;
    } catch {
      this.brokenLine = true;
    }
  }

  private open(nowMs: number): boolean {
    if (nowMs < this.nextOpenAt) return false;
    try {
      mkdirSync(this.dir, { recursive: true });
      const fd = openSync(this.file, 'a', 0o640);
      try {
        this.size = fstatSync(fd).size;
      } catch (err) {
        closeSync(fd);
        throw err;
      }
      this.fd = fd;
      this.nextOpenAt = 0;
      return true;
    } catch (err) {
      this.lastError = codeOf(err);
      this.nextOpenAt = nowMs + this.reopenAfterMs;
      return false;
    }
  }

  private close(): void {
    if (this.fd === null) return;
    try {
      closeSync(this.fd);
    } catch {
      // already gone
    }
    this.fd = null;
  }

  /** terminal.log → .1 → .2 …, the oldest deleted; then a fresh terminal.log. */
  private rotate(now: Date): boolean {
    this.close();
    try {
      removeIfPresent(`${this.file}.${this.keep}`);
      for (let i = this.keep - 1; i >= 1; i--) renameIfPresent(`${this.file}.${i}`, `${this.file}.${i + 1}`);
      if (this.keep > 0) renameSync(this.file, `${this.file}.1`);
      else removeIfPresent(this.file);
    } catch (err) {
      // Cannot rotate (a read-only disk, odd permissions): losing the old lines beats
      // letting one file grow without bound, so start this one again from empty.
      this.lastError = codeOf(err);
      if (!this.open(now.getTime())) return false;
      try {
        if (this.fd !== null) ftruncateSync(this.fd, 0);
        this.size = 0;
      } catch (truncateErr) {
        this.lastError = codeOf(truncateErr);
        return false;
      }
    }
    this.brokenLine = false;
    // Rotation is not a failed open: try at once, whatever the back-off said.
    this.nextOpenAt = 0;
    return this.fd !== null || this.open(now.getTime());
  }

  private drop(err: unknown, now: Date): void {
    if (err !== null) this.lastError = codeOf(err);
    if (this.dropped === 0) {
      this.droppedSince = now;
      try {
        this.onTrouble(
          `warning: cannot write the log ${this.file} (${this.lastError ?? 'unknown error'}); ` +
            'log lines are dropped until it can be written again',
        );
      } catch {
        // the warning is a courtesy
      }
    }
    this.dropped++;
    this.droppedTotal++;
  }
}

function defaultTrouble(message: string): void {
  process.stderr.write(`${message}\n`);
}

function isSpaceError(err: unknown): boolean {
  const code = codeOf(err);
  return code === 'ENOSPC' || code === 'EDQUOT' || code === 'EFBIG';
}

function codeOf(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' ? code : err instanceof Error ? err.message.slice(0, 100) : 'unknown error';
}

function removeIfPresent(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

function renameIfPresent(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
