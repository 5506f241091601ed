// The `T/stats/{day}` message: a day's hourly counts, built field by field from the
// contract's keys (a clerk's name, a transaction or a written word has no field to go
// in), and bounded: at most MAX_ROWS rows and MAX_BYTES bytes. Beyond either, the
// hours with the most rows are merged one by one into a row per department (clerk and
// 事项 ""), until the message fits; should even that not do (hundreds of departments),
// the busiest hours' departments are merged too (department "").

import { addCounts, COUNT_LEVELS, emptyRow, type HourRow, PROMPT_SOURCES } from '../core/hourly-counts.js';

export const MAX_ROWS = 2_000;
export const MAX_BYTES = 256 * 1024;

export interface StatsIdentity {
  terminalId: string;
  hallId: string;
  windowNo: string;
}

/** The contract's row, keys in its order (levels 5 first, which JSON.stringify would not keep). */
function rowJson(r: HourRow): string {
  const levels = COUNT_LEVELS.map((l) => `"${l}":${r.levels[l]}`).join(',');
  const reasons = Object.keys(r.reasons)
    .sort()
    .map((code) => `${JSON.stringify(code)}:${r.reasons[code]}`)
    .join(',');
  const source = PROMPT_SOURCES.map((s) => `"${s}":${r.source[s]}`).join(',');
  return (
    `{"hour":${JSON.stringify(r.hour)},"clerkId":${JSON.stringify(r.clerkId)},` +
    `"deptCode":${JSON.stringify(r.deptCode)},"deptName":${JSON.stringify(r.deptName)},` +
    `"taskCode":${JSON.stringify(r.taskCode)},"taskName":${JSON.stringify(r.taskName)},` +
    `"levels":{${levels}},"reasons":{${reasons}},"declined":${r.declined},"expired":${r.expired},` +
    `"source":{${source}}}`
  );
}

function messageJson(id: StatsIdentity, day: string, rowTexts: string[], at: string): string {
  return (
    `{"terminalId":${JSON.stringify(id.terminalId)},"hallId":${JSON.stringify(id.hallId)},` +
    `"windowNo":${JSON.stringify(id.windowNo)},"day":${JSON.stringify(day)},` +
    `"rows":[${rowTexts.join(',')}],"at":${JSON.stringify(at)}}`
  );
}

/**
 * The message for `day` with its rows (already in order), merged as far as the bounds
 * need. `at`: when it is published, `yyyy-MM-dd HH:mm:ss` UTC+8.
 */
export function statsMessage(id: StatsIdentity, day: string, rows: readonly HourRow[], at: string): string {
  // Each row is serialised once: a merge only adds the merged rows' texts.
  const texts = new WeakMap<HourRow, string>();
  const textOf = (r: HourRow) => {
    let t = texts.get(r);
    if (t === undefined) {
      t = rowJson(r);
      texts.set(r, t);
    }
    return t;
  };
  let current = [...rows];
  for (;;) {
    const text = messageJson(id, day, current.map(textOf), at);
    if (current.length <= MAX_ROWS && Buffer.byteLength(text) <= MAX_BYTES) return text;
    const merged = mergeBusiestHour(current);
    // Every hour one row: 24 rows of numbers are far within the bounds.
    if (merged === null) return text;
    current = merged;
  }
}

/**
 * Merges the busiest hour that can still be merged: into one row per department (clerk
 * and 事项 ""), or, for an hour already at that, into one row. Null when every hour is
 * a single row.
 */
export function mergeBusiestHour(rows: readonly HourRow[]): HourRow[] | null {
  const byHour = new Map<string, HourRow[]>();
  for (const r of rows) {
    const list = byHour.get(r.hour);
    if (list) list.push(r);
    else byHour.set(r.hour, [r]);
  }
  const perDept = (rs: HourRow[]) =>
    rs.every((r) => r.clerkId === '' && r.taskCode === '' && r.taskName === '');
  const hours = [...byHour.entries()]
    .filter(([, rs]) => rs.length > 1 || !perDept(rs))
    .sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1));
  const busiest = hours[0];
  if (!busiest) return null;
  const [hour, hourRows] = busiest;
  const merged = perDept(hourRows) ? mergeInto(hourRows, () => '') : mergeInto(hourRows, (r) => r.deptCode);
  const first = hourRows[0];
  return rows.flatMap((r) => (r.hour !== hour ? [r] : r === first ? merged : []));
}

/** One row per group (clerk and 事项 "", the department kept when the group is one). */
function mergeInto(rows: readonly HourRow[], group: (r: HourRow) => string): HourRow[] {
  const out = new Map<string, HourRow>();
  for (const r of rows) {
    const g = group(r);
    let into = out.get(g);
    if (!into) {
      const keepDept = g === r.deptCode;
      into = emptyRow({
        day: r.day,
        hour: r.hour,
        clerkId: '',
        deptCode: keepDept ? r.deptCode : '',
        deptName: keepDept ? r.deptName : '',
        taskCode: '',
        taskName: '',
      });
      out.set(g, into);
    }
    addCounts(into, r);
  }
  return [...out.values()].sort((a, b) => (a.deptCode < b.deptCode ? -1 : a.deptCode > b.deptCode ? 1 : 0));
}
