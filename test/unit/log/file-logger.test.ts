// The log file on real disks: JSON lines, rotation by size keeping N files, and the
// faults a terminal meets in the field (a full disk, a read-only remount, a folder
// that is not one) — none of which may make a log call throw. The full and read-only
// disks are real tmpfs mounts (root, as in CI).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fileLogger } from '../../../src/engine/file-logger.js';
import { tempDir } from '../../helpers/temp.js';
import { fillDisk, mountSmallDisk, type SmallDisk } from '../../helpers/tmpfs.js';

function lines(file: string): Record<string, unknown>[] {
  const text = readFileSync(file, 'utf8');
  if (text === '') return [];
  expect(text.endsWith('\n')).toBe(true);
  return text
    .slice(0, -1)
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** For the sink's own tests, which write many lines of one event on purpose. */
const UNLIMITED = { burst: Number.POSITIVE_INFINITY };

let disk: SmallDisk | null = null;
afterEach(() => {
  disk?.unmount();
  disk = null;
});

describe('fileLogger', () => {
  it('makes the folder and writes redacted JSON lines to terminal.log', () => {
    const dir = join(tempDir(), 'logs', 'deeper');
    const { logger, file } = fileLogger(dir);
    expect(file).toBe(join(dir, 'terminal.log'));
    expect(existsSync(file)).toBe(true);
    logger.log('info', 'started', { terminalId: 'HA-0001' });
    logger.log('warn', 'record_rejected', {
      recordId: 'r-1',
      code: 'E_CERT',
      message: 'certKey 35052119900101123X and mobile 13912345678 do not match',
      userName: '欧阳测试芳',
    });
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('35052119900101123X');
    expect(text).not.toContain('13912345678');
    expect(text).not.toContain('欧阳测试芳');
    expect(lines(file)).toEqual([
      { t: expect.any(String), level: 'info', event: 'started', terminalId: 'HA-0001' },
      {
        t: expect.any(String),
        level: 'warn',
        event: 'record_rejected',
        recordId: 'r-1',
        code: 'E_CERT',
        message: 'certKey [redacted] and mobile [redacted] do not match',
      },
    ]);
  });

  it('appends to an existing log and counts its size towards rotation', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'terminal.log'), `${JSON.stringify({ event: 'old' })}\n`.repeat(30));
    const { logger, file } = fileLogger(dir, { maxBytes: 400, keep: 2 });
    logger.log('info', 'new');
    expect(lines(file).map((l) => l.event)).toEqual(['new']);
    expect(lines(`${file}.1`)).toHaveLength(30);
  });

  it('rotates by size, keeps `keep` files, oldest dropped, no line split or lost in between', () => {
    const dir = tempDir();
    const { logger, file } = fileLogger(dir, { maxBytes: 1000, keep: 3, repeats: UNLIMITED });
    for (let i = 0; i < 200; i++) logger.log('info', 'tick', { i, pad: 'x'.repeat(40) });
    expect(readdirSync(dir).sort()).toEqual([
      'terminal.log',
      'terminal.log.1',
      'terminal.log.2',
      'terminal.log.3',
    ]);
    const files = [`${file}.3`, `${file}.2`, `${file}.1`, file];
    for (const f of files) expect(statSync(f).size).toBeLessThanOrEqual(1000);
    const seen = files.flatMap((f) => lines(f).map((l) => l.i as number));
    // Consecutive and ending at the last line: the kept files are the newest ones, in order.
    expect(seen.at(-1)).toBe(199);
    expect(seen).toEqual(seen.map((_, k) => (seen[0] as number) + k));
    expect(seen[0]).toBeGreaterThan(0);
  });

  it('as shipped: terminal.log and five rotated files of at most 5 MiB each', () => {
    const dir = tempDir();
    // Lines of many kinds, as a terminal writes them (one kind alone would be counted).
    const { logger, file } = fileLogger(dir);
    // ~100 KB a line (fields are clipped to 1000 characters, 50 items an array), 32 MiB in all.
    const block = Array.from({ length: 50 }, () => 'x'.repeat(999));
    for (let i = 0; i < 330; i++) logger.log('info', `tick_${i % 10}`, { i, a: block, b: block });
    expect(readdirSync(dir).sort()).toEqual(
      ['', '.1', '.2', '.3', '.4', '.5'].map((s) => `terminal.log${s}`),
    );
    for (const f of readdirSync(dir)) {
      const size = statSync(join(dir, f)).size;
      expect(size).toBeLessThanOrEqual(5 * 1024 * 1024);
      if (f !== 'terminal.log') expect(size).toBeGreaterThan(5 * 1024 * 1024 - 110_000);
    }
    expect(lines(file).at(-1)?.i).toBe(329);
  });

  it('keep: 0 starts the file again instead of keeping old ones', () => {
    const dir = tempDir();
    const { logger, file } = fileLogger(dir, { maxBytes: 300, keep: 0 });
    for (let i = 0; i < 30; i++) logger.log('info', 'tick', { i });
    expect(readdirSync(dir)).toEqual(['terminal.log']);
    expect(statSync(file).size).toBeLessThanOrEqual(300);
    expect(lines(file).at(-1)?.i).toBe(29);
  });

  it('a line longer than maxBytes is still written, alone in its file', () => {
    const dir = tempDir();
    const { logger, file } = fileLogger(dir, { maxBytes: 100, keep: 1 });
    logger.log('info', 'small');
    logger.log('info', 'big', { pad: 'y'.repeat(500) });
    expect(lines(file).map((l) => l.event)).toEqual(['big']);
    expect(lines(`${file}.1`).map((l) => l.event)).toEqual(['small']);
  });

  it('a folder that cannot be made: no throw, lines counted, reported once it works', () => {
    const parent = tempDir();
    const blocker = join(parent, 'logs');
    writeFileSync(blocker, 'a file where the folder should be');
    const troubles: string[] = [];
    const { logger, file, status } = fileLogger(blocker, {
      reopenAfterMs: 0,
      onTrouble: (m) => troubles.push(m),
    });
    expect(() => {
      for (let i = 0; i < 3; i++) logger.log('error', 'store_failed', { i });
    }).not.toThrow();
    expect(status()).toMatchObject({ dropped: 3, droppedTotal: 3, lastError: expect.stringMatching(/^E/) });
    expect(troubles).toHaveLength(1);
    expect(troubles[0]).toContain(file);

    rmSync(blocker);
    logger.log('info', 'store_recovered');
    expect(status()).toEqual({ dropped: 0, droppedTotal: 3, lastError: null });
    expect(lines(file)).toEqual([
      expect.objectContaining({
        level: 'warn',
        event: 'log_lines_dropped',
        count: 3,
        since: expect.any(String),
      }),
      expect.objectContaining({ event: 'store_recovered' }),
    ]);
  });

  it('waits reopenAfterMs before trying a broken folder again', () => {
    const parent = tempDir();
    const blocker = join(parent, 'logs');
    writeFileSync(blocker, '');
    let now = new Date('2026-11-27T10:00:00Z');
    const { logger, file, status } = fileLogger(blocker, {
      reopenAfterMs: 60_000,
      onTrouble: () => {},
      now: () => now,
    });
    rmSync(blocker);
    logger.log('info', 'a');
    expect(existsSync(file)).toBe(false);
    now = new Date(now.getTime() + 61_000);
    logger.log('info', 'b');
    expect(status().dropped).toBe(0);
    expect(lines(file).map((l) => [l.event, l.count])).toEqual([
      ['log_lines_dropped', 1],
      ['b', undefined],
    ]);
  });
});

