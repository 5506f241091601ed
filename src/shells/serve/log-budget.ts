// A peer of the bridge decides how often the bridge has something to log; this keeps
// that to `perMinute` lines, and says how many were left out once the minute is over.
import type { Logger } from '../../base/logger.js';

export interface LogBudget extends Logger {}

export function logBudget(log: Logger, perMinute: number, now: () => number): LogBudget {
  let windowStart = now();
  let written = 0;
  let dropped = 0;
  return {
    log(level, event, fields) {
      const t = now();
      if (t - windowStart >= 60_000) {
        if (dropped > 0) log.log('warn', 'bridge_log_lines_dropped', { count: dropped });
        windowStart = t;
        written = 0;
        dropped = 0;
      }
      if (written >= perMinute) {
        dropped += 1;
        return;
      }
      written += 1;
      log.log(level, event, fields);
    },
  };
}
