// What the GWQ listener says about connections it refused. Any page in any browser on the
// machine (and off loopback, anything on the network) can knock, as often as it likes, so
// the log names each distinct refusal once — at most `namesPerHour` new names an hour —
// and counts the rest, writing the count once the hour is over.

import type { Logger } from '../../base/logger.js';

const HOUR_MS = 3_600_000;
/** Longer texts (a hostile Origin header) are cut: the log is for people. */
const MAX_SHOWN = 120;

export interface RefusalLog {
  /** `key` names what was refused (an origin, an address); `fields` are logged with its first line. */
  refused(event: string, key: string, fields: Record<string, unknown>): void;
  /** Writes the count not yet written (at close). */
  flush(): void;
}

export function shown(text: string): string {
  const chars = [...text];
  return chars.length <= MAX_SHOWN ? text : `${chars.slice(0, MAX_SHOWN - 1).join('')}…`;
}

export function refusalLog(log: Logger, namesPerHour: number, now: () => number): RefusalLog {
  const named = new Set<string>();
  let hourStart = now();
  let namedThisHour = 0;
  let uncounted = 0;
  const flush = () => {
    if (uncounted > 0) log.log('warn', 'gwq_refusals_not_named', { count: uncounted });
    uncounted = 0;
  };
  return {
    refused(event, key, fields) {
      const t = now();
      if (t - hourStart >= HOUR_MS) {
        flush();
        hourStart = t;
        namedThisHour = 0;
      }
      const id = `${event}\n${key}`;
      if (named.has(id)) return;
      if (namedThisHour >= namesPerHour) {
        uncounted += 1;
        return;
      }
      named.add(id);
      namedThisHour += 1;
      log.log('warn', event, fields);
    },
    flush,
  };
}