describe('fileLogger on a real small disk', () => {
  it('a full disk: logging never throws, and the next line after space returns says what was lost', () => {
    disk = mountSmallDisk(1024);
    const dir = join(disk.dir, 'logs');
    const troubles: string[] = [];
    const { logger, file, status } = fileLogger(dir, {
      onTrouble: (m) => troubles.push(m),
      repeats: UNLIMITED,
    });
    logger.log('info', 'before');
    const filler = fillDisk(disk.dir);
    expect(() => {
      for (let i = 0; i < 500; i++) logger.log('error', 'store_failed', { i, message: 'SQLITE_FULL' });
    }).not.toThrow();
    const st = status();
    expect(st.lastError).toBe('ENOSPC');
    expect(st.dropped).toBeGreaterThan(0);
    expect(troubles).toHaveLength(1);
    // Every line that made it is whole: a half-written line was cut off again.
    const written = lines(file);
    expect(written.length + st.dropped).toBe(501);

    rmSync(filler);
    logger.log('info', 'store_recovered');
    const after = lines(file);
    expect(after.at(-2)).toMatchObject({ event: 'log_lines_dropped', count: st.dropped, error: 'ENOSPC' });
    expect(after.at(-1)).toMatchObject({ event: 'store_recovered' });
    expect(status().dropped).toBe(0);
  });

  it('a full disk while rotating: no throw, no growth past the limit', () => {
    disk = mountSmallDisk(1024);
    const dir = join(disk.dir, 'logs');
    const { logger, status } = fileLogger(dir, {
      maxBytes: 2000,
      keep: 2,
      onTrouble: () => {},
      repeats: UNLIMITED,
    });
    for (let i = 0; i < 30; i++) logger.log('info', 'tick', { i });
    fillDisk(disk.dir);
    expect(() => {
      for (let i = 0; i < 100; i++) logger.log('info', 'tick', { i, pad: 'z'.repeat(100) });
    }).not.toThrow();
    expect(status().dropped).toBeGreaterThan(0);
    for (const f of readdirSync(dir)) expect(statSync(join(dir, f)).size).toBeLessThanOrEqual(2000);
    for (const f of readdirSync(dir)) lines(join(dir, f));
  });

  it('a read-only disk (a remount after a filesystem error): no throw; the log resumes once writable', () => {
    disk = mountSmallDisk(1024);
    const dir = join(disk.dir, 'logs');
    mkdirSync(dir);
    // Linux will not remount read-only under a file open for writing, so the logger
    // starts on the read-only disk, as after a reboot into a damaged filesystem.
    disk.remount('ro');
    const { logger, file, status } = fileLogger(dir, { reopenAfterMs: 0, onTrouble: () => {} });
    expect(() => {
      for (let i = 0; i < 5; i++) logger.log('warn', 'tick', { i });
    }).not.toThrow();
    expect(status()).toMatchObject({ dropped: 5, lastError: 'EROFS' });
    disk.remount('rw');
    logger.log('info', 'back');
    expect(lines(file).map((l) => [l.event, l.count, l.error])).toEqual([
      ['log_lines_dropped', 5, 'EROFS'],
      ['back', undefined, undefined],
    ]);
  });
});
