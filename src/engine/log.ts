// Structured log lines. Callers pass event names and non-personal fields only; the
// citizen's name, id number and phone are never handed to a logger. Every line is
// still redacted on the way out (log-redact.ts), in case one slips through.

import type { Logger, LogLevel } from '../base/logger.js';
import { redactFields, redactText } from './log-redact.js';

/** Keys every line owns; a field of the same name is kept under a `field.` prefix. */
const RESERVED = new Set(['t', 'level', 'event']);

/**
 * One JSON line (with its newline): `{"t","level","event",...fields}`, redacted.
 * Never throws: a logger is called from error paths that must not fail again.
 */
export function formatLogLine(
  level: LogLevel,
  event: string,
  fields: Record<string, unknown> = {},
  now: Date = new Date(),
): string {
  const t = Number.isNaN(now.getTime()) ? null : now.toISOString();
  const head = { t, level, event: redactText(String(event)) };
  try {
    const line: Record<string, unknown> = { ...head };
    for (const [key, value] of Object.entries(redactFields(fields ?? {}))) {
      line[RESERVED.has(key) ? `field.${key}` : key] = value;
    }
    return `${JSON.stringify(line)}\n`;
  } catch {
    return `${JSON.stringify({ ...head, logError: 'the fields could not be written' })}\n`;
  }
}

export function jsonLinesLogger(write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  return {
    log(level, event, fields = {}) {
      const line = formatLogLine(level, event, fields);
      try {
        write(line);
      } catch {
        // Losing a log line must never become the fault that stops the terminal.
      }
    },
  };
}
