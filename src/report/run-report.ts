// `haochaping-terminal report`: the hall's figures for a range of days from this
// terminal's own store, for a hall without a broker (or a console). The same hourly
// counts the terminal publishes on `T/stats/{day}`, read beside a running terminal
// through a read-only connection, for the finished hours of the days the store still
// holds whole (store.retentionDays); earlier days are named, not guessed at.

import { existsSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { tableCsv, tablesXlsx } from '../base/table-file.js';
import { loadConfig } from '../config/load.js';
import { loadCatalogueOf } from '../config/reasons-catalogue.js';
import { cstDateTime } from '../core/cst.js';
import { addDays, cstDayOf, cstDayStart, type HourRow, hourStart } from '../core/hourly-counts.js';
import { LEVELS } from '../core/levels.js';
import type { ReasonsCatalogue } from '../core/reasons.js';
import { describeIoError, StoreUnavailableError } from '../store/open.js';
import { openStatsReader } from '../store/stats-queries.js';
import { parseReportArgs, REPORT_USAGE, type ReportOptions } from './report-options.js';
import { type ReportFacts, reportTables } from './report-tables.js';

const DAY_MS = 86_400_000;

export interface ReportIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Raw output for `--out -`; default the process's standard output. */
  write?: (data: string) => void;
}

const PREFIX = 'haochaping-terminal report:';

export async function runReport(
  argv: readonly string[],
  io: ReportIo,
  now: () => number = Date.now,
): Promise<number> {
  const parsed = parseReportArgs(argv);
  if (!parsed.ok) {
    if (parsed.help) {
      io.out(`Usage:\n${REPORT_USAGE}`);
      return 0;
    }
    for (const e of parsed.errors) io.err(`${PREFIX} ${e}`);
    io.err(`\nUsage:\n${REPORT_USAGE}`);
    return 2;
  }
  const o = parsed.options;
  const loaded = loadConfig(o.config);
  if (!loaded.ok) {
    for (const line of loaded.errors) io.err(line);
    io.err(`${PREFIX} no report: fix the configuration above and run it again.`);
    return 2;
  }
  const config = loaded.config;
  if (config.terminal.training) {
    io.err(
      `${PREFIX} ${config.terminal.id} is a training terminal (terminal.training${o.config === null ? ', the built-in defaults without --config' : ''}): its ratings are try-outs and are not counted, so there is nothing to report. Give --config with the terminal's own file.`,
    );
    return 1;
  }
  const path = config.store.path;
  if (!existsSync(path)) {
    io.err(
      `${PREFIX} no store at ${path} (store.path): is this the configuration the terminal runs with? The terminal makes its store when it first starts.`,
    );
    return 1;
  }

  const at = now();
  const heldFrom = firstWholeDay(at, config.store.retentionDays);
  // yyyy-MM-dd texts order as the days do.
  const from = [o.from, heldFrom].sort()[1] as string;
  const upTo = hourStart(at);
  if (o.from < heldFrom) {
    io.err(
      `note: ${o.from} … ${o.to < heldFrom ? o.to : addDays(heldFrom, -1)} is not in the report: the terminal keeps ratings for ${config.store.retentionDays} days (store.retentionDays), so those days are no longer whole in its store.`,
    );
  }
  if (from > o.to) {
    io.err(`${PREFIX} nothing to report: the store holds whole days from ${heldFrom} on.`);
    return 1;
  }
  const start = cstDayStart(from) as number;
  const end = Math.min((cstDayStart(o.to) as number) + DAY_MS, upTo);

  let rows: HourRow[];
  try {
    rows = end > start ? readRows(path, start, end, config.terminal.id) : [];
  } catch (err) {
    io.err(`${PREFIX} ${err instanceof StoreUnavailableError ? err.message : describeIoError(err)}`);
    return 1;
  }
  const facts: ReportFacts = {
    terminalId: config.terminal.id,
    windowNo: config.terminal.windowNo,
    from: o.from,
    to: o.to,
    heldFrom: from,
    upTo: cstDateTime(Math.max(end, start)).slice(0, 16),
    retentionDays: config.store.retentionDays,
    madeAt: cstDateTime(at),
  };
  const tables = reportTables(facts, rows, labelsOf(config));
  return write(o, tables, facts, rows.length, io);
}

function readRows(path: string, start: number, end: number, terminalId: string): HourRow[] {
  const reader = openStatsReader(path);
  try {
    return reader.stats.hourly(start, end, terminalId);
  } finally {
    reader.close();
  }
}

/** The first day all of whose records the store still holds: none was pruned yet. */
export function firstWholeDay(now: number, retentionDays: number): string {
  const cutoff = now - retentionDays * DAY_MS;
  const day = cstDayOf(cutoff);
  return (cstDayStart(day) as number) >= cutoff ? day : addDays(day, 1);
}

/** A 差评 indicator's words, from the terminal's catalogue ("" for a code it no longer lists). */
function labelsOf(config: Parameters<typeof loadCatalogueOf>[0]): (code: string) => string {
  const result = loadCatalogueOf(config);
  const labels = new Map<string, string>();
  if (result.ok) {
    const catalogue: ReasonsCatalogue = result.catalogue;
    for (const level of LEVELS) for (const r of catalogue.levels[level] ?? []) labels.set(r.code, r.label);
  }
  return (code) => labels.get(code) ?? '';
}

async function write(
  o: ReportOptions,
  tables: ReturnType<typeof reportTables>,
  facts: ReportFacts,
  rowCount: number,
  io: ReportIo,
): Promise<number> {
  const first = tables[0];
  if (!first) return 1;
  const data = o.format === 'csv' ? tableCsv(first) : await tablesXlsx(tables);
  const range = `${facts.from} … ${facts.to}, counts up to ${facts.upTo}`;
  if (o.out === '-') {
    (io.write ?? ((d) => process.stdout.write(d)))(data as string);
    io.err(`${rowCount} rows (${range}).`);
    return 0;
  }
  const file = resolve(o.out ?? `haochaping-${facts.terminalId}-${facts.from}-${facts.to}.${o.format}`);
  // Written beside and moved into place: a file already there is never left half-written.
  const partial = `${file}.partial`;
  try {
    writeFileSync(partial, data);
    renameSync(partial, file);
  } catch (err) {
    try {
      unlinkSync(partial);
    } catch {
      // nothing was written
    }
    io.err(`${PREFIX} cannot write ${file}: ${describeIoError(err)}`);
    return 1;
  }
  io.out(`Wrote ${file}: ${rowCount} rows (${range}).`);
  return 0;
}
