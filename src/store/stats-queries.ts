// The hall's figures from the store: hourly counts per (hour, clerk, department, 事项)
// for a span of time, as src/core/hourly-counts.ts describes them. Read only; the fleet
// reporter (through the engine) and `haochaping-terminal report` are the readers.
//
// What counts, and when (UTC+8):
// - a final record (pending, delivered, rejected or any later state — never a draft,
//   never a training record) in the hour of its final_at: the moment it became final
//   and was queued, so a 差评 whose reasons are chosen after the full hour counts in
//   the new hour, and an hour already published never changes;
// - a prompt that ended declined or expired, in the hour it ended, once per
//   department its records would have had (every department of a 并联审批 prompt, the
//   first of any other);
// - `source`: a row's prompts, each once, by where they came from.
//
// Both spans are read through partial indexes (migration stats-index): today's counts
// touch today's rows only, however long the store keeps its records.

import type Database from 'better-sqlite3';
import {
  addCounts,
  cstDayOf,
  emptyRow,
  type HourKey,
  type HourRow,
  PROMPT_SOURCES,
  type PromptSource,
  rowKey,
  sortRows,
} from '../core/hourly-counts.js';
import type { Level } from '../core/levels.js';
import { readOnlyDatabase } from './open.js';

const CST_OFFSET_MS = 8 * 3_600_000;

/** A text field of a JSON column, "" when absent or when the column is not JSON. */
const text = (column: string, path: string) =>
  `COALESCE(CAST(CASE WHEN json_valid(${column}) THEN json_extract(${column}, '${path}') END AS TEXT), '')`;

/** The UTC+8 day (as days since 1970) and hour of an instant column. */
const dayNo = (column: string) => `(${column} + ${CST_OFFSET_MS}) / 86400000`;
const hourOf = (column: string) => `((${column} + ${CST_OFFSET_MS}) % 86400000) / 3600000`;

/**
 * Where a prompt came from: its `source` column (migration prompt-source). A store of a
 * schema before that column (read by `report` before the terminal has upgraded it) is
 * told by the transaction ids only the terminal makes: a GWQ prompt's
 * `GWQ-{terminal.id}-{n}`, an INVITE key's `{terminal.id}-{yyyyMMdd}-{nnnn}`.
 */
const SOURCE_COLUMN_SQL = 'p.source';
const SOURCE_DERIVED_SQL = `CASE
    WHEN p.transaction_id GLOB 'GWQ-*' THEN 'gwq'
    WHEN substr(p.transaction_id, 1, length(@terminalId) + 1) = @terminalId || '-'
      AND substr(p.transaction_id, length(@terminalId) + 2)
        GLOB '[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9]*' THEN 'invite'
    ELSE 'api' END`;

// The partial index's own terms (final_at IS NOT NULL is implied by the range); a body
// that is not JSON (a disk fault, a hand edit) tells nothing and is left out.
const FINAL_WHERE = `r.final_at >= @from AND r.final_at < @to AND r.training = 0 AND r.state <> 'draft'
  AND json_valid(r.body)`;

const RECORD_KEY = `${dayNo('r.final_at')} AS day_no, ${hourOf('r.final_at')} AS hour,
  ${text('r.body', '$.clerk.id')} AS clerk_id,
  ${text('r.body', '$.department.code')} AS dept_code,
  ${text('r.body', '$.service.code')} AS task_code`;

const ratingsSql = (source: string) => `SELECT ${RECORD_KEY},
    MAX(${text('r.body', '$.clerk.name')}) AS clerk_name,
    MAX(${text('r.body', '$.department.name')}) AS dept_name,
    MAX(${text('r.body', '$.service.name')}) AS task_name,
    ${[5, 4, 3, 2, 1].map((l) => `SUM(${text('r.body', '$.level')} = '${l}') AS l${l}`).join(', ')},
    ${PROMPT_SOURCES.map((s) => `COUNT(DISTINCT CASE WHEN ${source} = '${s}' THEN r.prompt_id END) AS s_${s}`).join(', ')}
  FROM records AS r JOIN prompts AS p ON p.id = r.prompt_id
  WHERE ${FINAL_WHERE}
  GROUP BY day_no, hour, clerk_id, dept_code, task_code`;

// A 差评's reasons are its indicator codes; a 好评's chosen indicators are not reasons.
const reasonsSql = `SELECT ${RECORD_KEY}, CAST(j.value AS TEXT) AS code, COUNT(*) AS n
  FROM records AS r
  CROSS JOIN json_each(CASE WHEN json_valid(r.body) THEN r.body ELSE '{}' END, '$.reasons') AS j
  WHERE ${FINAL_WHERE} AND ${text('r.body', '$.level')} IN ('1', '2')
  GROUP BY day_no, hour, clerk_id, dept_code, task_code, code`;

