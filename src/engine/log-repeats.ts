// A bound on lines of one kind: a keypad sending hundreds of thousands of frames for keys
// that do not exist once wrote a line each, 27 MB, and every rotated file (the history a
// technician needs) was overwritten by it. Per event name, the first lines of a minute
// are written as they come; beyond that they are counted, and one `log_lines_repeated`
// line says how many were left out. While the flood lasts, that is all that is written of
// it: one line a minute, about 200 KB a day. A minute without the event starts afresh.

import type { Logger, LogLevel } from '../base/logger.js';

export interface RepeatLimit {
  /** Lines of one event written in full per window; default 60. */
  burst?: number;
  /** Default 60 s. */
  windowMs?: number;
  /** The clock, for tests. */
  now?: () => number;
}

export const REPEAT_BURST = 60;
export const REPEAT_WINDOW_MS = 60_000;

interface Window {
  start: number;
  /** Lines still written in full in this window. */
  budget: number;
  left: number;
  firstLeftAt: number;
  level: LogLevel;
  timer: NodeJS.Timeout | null;
}

const RANK: Record<LogLevel, number> = { info: 0, warn: 1, error: 2 };

export function limitRepeats(log: Logger, options: RepeatLimit = {}): Logger {
  const burst = options.burst ?? REPEAT_BURST;
  const windowMs = options.windowMs ?? REPEAT_WINDOW_MS;
  const now = options.now ?? Date.now;
  const windows = new Map<string, Window>();

  /** Ends a window: says what it left out, and goes on counting while the flood lasts. */
  const close = (event: string, w: Window, at: number) => {
    if (w.timer !== null) clearTimeout(w.timer);
    windows.delete(event);
    if (w.left === 0) return;
    log.log(w.level, 'log_lines_repeated', {
      repeated: event,
      count: w.left,
      since: new Date(w.firstLeftAt).toISOString(),
      message: `${w.left} more "${event}" lines were not written one by one`,
    });
    windows.set(event, { start: at, budget: 0, left: 0, firstLeftAt: at, level: 'info', timer: null });
  };

  return {
    log(level, event, fields) {
      const at = now();
      let w = windows.get(event);
      if (w && at >= w.start + windowMs) {
        close(event, w, at);
        w = windows.get(event);
      }
      if (!w) {
        w = { start: at, budget: burst, left: 0, firstLeftAt: at, level: 'info', timer: null };
        windows.set(event, w);
      }
      if (w.budget > 0) {
        w.budget--;
        log.log(level, event, fields);
        return;
      }
      if (w.left === 0) w.firstLeftAt = at;
      w.left++;
      if (RANK[level] > RANK[w.level]) w.level = level;
      if (w.timer === null) {
        const open = w;
        // The count is written when the window ends even if the event never comes again.
        open.timer = setTimeout(
          () => {
            open.timer = null;
            if (windows.get(event) === open) close(event, open, now());
          },
          Math.max(0, open.start + windowMs - at),
        );
        open.timer.unref?.();
      }
    },
  };
}
