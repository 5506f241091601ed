import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { offlineDelay, PAUSE_CAP_MS, parseRetryAfter, pauseDelay } from '../../../src/sync/backoff.js';

const NOW = Date.UTC(2026, 10, 27, 8, 0, 0);

describe('the offline back-off', () => {
  it('first retry within 1 s, at least half of it', () => {
    expect(offlineDelay(1, () => 0)).toBe(500);
    expect(offlineDelay(1, () => 0.999999)).toBeLessThanOrEqual(1000);
  });

  it('doubles and is capped at 300 s', () => {
    const ceilings = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 50, 1e6].map((n) => offlineDelay(n, () => 0.999999999));
    expect(ceilings.slice(0, 9)).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 64000, 128000, 256000]);
    expect(ceilings.slice(9)).toEqual([300000, 300000, 300000]);
  });

  it('jitter stays within [ceiling/2, ceiling] for any failure count', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.double({ min: 0, max: 0.9999999, noNaN: true }),
        (n, r) => {
          const d = offlineDelay(n, () => r);
          const ceiling = Math.min(300_000, 1000 * 2 ** Math.min(n - 1, 20));
          return d >= ceiling / 2 && d <= ceiling && d <= 300_000;
        },
      ),
    );
  });
});

describe('the pause after an auth or configuration fault', () => {
  it('is long but never over 30 minutes', () => {
    expect([1, 2, 3, 4, 100].map(pauseDelay)).toEqual([300_000, 600_000, 1_200_000, 1_800_000, 1_800_000]);
    expect(PAUSE_CAP_MS).toBe(30 * 60_000);
  });
});

describe('Retry-After', () => {
  it('reads delta-seconds', () => {
    expect(parseRetryAfter('120', NOW)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', NOW)).toBe(0);
  });

  it('reads an HTTP date, relative to now; a past date is 0', () => {
    expect(parseRetryAfter('Fri, 27 Nov 2026 08:02:00 GMT', NOW)).toBe(120_000);
    expect(parseRetryAfter(new Date(NOW + 3_000).toUTCString(), NOW)).toBe(3_000);
    expect(parseRetryAfter('Fri, 27 Nov 2026 07:00:00 GMT', NOW)).toBe(0);
  });

  it('ignores what it cannot read', () => {
    for (const v of [undefined, '', 'soon', '-5', '1.5', '2026-11-27', 'Fri, 99 Foo 2026 GMT']) {
      expect(parseRetryAfter(v, NOW)).toBeNull();
    }
  });
});
