// The hall's figures as the terminal keeps them: counts per (hour, clerk, department,
// 事项), by the hour (UTC+8) in which a rating became final or a prompt ended unrated.
// The store computes them, the fleet reporter publishes them (T/stats/{day}), and
// `haochaping-terminal report` writes them to a file: one shape for all three, so the
// bus and the report always give the same figures. Plain data and pure helpers.

import type { Level } from './levels.js';
import { PROMPT_SOURCES, type PromptSource } from './model.js';

// Who opened a prompt is the prompt's own (model.ts); the counts only group by it.
export { PROMPT_SOURCES, type PromptSource };

/** The levels in the contract's order, 5 (非常满意) first. */
export const COUNT_LEVELS: readonly Level[] = [5, 4, 3, 2, 1];

export interface HourKey {
  /** `yyyy-MM-dd` in UTC+8. */
  day: string;
  /** `00` … `23`, UTC+8. */
  hour: string;
  /** "" on a kiosk. */
  clerkId: string;
  deptCode: string;
  deptName: string;
  taskCode: string;
  taskName: string;
}

export interface HourRow extends HourKey {
  /** Final ratings by level, a 并联审批 prompt once per department rated. */
  levels: Record<Level, number>;
  /** Indicator codes of 差评, how often each was chosen. */
  reasons: Record<string, number>;
  /** Prompts the citizen declined (不评价) / let run out, without a rating. */
  declined: number;
  expired: number;
  /** The row's prompts (rated, declined, expired) by where they came from. */
  source: Record<PromptSource, number>;
  /**
   * The clerk's name as the terminal's own records give it, for the terminal's report.
   * Never on the bus: the contract's rows carry the clerk's id only.
   */
  clerkName: string;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const CST_OFFSET_MS = 8 * HOUR_MS;
const DAY_TEXT = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The instant a `yyyy-MM-dd` day (UTC+8) begins, or null when the text names no real day. */
export function cstDayStart(day: string): number | null {
  const m = DAY_TEXT.exec(day);
  if (!m) return null;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) - CST_OFFSET_MS;
  return cstDayOf(ms) === day ? ms : null;
}

/** The `yyyy-MM-dd` (UTC+8) an instant falls on. */
export function cstDayOf(epochMs: number): string {
  return new Date(epochMs + CST_OFFSET_MS).toISOString().slice(0, 10);
}

/** The day `days` after (or before, negative) a `yyyy-MM-dd` day. */
export function addDays(day: string, days: number): string {
  const start = cstDayStart(day);
  if (start === null) throw new Error(`not a day: ${day}`);
  // UTC+8 has no daylight saving: every day is 24 hours.
  return cstDayOf(start + days * DAY_MS);
}

/** The start of the hour an instant falls in (UTC+8 hours are whole UTC hours). */
export function hourStart(epochMs: number): number {
  return Math.floor(epochMs / HOUR_MS) * HOUR_MS;
}

export function emptyRow(key: HourKey, clerkName = ''): HourRow {
  return {
    ...key,
    levels: { 5: 0, 4: 0, 3: 0, 2: 0, 1: 0 },
    reasons: {},
    declined: 0,
    expired: 0,
    source: { api: 0, gwq: 0, invite: 0 },
    clerkName,
  };
}

/** Adds `from`'s counts into `into` (same key or a coarser one). */
export function addCounts(into: HourRow, from: HourRow): void {
  for (const l of COUNT_LEVELS) into.levels[l] += from.levels[l];
  for (const [code, n] of Object.entries(from.reasons)) into.reasons[code] = (into.reasons[code] ?? 0) + n;
  into.declined += from.declined;
  into.expired += from.expired;
  for (const s of PROMPT_SOURCES) into.source[s] += from.source[s];
}

/** The identity of a row: day, hour, clerk, department and 事项 by their codes. */
export function rowKey(k: Pick<HourKey, 'day' | 'hour' | 'clerkId' | 'deptCode' | 'taskCode'>): string {
  return JSON.stringify([k.day, k.hour, k.clerkId, k.deptCode, k.taskCode]);
}

/** Rows in a fixed order (day, hour, clerk, department, 事项), so equal counts give equal messages. */
export function sortRows<T extends HourKey>(rows: T[]): T[] {
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return rows.sort(
    (a, b) =>
      cmp(a.day, b.day) ||
      cmp(a.hour, b.hour) ||
      cmp(a.clerkId, b.clerkId) ||
      cmp(a.deptCode, b.deptCode) ||
      cmp(a.taskCode, b.taskCode),
  );
}

/** All final ratings of a row. */
export function ratedCount(row: Pick<HourRow, 'levels'>): number {
  return COUNT_LEVELS.reduce((n, l) => n + row.levels[l], 0);
}

/** 好评率 = (levels 5 + 4 + 3) ÷ all levels; null when nothing was rated. */
export function goodRate(row: Pick<HourRow, 'levels'>): number | null {
  const all = ratedCount(row);
  return all === 0 ? null : (row.levels[5] + row.levels[4] + row.levels[3]) / all;
}

/**
 * How the figures name where a prompt came from, in the hall console's tables and the
 * terminal's report alike. `invite` is the clerk's INVITE key (请您评价): the terminal
 * opens the prompt itself; nothing is scanned.
 */
export const SOURCE_LABELS: Record<PromptSource, string> = {
  api: '业务系统',
  gwq: 'GWQ',
  invite: '邀请评价',
};

/** `来源：业务系统` …, the column headers of the sources, in PROMPT_SOURCES' order. */
export const SOURCE_HEADERS: readonly string[] = PROMPT_SOURCES.map((s) => `来源：${SOURCE_LABELS[s]}`);
