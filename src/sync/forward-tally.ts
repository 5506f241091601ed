// What the platform answered, for the log, as one line per quarter of an hour on the
// clock rather than one per batch. A batch is sent the moment its records become final,
// and a 差评 becomes final only when its reasons are done: a line per batch, read beside
// the rating lines, would tell a 差评 by its delay. A line on a fixed grid tells only the
// quarter hour, and the counts of everything sent in it.

import type { Clock } from '../base/clock.js';
import type { Logger } from '../base/logger.js';
import type { RatingRecord } from '../core/model.js';
import type { RecordResult } from './adapter.js';

export const TALLY_WINDOW_MS = 15 * 60_000;

interface Counts {
  batches: number;
  sent: number;
  accepted: number;
  duplicate: number;
  rejected: number;
  unanswered: number;
}

const zero = (): Counts => ({ batches: 0, sent: 0, accepted: 0, duplicate: 0, rejected: 0, unanswered: 0 });

export class ForwardTally {
  private counts = zero();
  private windowStart: number | null = null;
  private timer: unknown = null;

  constructor(
    private readonly log: Logger,
    private readonly clock: Clock,
    private readonly windowMs = TALLY_WINDOW_MS,
  ) {}

  /** One answered batch: counted, and logged at the end of its window. */
  add(records: readonly RatingRecord[], results: Map<string, RecordResult>): void {
    const c = this.counts;
    c.batches++;
    c.sent += records.length;
    for (const r of records) c[results.get(r.id)?.status ?? 'unanswered']++;
    if (this.timer !== null) return;
    const now = this.clock.now();
    this.windowStart = now - (now % this.windowMs);
    this.timer = this.clock.setTimeout(
      () => {
        this.timer = null;
        this.flush();
      },
      this.windowStart + this.windowMs - now,
    );
  }

  /** Logs what was counted (at the window's end, or when forwarding stops). */
  flush(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    const c = this.counts;
    if (c.batches === 0) return;
    this.log.log(c.rejected + c.unanswered > 0 ? 'warn' : 'info', 'batches_forwarded', {
      since: new Date(this.windowStart ?? this.clock.now()).toISOString(),
      ...c,
    });
    this.counts = zero();
    this.windowStart = null;
  }
}
