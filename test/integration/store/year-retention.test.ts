// Retention over simulated months, short: a counter's ratings written, delivered and
// pruned day by day as the terminal does (test/bench/store-year.ts; the soak runs a
// year at 400 a day with the default 90-day retention). What is past the retention
// goes, records and their prompts, and the file stops growing once it is reached: freed
// pages are used again.
import { describe, expect, it } from 'vitest';
import { runYear } from '../../bench/store-year.js';
import { tempDir } from '../../helpers/temp.js';

describe('retention pruning over simulated months', () => {
  it('keeps only the retention window, and the file stays at its size once the window is full', () => {
    const r = runYear({ days: 60, perDay: 50, retentionDays: 10, dir: tempDir() });
    // Pruned every 6 hours to the end of each day: exactly the last 10 days are left.
    expect(r.records).toBe(10 * 50);
    expect(r.delivered).toBe(10 * 50);
    expect(r.prompts).toBe(10 * 50);
    const steady = Math.max(...r.sizes.slice(20, 30));
    // Without pruning the file would have grown about sixfold from day 10 to day 60.
    expect(r.sizes.at(-1)).toBeLessThanOrEqual(steady * 1.1);
  }, 60_000);
});
