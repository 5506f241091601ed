// `haochaping-terminal report`'s flags. Every problem is one line naming the flag.

import { extname } from 'node:path';
import { cstDayStart } from '../core/hourly-counts.js';

export const REPORT_USAGE = `  haochaping-terminal report --from YYYY-MM-DD --to YYYY-MM-DD [--format csv|xlsx] [--out FILE] [--config FILE]
                                              the hall's figures from this terminal's own store (the same
                                              hourly counts it sends a broker), as CSV (UTF-8) or XLSX;
                                              --out - writes CSV to the standard output. docs/report.md.`;

/** The longest range one report covers: ten years of days. */
export const MAX_REPORT_DAYS = 3660;

export interface ReportOptions {
  from: string;
  to: string;
  format: 'csv' | 'xlsx';
  /** A file name, "-" for the standard output, or null for the default name. */
  out: string | null;
  config: string | null;
}

export type ReportOptionsResult =
  | { ok: true; options: ReportOptions }
  | { ok: false; help: true }
  | { ok: false; help: false; errors: string[] };

const VALUE_FLAGS = ['--from', '--to', '--format', '--out', '--config', '-c'] as const;

export function parseReportArgs(argv: readonly string[]): ReportOptionsResult {
  const values: Record<string, string> = {};
  const errors: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') return { ok: false, help: true };
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    if (!(VALUE_FLAGS as readonly string[]).includes(name)) {
      errors.push(`unknown argument "${arg}" (see haochaping-terminal report --help)`);
      continue;
    }
    const value = eq > 0 && name !== arg ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === '') {
      errors.push(`${name} needs a value`);
      continue;
    }
    values[name === '-c' ? '--config' : name] = value;
  }
  const day = (flag: '--from' | '--to'): string | null => {
    const v = values[flag];
    if (v === undefined) {
      errors.push(
        `${flag} is missing: give the ${flag === '--from' ? 'first' : 'last'} day, such as 2026-11-01`,
      );
      return null;
    }
    if (cstDayStart(v) === null) {
      errors.push(`${flag} ${JSON.stringify(v)} is not a day: write it as YYYY-MM-DD, such as 2026-11-30`);
      return null;
    }
    return v;
  };
  const from = day('--from');
  const to = day('--to');
  if (from !== null && to !== null) {
    const days = ((cstDayStart(to) as number) - (cstDayStart(from) as number)) / 86_400_000 + 1;
    if (days < 1) errors.push(`--to ${to} is before --from ${from}: give the first day first`);
    else if (days > MAX_REPORT_DAYS)
      errors.push(`--from ${from} --to ${to} is more than ${MAX_REPORT_DAYS} days`);
  }
  const out = values['--out'] ?? null;
  let format: 'csv' | 'xlsx' | null = null;
  const given = values['--format'];
  if (given !== undefined) {
    if (given === 'csv' || given === 'xlsx') format = given;
    else errors.push(`--format ${JSON.stringify(given)}: csv or xlsx`);
  }
  // Without --format, the file's own extension says which.
  format ??= out !== null && extname(out).toLowerCase() === '.xlsx' ? 'xlsx' : 'csv';
  if (format === 'xlsx' && out === '-')
    errors.push('--out - (the standard output) takes CSV only: give a file for XLSX');
  if (errors.length > 0) return { ok: false, help: false, errors };
  return {
    ok: true,
    options: { from: from as string, to: to as string, format, out, config: values['--config'] ?? null },
  };
}
