// The Terminal's hold on its store: opening it, reading through it, and, once it
// fails, trying it again every STORE_PROBE_MS until it answers. The rules hear of a
// failure and of the recovery through the hooks; the faults are logged here, once
// per change (src/engine/fault-log.ts), not once per try.
//
// Every STORE_FILE_CHECK_MS it also checks that the database path still names the file
// the store has open (each commit checks too): a file replaced or deleted under the
// running terminal is a store fault, shown at once, and the store writes its ratings
// back to the path (src/store/replaced-store.ts).

import type { Clock } from '../base/clock.js';
import type { Logger } from '../base/logger.js';
import { describeIoError } from '../store/open.js';
import type { RecoveryFacts } from '../store/recovery.js';
import type { SetAsideNote } from '../store/set-aside.js';
import type { RatingStore } from '../store/store.js';
import { FaultLog } from './fault-log.js';

/** How often a failed store is tried again. */
export const STORE_PROBE_MS = 2_000;
/** How often the path is checked against the open file, between commits. */
export const STORE_FILE_CHECK_MS = 2_000;

export interface StoreLinkHooks {
  /** The store failed (the fault is logged already): the rules are told. */
  failed: (message: string) => void;
  /**
   * The store answers again; `reopened` when it had to be opened anew, or what a restart
   * picks up was not read yet: the Terminal recovers then.
   */
  recovered: (reopened: boolean) => void;
}

export class StoreLink {
  private current: RatingStore | null = null;
  private probeTimer: unknown = null;
  private fileTimer: unknown = null;
  /** What a restart must pick up has not been read from the open store yet. */
  private recoveryDue = false;
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
    if (this.fileTimer !== null) this.clock.clearTimeout(this.fileTimer);
    this.probeTimer = this.fileTimer = null;
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

  /**
   * What a restart must pick up, once the store has given it; null when it could not be
   * read (the fault is shown, and it is read again when the store answers again).
   */
  recovery(): RecoveryFacts | null {
    const read = this.read((s) => s.recovery(this.clock.now()));
    if (!read) return null;
    this.recoveryDue = false;
    const { unreadablePrompts, ...facts } = read;
    for (const promptId of unreadablePrompts) this.log.log('warn', 'prompt_unreadable', { promptId });
    return facts;
  }

  /** null when the store is open, else what is wrong. */
  open(): string | null {
    try {
      this.current = this.openStore();
      this.recoveryDue = true;
      this.current.onSetAside((note) => logSetAside(this.log, note));
      this.scheduleFileCheck();
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

  private scheduleFileCheck(): void {
    if (this.fileTimer !== null || this.stopped) return;
    this.fileTimer = this.clock.setTimeout(() => {
      this.fileTimer = null;
      this.checkFile();
      this.scheduleFileCheck();
    }, STORE_FILE_CHECK_MS);
  }

  private checkFile(): void {
    const store = this.current;
    if (!store) return;
    let problem: string | null;
    try {
      problem = store.checkFile();
    } catch (err) {
      problem = describeIoError(err);
    }
    if (problem !== null) this.failed(problem);
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
    this.hooks.recovered(reopened || this.recoveryDue);
  }
}

/** Once per record set aside, with its id and why — never what it holds. */
export function logSetAside(log: Logger, note: SetAsideNote): void {
  log.log('warn', 'record_set_aside', { recordId: note.id, code: note.code, message: note.why });
}
