// The bound on lines of one kind (src/engine/log-repeats.ts), with fake time.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LogLevel } from '../../../src/base/logger.js';
import { limitRepeats } from '../../../src/engine/log-repeats.js';

type Line = { level: LogLevel; event: string; fields?: Record<string, unknown> };

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-11-29T01:00:00Z') });
});
afterEach(() => {
  vi.useRealTimers();
});

function limited(burst = 3, windowMs = 60_000) {
  const lines: Line[] = [];
  const log = limitRepeats(
    { log: (level, event, fields) => lines.push({ level, event, ...(fields ? { fields } : {}) }) },
    { burst, windowMs, now: () => Date.now() },
  );
  return { log, lines };
}

describe('limitRepeats', () => {
  it('writes the first lines of a window, counts the rest, and says so when the window ends', () => {
    const { log, lines } = limited();
    for (let i = 0; i < 10; i++) log.log('warn', 'keypad_unknown_key', { code: 64 + i });
    expect(lines.map((l) => l.fields?.code)).toEqual([64, 65, 66]);
    vi.advanceTimersByTime(59_999);
    expect(lines).toHaveLength(3);
    vi.advanceTimersByTime(1);
    expect(lines.at(-1)).toEqual({
      level: 'warn',
      event: 'log_lines_repeated',
      fields: {
        repeated: 'keypad_unknown_key',
        count: 7,
        since: '2026-11-29T01:00:00.000Z',
        message: expect.stringContaining('7 more "keypad_unknown_key" lines'),
      },
    });
  });

  it('while a flood lasts, writes one line a window and nothing else of it', () => {
    const { log, lines } = limited();
    for (let minute = 0; minute < 60; minute++) {
      for (let i = 0; i < 1_000; i++) log.log('warn', 'keypad_unknown_key', { code: 64 });
      vi.advanceTimersByTime(60_000);
    }
    expect(lines.filter((l) => l.event === 'keypad_unknown_key')).toHaveLength(3);
    const counts = lines.filter((l) => l.event === 'log_lines_repeated').map((l) => l.fields?.count);
    expect(counts).toHaveLength(60);
    expect(counts.reduce((a, b) => (a as number) + (b as number), 0)).toBe(60 * 1_000 - 3);
  });

  it('starts afresh after a quiet window, and leaves other events alone', () => {
    const { log, lines } = limited();
    for (let i = 0; i < 5; i++) log.log('info', 'keypad_key', { code: 3 });
    log.log('info', 'rating_committed', { promptId: 'p' });
    vi.advanceTimersByTime(60_000); // the window ends: its count
    vi.advanceTimersByTime(60_000); // a quiet one
    log.log('info', 'keypad_key', { code: 4 });
    expect(lines.map((l) => [l.event, l.fields?.code ?? l.fields?.count ?? null])).toEqual([
      ['keypad_key', 3],
      ['keypad_key', 3],
      ['keypad_key', 3],
      ['rating_committed', null],
      ['log_lines_repeated', 2],
      ['keypad_key', 4],
    ]);
  });

  it('gives the count the gravest level it left out', () => {
    const { log, lines } = limited(1);
    log.log('info', 'store_failed');
    log.log('info', 'store_failed');
    log.log('error', 'store_failed');
    log.log('warn', 'store_failed');
    vi.advanceTimersByTime(60_000);
    expect(lines.at(-1)).toMatchObject({ level: 'error', event: 'log_lines_repeated', fields: { count: 3 } });
  });
});
