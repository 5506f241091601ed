// Structured log lines. Callers pass event names and non-personal fields only; the
// citizen's name, id number and phone are never handed to a logger.

export type LogLevel = 'info' | 'warn' | 'error';

export interface Logger {
  log(level: LogLevel, event: string, fields?: Record<string, unknown>): void;
}

export function jsonLinesLogger(write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  return {
    log(level, event, fields = {}) {
      write(`${JSON.stringify({ t: new Date().toISOString(), level, event, ...fields })}\n`);
    },
  };
}

export const silentLogger: Logger = { log() {} };