// An unrated prompt is counted for the departments its rating would have had.
const unratedSql = (
  source: string,
) => `SELECT ${dayNo('p.ended_at')} AS day_no, ${hourOf('p.ended_at')} AS hour,
    ${text('p.clerk', '$.id')} AS clerk_id,
    ${text('d.value', '$.code')} AS dept_code,
    ${text('p.service', '$.code')} AS task_code,
    MAX(${text('p.clerk', '$.name')}) AS clerk_name,
    MAX(${text('d.value', '$.name')}) AS dept_name,
    MAX(${text('p.service', '$.name')}) AS task_name,
    SUM(p.status = 'declined') AS declined, SUM(p.status = 'expired') AS expired,
    ${PROMPT_SOURCES.map((s) => `SUM(${source} = '${s}') AS s_${s}`).join(', ')}
  FROM prompts AS p
  CROSS JOIN json_each(CASE WHEN json_valid(p.departments) AND json_type(p.departments) = 'array'
      AND json_array_length(p.departments) > 0 THEN p.departments ELSE '[{}]' END) AS d
  WHERE p.status IN ('declined', 'expired') AND p.ended_at >= @from AND p.ended_at < @to
    AND (p.mode = 'parallel' OR d.key = 0)
  GROUP BY day_no, hour, clerk_id, dept_code, task_code`;

interface KeyColumns {
  day_no: number;
  hour: number;
  clerk_id: string;
  dept_code: string;
  task_code: string;
}

interface Names {
  clerk_name: string;
  dept_name: string;
  task_name: string;
}

interface RatingsRow extends KeyColumns, Names {
  l5: number;
  l4: number;
  l3: number;
  l2: number;
  l1: number;
  s_api: number;
  s_gwq: number;
  s_invite: number;
}

interface ReasonRow extends KeyColumns {
  code: string;
  n: number;
}

interface UnratedRow extends KeyColumns, Names {
  declined: number;
  expired: number;
  s_api: number;
  s_gwq: number;
  s_invite: number;
}

/** The statements for a store with (or without) the prompts' source column; a test reads their plans. */
export function statsSql(withSourceColumn: boolean) {
  const source = withSourceColumn ? SOURCE_COLUMN_SQL : SOURCE_DERIVED_SQL;
  return { ratings: ratingsSql(source), reasons: reasonsSql, unrated: unratedSql(source) };
}

export class StatsQueries {
  private readonly stmt;

  constructor(db: Database.Database) {
    const withSource =
      db.prepare(`SELECT 1 FROM pragma_table_info('prompts') WHERE name = 'source'`).get() !== undefined;
    const sql = statsSql(withSource);
    this.stmt = {
      ratings: db.prepare(sql.ratings),
      reasons: db.prepare(sql.reasons),
      unrated: db.prepare(sql.unrated),
    };
  }

  /**
   * The counts of everything that became final (or ended unrated) in [from, to), one
   * row per (day, hour, clerk, department, 事项), in order. `terminalId` tells this
   * terminal's own INVITE prompts apart.
   */
  hourly(from: number, to: number, terminalId: string): HourRow[] {
    const params = { from, to, terminalId };
    const rows = new Map<string, HourRow>();
    const rowFor = (c: KeyColumns & Names): HourRow => {
      const key = keyOf(c, c);
      const id = rowKey(key);
      let row = rows.get(id);
      if (!row) {
        row = emptyRow(key, c.clerk_name);
        rows.set(id, row);
      }
      return row;
    };
    for (const r of this.stmt.ratings.all(params) as RatingsRow[]) {
      const row = rowFor(r);
      const levels: Record<Level, number> = { 5: r.l5, 4: r.l4, 3: r.l3, 2: r.l2, 1: r.l1 };
      addCounts(row, { ...emptyRow(row), levels, source: sources(r) });
    }
    for (const r of this.stmt.unrated.all(params) as UnratedRow[]) {
      const row = rowFor(r);
      // A key first seen among the ratings keeps the records' names.
      if (row.clerkName === '') row.clerkName = r.clerk_name;
      addCounts(row, { ...emptyRow(row), declined: r.declined, expired: r.expired, source: sources(r) });
    }
    for (const r of this.stmt.reasons.all(params) as ReasonRow[]) {
      const row = rows.get(rowKey(keyOf(r)));
      if (row) row.reasons[r.code] = (row.reasons[r.code] ?? 0) + r.n;
    }
    return sortRows([...rows.values()]);
  }
}

function keyOf(c: KeyColumns, names?: Names): HourKey {
  return {
    day: cstDayOf(c.day_no * 86_400_000),
    hour: String(c.hour).padStart(2, '0'),
    clerkId: c.clerk_id,
    deptCode: c.dept_code,
    deptName: names?.dept_name ?? '',
    taskCode: c.task_code,
    taskName: names?.task_name ?? '',
  };
}

function sources(r: { s_api: number; s_gwq: number; s_invite: number }): Record<PromptSource, number> {
  return { api: r.s_api, gwq: r.s_gwq, invite: r.s_invite };
}

/** Schema 2 has everything the counts read (the training flag); the indexes only speed them up. */
const MIN_SCHEMA = 2;

/**
 * The counts of a store read from beside it, read-only (the `report` command): the
 * terminal that owns the store may be running. Throws StoreUnavailableError, in words
 * a technician can act on, when it cannot be read.
 */
export function openStatsReader(path: string): { stats: StatsQueries; close: () => void } {
  const db = readOnlyDatabase(path, MIN_SCHEMA);
  try {
    return { stats: new StatsQueries(db), close: () => db.close() };
  } catch (err) {
    db.close();
    throw err;
  }
}
