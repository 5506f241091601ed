// The week offline, short: the same shape as the soak run (a counter's ratings through
// the engine over 7 simulated days while the platform is refused, then 503, then 503
// with Retry-After; then it comes back), with fewer ratings. The soak figures
// (`npm run bench -- soak`) run it with 3 000.
import { describe, expect, it } from 'vitest';
import { OFFLINE_CAP_MS } from '../../../src/sync/backoff.js';
import { runWeek } from '../../bench/week-offline.js';
import { tempDir } from '../../helpers/temp.js';

describe('a week offline', () => {
  it('every rating is delivered once, oldest first, and no back-off passes the cap', async () => {
    const w = await runWeek({ ratings: 140, days: 7, dir: tempDir() });
    expect(w.made).toHaveLength(140);
    expect(w.pendingBeforeDrain).toBe(140);
    // Each kind of outage was met, and retried through (about one try per 2.5–5 min).
    expect(w.backoffsBy.refused).toBeGreaterThan(500);
    expect(w.backoffsBy['503']).toBeGreaterThan(300);
    expect(w.backoffsBy['503 Retry-After']).toBeGreaterThan(300);
    expect(w.refusedRequests).toBe(w.backoffsBy['503'] + w.backoffsBy['503 Retry-After']);
    expect(Math.max(...w.backoffs)).toBeLessThanOrEqual(OFFLINE_CAP_MS);
    expect(w.firstTryAfterMs).toBeLessThanOrEqual(OFFLINE_CAP_MS);
    expect(w.accepted).toEqual(w.made);
    expect(w.acceptedTwice).toEqual([]);
    expect(w.after).toEqual({ pending: 0, rejected: 0, delivered: 140 });
  }, 120_000);
});
