// The hall's figures, read from the counts the console kept (never from counting alerts),
// and the 差评 list. Days are yyyymmdd numbers (see console-db.ts). Everything here only
// reads: the pages' queries run on a connection of their own (figures-thread.ts), beside
// the one that keeps what the bus brings.

import type Database from 'better-sqlite3';
import type { Counts, GroupBy } from '../wire/page-types.js';
import { ALERT_COLUMNS, alertFromRow, type StoredAlert } from './alert-row.js';

/** A connection the figures are read on (read-only in the console). */
export type Reader = Database.Database;

const statements = new WeakMap<Reader, Map<string, Database.Statement>>();

/** The prepared statement of `sql` on `db`, prepared once. */
function stmt(db: Reader, sql: string): Database.Statement {
  let mine = statements.get(db);
  if (!mine) {
    mine = new Map();
    statements.set(db, mine);
  }
  let s = mine.get(sql);
  if (!s) {
    s = db.prepare(sql);
    mine.set(sql, s);
  }
  return s;
}

export const GROUPINGS: readonly GroupBy[] = ['window', 'clerk', 'dept', 'task'];

/** Counts summed over some rows: levels 5 … 1, prompts without a rating, by source. */

export interface Group extends Counts {
  code: string;
  name: string;
}

export interface DayCounts extends Counts {
  day: number;
}

const SUMS = `SUM(l5) AS l5, SUM(l4) AS l4, SUM(l3) AS l3, SUM(l2) AS l2, SUM(l1) AS l1,
  SUM(declined) AS declined, SUM(expired) AS expired,
  SUM(src_api) AS api, SUM(src_gwq) AS gwq, SUM(src_invite) AS invite`;

export const ZERO: Counts = {
  l5: 0,
  l4: 0,
  l3: 0,
  l2: 0,
  l1: 0,
  declined: 0,
  expired: 0,
  api: 0,
  gwq: 0,
  invite: 0,
};

export function rated(c: Counts): number {
  return c.l5 + c.l4 + c.l3 + c.l2 + c.l1;
}
export function good(c: Counts): number {
  return c.l5 + c.l4 + c.l3;
}
export function bad(c: Counts): number {
  return c.l2 + c.l1;
}
/** 好评率 = (5 + 4 + 3) ÷ all levels; null when nothing was rated. */
export function goodRate(c: Counts): number | null {
  const all = rated(c);
  return all === 0 ? null : good(c) / all;
}

/** The hall's counts per window, clerk, department or 事项 over [from, to]. */
export function groups(db: Reader, from: number, to: number, by: GroupBy): Group[] {
  // From the day's sums per group (day_groups), not every terminal's rows.
  return stmt(
    db,
    `SELECT d.code AS code, d.name AS name, s.* FROM (
       SELECT dim AS id, ${SUMS} FROM day_groups WHERE kind = ? AND day BETWEEN ? AND ? GROUP BY dim
     ) s JOIN dims d ON d.id = s.id`,
  )
    .all(by, from, to)
    .map((r) => {
      const { id: _id, ...rest } = r as Group & { id: number };
      return rest;
    });
}

/** The hall's counts day by day over [from, to] (days without counts left out). */
export function daily(db: Reader, from: number, to: number): DayCounts[] {
  // Every count has exactly one department ("" included): a day's departments add up to the day.
  return stmt(
    db,
    `SELECT day, ${SUMS} FROM day_groups WHERE kind = 'dept' AND day BETWEEN ? AND ? GROUP BY day ORDER BY day`,
  ).all(from, to) as DayCounts[];
}

export function totals(db: Reader, from: number, to: number): Counts {
  return sumOf(daily(db, from, to));
}

/** The counts of several days (or groups) added up. */
export function sumOf(list: readonly Counts[]): Counts {
  const out = { ...ZERO };
  for (const c of list) for (const k of Object.keys(out) as (keyof Counts)[]) out[k] += c[k] ?? 0;
  return out;
}

/** 差评 reason codes by how often they were given over [from, to], most first. */
export function reasons(db: Reader, from: number, to: number): { code: string; n: number }[] {
  return stmt(
    db,
    `SELECT d.code AS code, s.n AS n FROM (
       SELECT reason, SUM(n) AS n FROM day_reasons WHERE day BETWEEN ? AND ? GROUP BY reason
     ) s JOIN dims d ON d.id = s.reason ORDER BY s.n DESC, d.code`,
  ).all(from, to) as { code: string; n: number }[];
}

export interface TerminalDay extends Counts {
  terminalId: string;
  windowNo: string;
  sentAt: string;
  /** The clerks of the day's counts, by id. */
  clerks: string[];
}

