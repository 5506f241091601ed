// The hourly counts a terminal publishes on `T/stats/{day}` (retained): the hall's figures
// come from these and nothing else. Hostile input like every message on the bus: the
// shape is the contract's exactly, within its bounds (256 KiB, 2 000 rows a day), every
// count a whole number within reason, and the topic's hall, terminal and day must be the
// payload's. A message that fails any of it is refused whole: half a day is worse than
// the day the console already kept.

import { z } from 'zod';

/** The contract: at most 256 KiB a message. */
export const MAX_STATS_BYTES = 256 * 1024;
/** The contract: at most 2 000 rows a day (beyond, the terminal merges rows of an hour). */
export const MAX_STATS_ROWS = 2000;
/**
 * No window rates this many citizens in an hour; a count past it is not a count. It keeps
 * a day's sums far inside SQLite's integers and a chart's axis sane.
 */
export const MAX_COUNT = 100_000;
/** The national catalogue has 40 indicators; a hall's own has at most 8 a level. */
const MAX_REASON_CODES = 64;

const DAY = /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const TIME = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01]) ([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/;
const CODE = /^[A-Za-z0-9_-]{1,32}$/;

/** A date the calendar has (2026-02-30 is not one). */
export function isCalendarDay(day: string): boolean {
  const m = DAY.exec(day);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === day;
}

const count = z.number().int().min(0).max(MAX_COUNT);
const code = z.string().max(64);
const name = z.string().max(200);

const rowSchema = z.strictObject({
  hour: z.string().regex(/^([01]\d|2[0-3])$/),
  clerkId: code,
  deptCode: code,
  deptName: name,
  taskCode: code,
  taskName: name,
  levels: z.strictObject({ '5': count, '4': count, '3': count, '2': count, '1': count }),
  reasons: z.record(z.string().regex(CODE), count).refine((r) => Object.keys(r).length <= MAX_REASON_CODES),
  declined: count,
  expired: count,
  source: z.strictObject({ api: count, gwq: count, invite: count }),
});
export type StatsRow = z.output<typeof rowSchema>;

const statsSchema = z.strictObject({
  terminalId: z.string().min(1).max(64),
  hallId: z.string().min(1).max(64),
  // The contract shows a text; a kiosk may have no window worth naming.
  windowNo: z.string().max(200).nullable(),
  day: z.string().refine(isCalendarDay),
  rows: z.array(rowSchema).max(MAX_STATS_ROWS),
  at: z.string().regex(TIME),
});
export type StatsMessage = z.output<typeof statsSchema>;

export type StatsParse = { ok: true; stats: StatsMessage } | { ok: false; reason: 'shape' | 'mismatch' };

/** The key a row is unique by: one row per (hour, clerk, department, 事项). */
export function rowKey(r: Pick<StatsRow, 'hour' | 'clerkId' | 'deptCode' | 'taskCode'>): string {
  return `${r.hour}\u0000${r.clerkId}\u0000${r.deptCode}\u0000${r.taskCode}`;
}

/** Checks a decoded stats payload against its topic's hall, terminal and day. */
export function checkStats(value: unknown, hallId: string, terminalId: string, day: string): StatsParse {
  const parsed = statsSchema.safeParse(value);
  if (!parsed.success) return { ok: false, reason: 'shape' };
  const stats = parsed.data;
  if (stats.hallId !== hallId || stats.terminalId !== terminalId || stats.day !== day) {
    return { ok: false, reason: 'mismatch' };
  }
  const keys = new Set<string>();
  for (const row of stats.rows) {
    const key = rowKey(row);
    // Two rows of one key would be counted twice, or one lost: neither is the terminal's count.
    if (keys.has(key)) return { ok: false, reason: 'shape' };
    keys.add(key);
  }
  return { ok: true, stats };
}
