// The one reader of files a technician names, on real files, FIFOs, devices and links:
// only a regular file, only up to its limit, never blocked by a FIFO, and the words a
// technician's message needs for each refusal.
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  fileReadProblem,
  formatBytes,
  RefusedFileError,
  readBoundedFile,
  readBoundedFileSync,
} from '../../../src/base/read-bounded-file.js';
import { tempDir } from '../../helpers/temp.js';

function refusal(read: () => unknown): RefusedFileError {
  try {
    read();
  } catch (err) {
    if (err instanceof RefusedFileError) return err;
    throw err;
  }
  throw new Error('the file was read, not refused');
}

async function refusalAsync(read: () => Promise<unknown>): Promise<RefusedFileError> {
  try {
    await read();
  } catch (err) {
    if (err instanceof RefusedFileError) return err;
    throw err;
  }
  throw new Error('the file was read, not refused');
}

function fifo(dir: string): string {
  const path = join(dir, 'pipe');
  execFileSync('mkfifo', [path]);
  return path;
}

describe('readBoundedFileSync', () => {
  it('reads a regular file whole, with what the descriptor said about it', () => {
    const path = join(tempDir(), 'a.yaml');
    writeFileSync(path, 'terminal: {}\n');
    const { bytes, facts } = readBoundedFileSync(path, { maxBytes: 100 });
    expect(bytes.toString()).toBe('terminal: {}\n');
    expect(facts.size).toBe(13);
    expect(facts.ino).toBeGreaterThan(0);
  });

  it('reads a file of exactly the limit, and refuses one byte more by its size', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'fits'), Buffer.alloc(1024, 0x61));
    writeFileSync(join(dir, 'over'), Buffer.alloc(1025, 0x61));
    expect(readBoundedFileSync(join(dir, 'fits'), { maxBytes: 1024 }).bytes.length).toBe(1024);
    const err = refusal(() => readBoundedFileSync(join(dir, 'over'), { maxBytes: 1024 }));
    expect(err.code).toBe('EFBIG');
    expect(err.size).toBe(1025);
    expect(err.reason).toBe('it is 1025 bytes, more than the 1 KiB this file may be');
  });

  it('refuses a 50 MB file by its size, before reading it', () => {
    const path = join(tempDir(), 'big.yaml');
    writeFileSync(path, '');
    truncateSync(path, 50 * 1024 * 1024);
    expect(refusal(() => readBoundedFileSync(path, { maxBytes: 1024 * 1024 })).reason).toBe(
      'it is 50 MiB, more than the 1 MiB this file may be',
    );
  });

  it('refuses a file that says it is empty but is not (as /proc files do), reading no more than the limit', () => {
    // /proc/self/status reports size 0 and holds about 1 KiB.
    const err = refusal(() => readBoundedFileSync('/proc/self/status', { maxBytes: 64 }));
    expect(err.code).toBe('EFBIG');
    expect(err.size).toBeNull();
    expect(err.reason).toBe('it is more than 64 bytes, more than the 64 bytes this file may be');
    expect(readBoundedFileSync('/proc/self/status', { maxBytes: 64 * 1024 }).bytes.toString()).toContain(
      'Name:',
    );
  });

  it('refuses a FIFO nobody writes to at once (a blocking open would never return)', () => {
    const path = fifo(tempDir());
    const err = refusal(() => readBoundedFileSync(path, { maxBytes: 1024 }));
    expect(err).toMatchObject({ code: 'ENOTREG', reason: 'it is a named pipe (FIFO), not a regular file' });
  });

  it('refuses /dev/zero, and a link to it by naming its target', () => {
    expect(refusal(() => readBoundedFileSync('/dev/zero', { maxBytes: 1024 })).reason).toBe(
      'it is a device, not a regular file',
    );
    const link = join(tempDir(), 'config.yaml');
    symlinkSync('/dev/zero', link);
    expect(refusal(() => readBoundedFileSync(link, { maxBytes: 1024 })).reason).toBe(
      'it is a link to /dev/zero, which is a device, not a regular file',
    );
  });

  it('refuses a folder as the system does (EISDIR)', () => {
    const dir = join(tempDir(), 'config.yaml');
    mkdirSync(dir);
    expect(refusal(() => readBoundedFileSync(dir, { maxBytes: 1024 }))).toMatchObject({
      code: 'EISDIR',
      reason: 'it is a directory, not a file',
    });
  });

  it('follows a link to a regular file, unless told not to', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'real.yaml'), 'a: 1\n');
    symlinkSync(join(dir, 'real.yaml'), join(dir, 'link.yaml'));
    expect(readBoundedFileSync(join(dir, 'link.yaml'), { maxBytes: 100 }).bytes.toString()).toBe('a: 1\n');
    expect(() => readBoundedFileSync(join(dir, 'link.yaml'), { maxBytes: 100, noFollow: true })).toThrow();
  });

  it('reads only the head when asked, still refusing a file over the limit', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.png'), Buffer.alloc(5000, 1));
    expect(readBoundedFileSync(join(dir, 'a.png'), { maxBytes: 8000, headBytes: 12 }).bytes.length).toBe(12);
    expect(
      refusal(() => readBoundedFileSync(join(dir, 'a.png'), { maxBytes: 4000, headBytes: 12 })).code,
    ).toBe('EFBIG');
  });

  it('lets the system’s own errors through, for their codes', () => {
    expect(() => readBoundedFileSync(join(tempDir(), 'nope'), { maxBytes: 10 })).toThrow(
      expect.objectContaining({ code: 'ENOENT' }),
    );
  });
});

describe('readBoundedFile (async)', () => {
  it('reads a regular file, and refuses a FIFO and /dev/zero without waiting', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a'), 'abc');
    expect((await readBoundedFile(join(dir, 'a'), { maxBytes: 3 })).bytes.toString()).toBe('abc');
    expect((await refusalAsync(() => readBoundedFile(join(dir, 'a'), { maxBytes: 2 }))).code).toBe('EFBIG');
    expect((await refusalAsync(() => readBoundedFile(fifo(dir), { maxBytes: 10 }))).code).toBe('ENOTREG');
    expect((await refusalAsync(() => readBoundedFile('/dev/zero', { maxBytes: 10 }))).code).toBe('ENOTREG');
  });
});

describe('the words for a technician', () => {
  it('for refusals and for the system’s errors', () => {
    expect(fileReadProblem({ code: 'ENOENT' })).toBe('it does not exist');
    expect(fileReadProblem({ code: 'EACCES' })).toBe('permission denied');
    expect(fileReadProblem(new RefusedFileError('ENOTREG', '/x', 'it is a socket, not a regular file'))).toBe(
      'it is a socket, not a regular file',
    );
    expect([
      formatBytes(100),
      formatBytes(256 * 1024),
      formatBytes(1024 * 1024),
      formatBytes(1.5 * 1024 * 1024),
    ]).toEqual(['100 bytes', '256 KiB', '1 MiB', '1.5 MiB']);
  });
});
