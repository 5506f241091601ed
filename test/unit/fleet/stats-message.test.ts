// The T/stats/{day} message: the contract's keys in its order, and its size bounds
// (2 000 rows, 256 KiB) kept by merging the busiest hours, with every count kept.
import { describe, expect, it } from 'vitest';
import { emptyRow, type HourRow } from '../../../src/core/hourly-counts.js';
import { MAX_BYTES, MAX_ROWS, statsMessage } from '../../../src/fleet/stats-message.js';

const ID = { terminalId: 'HA-0001', hallId: '350521', windowNo: '12' };
const AT = '2026-11-29 10:00:12';

function row(hour: number, clerk: string, dept: string, task: string, names = ''): HourRow {
  const r = emptyRow(
    {
      day: '2026-11-29',
      hour: String(hour).padStart(2, '0'),
      clerkId: clerk,
      deptCode: dept,
      deptName: `部门${dept}${names}`,
      taskCode: task,
      taskName: `事项${task}${names}`,
    },
    '林晓',
  );
  r.levels[5] = 3;
  r.levels[1] = 1;
  r.reasons['115'] = 1;
  r.expired = 1;
  r.source.api = 5;
  return r;
}

interface Totals {
  levels: number[];
  reasons: Record<string, number>;
  declined: number;
  expired: number;
  source: number[];
  byHourDept: Record<string, number>;
}

function totals(rows: any[]): Totals {
  const t: Totals = {
    levels: [0, 0, 0, 0, 0],
    reasons: {},
    declined: 0,
    expired: 0,
    source: [0, 0, 0],
    byHourDept: {},
  };
  for (const r of rows) {
    ['5', '4', '3', '2', '1'].forEach((l, i) => {
      t.levels[i] = (t.levels[i] as number) + r.levels[l];
    });
    for (const [c, n] of Object.entries(r.reasons as Record<string, number>))
      t.reasons[c] = (t.reasons[c] ?? 0) + n;
    t.declined += r.declined;
    t.expired += r.expired;
    ['api', 'gwq', 'invite'].forEach((s, i) => {
      t.source[i] = (t.source[i] as number) + r.source[s];
    });
    const k = `${r.hour}/${r.deptCode}`;
    t.byHourDept[k] = (t.byHourDept[k] ?? 0) + r.levels['5'];
  }
  return t;
}

describe('stats message', () => {
  it("is the contract's shape, key for key and in its order; no clerk name", () => {
    const text = statsMessage(ID, '2026-11-29', [row(9, '0427', '11350521MB0000000X', '001008001000')], AT);
    expect(text).toBe(
      '{"terminalId":"HA-0001","hallId":"350521","windowNo":"12","day":"2026-11-29",' +
        '"rows":[{"hour":"09","clerkId":"0427","deptCode":"11350521MB0000000X","deptName":"部门11350521MB0000000X",' +
        '"taskCode":"001008001000","taskName":"事项001008001000",' +
        '"levels":{"5":3,"4":0,"3":0,"2":0,"1":1},"reasons":{"115":1},' +
        '"declined":0,"expired":1,"source":{"api":5,"gwq":0,"invite":0}}],' +
        `"at":"${AT}"}`,
    );
    expect(text).not.toContain('林晓');
    expect(JSON.parse(text)).toBeTruthy();
  });

  it('escapes whatever a name holds: still one JSON document', () => {
    const r = row(9, '"}]', 'D', 'T');
    r.taskName = '"},{"hour":"99\u2028\\';
    const parsed = JSON.parse(statsMessage(ID, '2026-11-29', [r], AT));
    expect(parsed.rows).toHaveLength(1);
    expect(parsed.rows[0].taskName).toBe(r.taskName);
    expect(parsed.rows[0].clerkId).toBe('"}]');
  });

  it('leaves a day within the bounds as it is', () => {
    const rows = Array.from({ length: 500 }, (_, i) => row(i % 24, `C${i}`, 'D1', `T${i}`));
    const out = JSON.parse(statsMessage(ID, '2026-11-29', rows, AT)).rows;
    expect(out).toEqual(rows.map(({ day: _d, clerkName: _c, ...r }) => r));
  });

  it('beyond 2 000 rows merges the busiest hours into a row per department, keeping every count', () => {
    // Hour 09 very busy, the others light: 09 is merged, the rest keep their detail.
    const rows = [
      ...Array.from({ length: 2_100 }, (_, i) => row(9, `C${i % 50}`, `D${i % 3}`, `T${i}`)),
      ...Array.from({ length: 30 }, (_, i) => row(14, `C${i}`, 'D1', `T${i}`)),
    ];
    const text = statsMessage(ID, '2026-11-29', rows, AT);
    const out = JSON.parse(text).rows as any[];
    expect(out.length).toBeLessThanOrEqual(MAX_ROWS);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(MAX_BYTES);
    expect(totals(out)).toEqual(totals(rows));
    const nine = out.filter((r) => r.hour === '09');
    expect(nine.map((r) => r.deptCode)).toEqual(['D0', 'D1', 'D2']);
    expect(nine.every((r) => r.clerkId === '' && r.taskCode === '' && r.taskName === '')).toBe(true);
    expect(nine.map((r) => r.deptName)).toEqual(['部门D0', '部门D1', '部门D2']);
    expect(out.filter((r) => r.hour === '14')).toHaveLength(30);
  });

  it('beyond 256 KiB (long names) merges until it fits, keeping every count', () => {
    const long = '很长的名称'.repeat(30);
    const rows = Array.from({ length: 1_500 }, (_, i) =>
      row(8 + (i % 10), `C${i % 7}`, `D${i % 4}`, `T${i}`, long),
    );
    const text = statsMessage(ID, '2026-11-29', rows, AT);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(MAX_BYTES);
    const out = JSON.parse(text).rows as any[];
    expect(totals(out)).toEqual(totals(rows));
    // Only as much merged as needed: some hours keep their clerks.
    expect(out.some((r) => r.clerkId !== '')).toBe(true);
  });

  it('with hundreds of departments an hour, merges the departments too rather than exceed the bounds', () => {
    const rows = Array.from({ length: 24 * 120 }, (_, i) => row(i % 24, '', `D${i}`, '', '部'.repeat(200)));
    for (const r of rows) {
      r.taskName = '';
    }
    const text = statsMessage(ID, '2026-11-29', rows, AT);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(MAX_BYTES);
    const out = JSON.parse(text).rows as any[];
    expect(out.length).toBeLessThanOrEqual(MAX_ROWS);
    const sum = (rs: any[]) => rs.reduce((n, r) => n + r.levels['5'] + r.levels['1'] + r.expired, 0);
    expect(sum(out)).toBe(sum(rows));
  });
});
