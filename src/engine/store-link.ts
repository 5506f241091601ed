// The Terminal's hold on its store: opening it, reading through it, and, once it
// fails, trying it again every STORE_PROBE_MS until it answers. The rules hear of a
// failure and of the recovery through the hooks; the faults are logged here, once
// per change (src/engine/fault-log.ts), not once per try.

import { describeIoError } from '../store/open.js';
import type { RatingStore } from '../store/store.js';
import type { Clock } from './clock.js';
import { FaultLog } from './fault-log.js';
import type { Logger } from './log.js';

/** How often a failed store is tried again. */
export const STORE_PROBE_MS = 2_000;

export interface StoreLinkHooks {
  /** The store failed (the fault is logged already): the rules are told. */
  failed: (message: string) => void;
  /** The store answers again; `reopened` when it had to be opened anew. */
  recovered: (reopened: boolean) => void;
}

export class StoreLink {
  private current: RatingStore | null = null;
  private probeTimer: unknown = null;
  private stopped = false;
  private readonly storeFaults: FaultLog;

  constructor(
    private readonly openStore: () => RatingStore,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly hooks: StoreLinkHooks,
  ) {
    this.storeFaults = new FaultLog(this.log, () => this.clock.now());
  }

  /** The open store, or null while it is failing. */
  get store(): RatingStore | null {
    return this.current;
  }

  close(): void {
    this.stopped = true;
    if (this.probeTimer !== null) this.clock.clearTimeout(this.probeTimer);
    this.probeTimer = null;
    this.current?.close();
    this.current = null;
  }

  read<T>(read: (s: RatingStore) => T): T | null {
    if (!this.current) return null;
    try {
      return read(this.current);
    } catch (err) {
      this.failed(describeIoError(err));
      return null;
    }
  }

  /** null when the store is open, else what is wrong. */
  open(): string | null {
    try {
      this.current = this.openStore();
      if (this.current.movedAside) {
        this.log.log('warn', 'store_moved_aside', {
          message: `the database was damaged; it was moved to ${this.current.movedAside} and a fresh one started`,
        });
      }
      const key = this.current.keyFault;
      if (key) {
        this.log.log('error', 'key_moved_aside', {
          message: `the key file was damaged; it was moved to ${key.movedAside} and a new key made. ${key.unreadableRecords} records sealed under it go to the platform without personal data. Restore it from backup (doctor says how)`,
        });
      }
      return null;
    } catch (err) {
      this.current = null;
      const message = err instanceof Error ? err.message : String(err);
      this.storeFaults.fault('error', 'store_open_failed', message);
      return message;
    }
  }

  failed(message: string): void {
    this.storeFaults.fault('error', 'store_failed', message);
    this.hooks.failed(message);
    this.scheduleProbe();
  }

  private scheduleProbe(): void {
    if (this.probeTimer !== null || this.stopped) return;
    this.probeTimer = this.clock.setTimeout(() => {
      this.probeTimer = null;
      this.probeStore();
    }, STORE_PROBE_MS);
  }

  private probeStore(): void {
    if (this.stopped) return;
    const reopened = !this.current;
    if (reopened && this.open() !== null) {
      this.scheduleProbe();
      return;
    }
    try {
      this.current?.probe(this.clock.now());
    } catch (err) {
      this.storeFaults.fault('warn', 'store_still_failing', describeIoError(err));
      this.scheduleProbe();
      return;
    }
    this.storeFaults.recovered('store_recovered');
    this.hooks.recovered(reopened);
  }
}
