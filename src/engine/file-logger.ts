// The terminal's log file: JSON lines in log.dir. Callers pass only non-personal
// fields (see log.ts). Rotation comes with the technicians' tooling.
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { jsonLinesLogger, type Logger } from './log.js';

export function fileLogger(dir: string): { logger: Logger; file: string } {
  const file = join(dir, 'terminal.log');
  let usable = true;
  try {
    mkdirSync(dir, { recursive: true });
  } catch {
    usable = false;
  }
  const logger = jsonLinesLogger((line) => {
    if (!usable) return;
    try {
      appendFileSync(file, line);
    } catch {
      // A full disk must not stop the terminal; the store reports that fault itself.
    }
  });
  return { logger, file };
}
