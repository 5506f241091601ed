// When the owner compacts its store (src/store/compaction.ts): a VACUUM holds the
// database for the whole rebuild (0.3–0.35 s for 100 000 records, 59 MB, here; see
// docs/personal-data.md), and better-sqlite3 is synchronous, so a business system's
// prompt would wait for it. So only when no citizen can feel it — the terminal idle,
// no prompt or thank-you on screen — only when personal data was erased since the
// last compaction, and at most once every COMPACT_EVERY_MS; plus once at start,
// before serving, when erasures are pending (a terminal switched off every night
// still gets it). A failure (the forwarder held the lock, the disk is full) is logged
// once, never stops the terminal, and is tried again after COMPACT_RETRY_MS.

import type { Clock } from '../base/clock.js';
import type { Logger } from '../base/logger.js';
import { describeIoError, sqliteCode } from '../store/open.js';
import type { RatingStore } from '../store/store.js';
import { FaultLog } from './fault-log.js';

export const COMPACT_EVERY_MS = 6 * 3_600_000;
export const COMPACT_RETRY_MS = 30 * 60_000;
/** How often an idle terminal looks whether a compaction is due (two settings rows read). */
export const COMPACT_CHECK_MS = 10 * 60_000;

export class CompactionSchedule {
  /** No compaction before this time (the interval since the last one, or a retry's wait). */
  private notBefore = 0;
  private timer: unknown = null;
  private readonly faults: FaultLog;
  private failing = false;

  constructor(
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly store: () => RatingStore | null,
    private readonly idle: () => boolean,
  ) {
    // Once per fault streak: a repeat of the same message is not logged again for hours.
    this.faults = new FaultLog(log, () => clock.now(), COMPACT_EVERY_MS);
  }

  /** At start, before serving: compacts when erasures are pending, then checks now and then. */
  start(): void {
    this.run(true);
    this.arm();
  }

  stop(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  /** An idle moment (a prompt has just ended): compacts if due. */
  idleMoment(): void {
    this.run(false);
  }

  private arm(): void {
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.run(false);
      this.arm();
    }, COMPACT_CHECK_MS);
  }

  private run(atStart: boolean): void {
    const store = this.store();
    if (!store) return;
    const now = this.clock.now();
    if (!atStart && (now < this.notBefore || !this.idle())) return;
    try {
      if (!store.compactionPending()) {
        if (atStart) this.notBefore = now + COMPACT_EVERY_MS;
        return;
      }
      const r = store.compact(() => this.clock.now());
      this.notBefore = this.clock.now() + COMPACT_EVERY_MS;
      if (this.failing) this.faults.recovered('store_compaction_recovered');
      this.failing = false;
      this.log.log('info', 'store_compacted', {
        ms: r.ms,
        bytesBefore: r.bytesBefore,
        bytesAfter: r.bytesAfter,
      });
    } catch (err) {
      this.failing = true;
      this.notBefore = this.clock.now() + COMPACT_RETRY_MS;
      this.faults.fault(
        'warn',
        'store_compaction_failed',
        `erased personal data could not be compacted away yet (${why(err)}); tried again in ${COMPACT_RETRY_MS / 60_000} minutes`,
      );
    }
  }
}

/** The forwarder is the usual holder of the lock, not a second terminal. */
function why(err: unknown): string {
  return sqliteCode(err).startsWith('SQLITE_BUSY')
    ? 'the forwarder held the database; nothing to do'
    : describeIoError(err);
}
