// Forwarding outcomes reach the log per quarter hour on the clock, so the time of a line
// never points at the batch (and so the rating) that caused it.
import { describe, expect, it } from 'vitest';
import type { RecordResult } from '../../../src/sync/adapter.js';
import { ForwardTally, TALLY_WINDOW_MS } from '../../../src/sync/forward-tally.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { ratingRecord } from '../../helpers/records.js';

const QUARTER = Date.parse('2026-11-29T10:00:00Z');

function batch(ids: string[], statuses: (RecordResult['status'] | null)[]) {
  const records = ids.map((id) => ratingRecord({ id }));
  const results = new Map<string, RecordResult>();
  ids.forEach((id, i) => {
    const s = statuses[i];
    if (s === 'rejected') results.set(id, { status: 'rejected', code: 'E', message: 'no' });
    else if (s) results.set(id, { status: s });
  });
  return [records, results] as const;
}

describe('ForwardTally', () => {
  it('writes one line at the end of each quarter hour, none at the batches themselves', () => {
    const clock = new FakeClock(QUARTER + 3 * 60_000);
    const lines: { level: string; event: string; fields: Record<string, unknown> }[] = [];
    const tally = new ForwardTally(
      { log: (level, event, fields = {}) => lines.push({ level, event, fields }) },
      clock,
    );
    tally.add(...batch(['a', 'b'], ['accepted', 'duplicate']));
    clock.advance(4 * 60_000);
    tally.add(...batch(['c'], ['accepted']));
    expect(lines).toEqual([]);
    clock.advance(8 * 60_000 - 1);
    expect(lines).toEqual([]);
    clock.advance(1);
    expect(lines).toEqual([
      {
        level: 'info',
        event: 'batches_forwarded',
        fields: {
          since: new Date(QUARTER).toISOString(),
          batches: 2,
          sent: 3,
          accepted: 2,
          duplicate: 1,
          rejected: 0,
          unanswered: 0,
        },
      },
    ]);
    // A quiet quarter writes nothing; a rejection or a record left unanswered is a warning.
    clock.advance(TALLY_WINDOW_MS + 60_000);
    tally.add(...batch(['d', 'e'], ['rejected', null]));
    tally.flush();
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({
      level: 'warn',
      fields: { since: new Date(QUARTER + 2 * TALLY_WINDOW_MS).toISOString(), rejected: 1, unanswered: 1 },
    });
    tally.flush();
    clock.advance(TALLY_WINDOW_MS);
    expect(lines).toHaveLength(2);
  });
});