/** Each terminal's counts of one day, with when its latest counts were sent. */
export function terminalsOfDay(db: Reader, day: number): TerminalDay[] {
  const rows = stmt(
    db,
    `SELECT t.code AS terminalId, w.code AS windowNo, dy.sent_at AS sentAt, s.*, s.clerks AS clerkIds
       FROM days dy
       JOIN dims t ON t.id = dy.terminal
       JOIN dims w ON w.id = dy.window
       LEFT JOIN (
         SELECT terminal, ${SUMS}, group_concat(DISTINCT clerk) AS clerks
         FROM figures WHERE day = ? GROUP BY terminal
       ) s ON s.terminal = dy.terminal
       WHERE dy.day = ?`,
  ).all(day, day) as (TerminalDay & { clerkIds: string | null; terminal: number })[];
  const clerkCode = stmt(db, 'SELECT code FROM dims WHERE id = ?').pluck();
  return rows.map((r) => {
    const out: TerminalDay = {
      terminalId: r.terminalId,
      windowNo: r.windowNo,
      sentAt: r.sentAt,
      clerks: (r.clerkIds ?? '')
        .split(',')
        .filter((id) => id !== '')
        .map((id) => clerkCode.get(Number(id)) as string)
        .filter((code) => code !== ''),
      ...ZERO,
    };
    for (const k of Object.keys(ZERO) as (keyof Counts)[]) out[k] = (r[k] as number | null) ?? 0;
    return out;
  });
}

/** The hall's ratings per hour of one day (good, bad, prompts without a rating). */
export function hoursOfDay(
  db: Reader,
  day: number,
): { hour: number; good: number; bad: number; unrated: number }[] {
  return stmt(
    db,
    `SELECT hour, SUM(good) AS good, SUM(bad) AS bad, SUM(unrated) AS unrated
     FROM hours WHERE day = ? GROUP BY hour ORDER BY hour`,
  ).all(day) as { hour: number; good: number; bad: number; unrated: number }[];
}

/** The latest name the bus gave a code (a clerk's from the terminals' states). */
export function nameOf(db: Reader, kind: 'clerk' | 'dept' | 'task', code: string): string {
  return (
    (stmt(db, 'SELECT name FROM dims WHERE kind = ? AND code = ?').pluck().get(kind, code) as
      | string
      | undefined) ?? ''
  );
}

export interface AlertFilter {
  from: number;
  to: number;
  windowNo?: string;
  deptCode?: string;
  reason?: string;
  /** Training terminals' 差评 too (they are left out otherwise). */
  training?: boolean;
  limit?: number;
}

/** The 差评 kept, newest first, filtered. */
export function alerts(db: Reader, f: AlertFilter): { alerts: StoredAlert[]; total: number } {
  const where = ['day BETWEEN @from AND @to'];
  if (f.windowNo !== undefined) where.push('window_no = @windowNo');
  if (f.deptCode !== undefined) where.push('dept_code = @deptCode');
  if (f.reason !== undefined) where.push(`(',' || reasons || ',') LIKE @reasonLike`);
  if (!f.training) where.push('training = 0');
  const params = {
    from: f.from,
    to: f.to,
    windowNo: f.windowNo,
    deptCode: f.deptCode,
    reasonLike: f.reason === undefined ? undefined : `%,${f.reason},%`,
  };
  const bound = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined));
  const sql = where.join(' AND ');
  const total = stmt(db, `SELECT COUNT(*) FROM alerts WHERE ${sql}`).pluck().get(bound) as number;
  const rows = stmt(
    db,
    `SELECT ${ALERT_COLUMNS} FROM alerts WHERE ${sql} ORDER BY at DESC, seq DESC LIMIT @limit`,
  ).all({ ...bound, limit: f.limit ?? 5_000 });
  return { alerts: (rows as Parameters<typeof alertFromRow>[0][]).map(alertFromRow), total };
}

/** The windows and departments the 差评 filters offer (those with any 差评 kept). */
export function alertChoices(db: Reader): { windows: string[]; depts: { code: string; name: string }[] } {
  const windows = stmt(
    db,
    `SELECT DISTINCT window_no FROM alerts WHERE window_no IS NOT NULL AND window_no != '' ORDER BY window_no`,
  )
    .pluck()
    .all() as string[];
  const depts = stmt(
    db,
    `SELECT dept_code AS code, MAX(dept_name) AS name FROM alerts
     WHERE dept_code IS NOT NULL AND dept_code != '' GROUP BY dept_code ORDER BY dept_code`,
  ).all() as { code: string; name: string | null }[];
  return { windows, depts: depts.map((d) => ({ code: d.code, name: d.name ?? '' })) };
}
