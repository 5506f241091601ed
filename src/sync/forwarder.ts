// The forwarding loop: claim the oldest final records, send them through the adapter,
// and record what the platform said. One request at a time, so the oldest go first
// and a struggling platform is never hit by more than one terminal request at once.
//
// The loop is a chain of timers on an injected clock: a wake (a record became final),
// an idle poll, or a back-off. Nothing here sleeps, so tests drive it with fake time.

import type { PlatformState, RatingRecord } from '../core/model.js';
import type { Clock, Logger } from '../core/outer-ports.js';
import { scrubPersonal } from '../core/personal-data.js';
import type { OutboxItem, OutboxStore } from '../store/outbox.js';
import type { PlatformAdapter, UploadOutcome } from './adapter.js';
import { offlineDelay, PAUSE_CAP_MS, pauseDelay } from './backoff.js';
import { BatchSplitter } from './bisect.js';
import { exchange } from './exchange.js';
import { ForwardTally } from './forward-tally.js';
import { createHttpTransport, type Transport } from './http-transport.js';
import { applyResults, keyOf, keysOf } from './record-results.js';

export type ForwarderClock = Clock;
export type ForwarderLog = Logger;

export interface ForwarderStatus {
  state: PlatformState;
  pending: number;
  rejected: number;
  /** When a record was last accepted (or found a duplicate); null before the first. */
  lastDeliveryAt: number | null;
  /** What went wrong last (no personal data); null once a request succeeds again. */
  lastError: string | null;
  /** When the next try is due while backing off; null otherwise. */
  nextAttemptAt: number | null;
}

export interface ForwarderOptions {
  outbox: OutboxStore;
  adapter: PlatformAdapter;
  /** Deadline of one request: platform.timeoutSeconds. */
  timeoutMs: number;
  transport?: Transport;
  clock?: ForwarderClock;
  /** In [0, 1); jitter of the back-off. */
  random?: () => number;
  log?: ForwarderLog;
  /** Called when the state or the counts change. */
  onStatus?: (status: ForwarderStatus) => void;
  /** How long a claim holds records; must outlast a request. Default 2 × timeout + 5 s. */
  leaseMs?: number;
  /** How often an idle forwarder looks for records nobody woke it for. */
  idlePollMs?: number;
}

type Failure = Extract<UploadOutcome, { kind: 'transient' | 'auth_failed' | 'misconfigured' }>;

const DEFAULT_IDLE_POLL_MS = 60_000;

const realClock: ForwarderClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

const quietLog: ForwarderLog = { log() {} };

export class Forwarder {
  private adapter: PlatformAdapter;
  private timeoutMs: number;
  private readonly outbox: OutboxStore;
  private readonly transport: Transport;
  private readonly closeTransport: (() => void) | null;
  private readonly clock: ForwarderClock;
  private readonly random: () => number;
  private readonly log: ForwarderLog;
  private readonly onStatus: (status: ForwarderStatus) => void;
  private readonly leaseMsOption: number | undefined;
  private readonly idlePollMs: number;
  private readonly tally: ForwardTally;

  private state: PlatformState = 'offline';
  private counts = { pending: 0, rejected: 0 };
  private lastDeliveryAt: number | null = null;
  private lastError: string | null = null;
  private nextAttemptAt: number | null = null;
  private reported: string | null = null;
  /** The state the log last heard of; null before the first exchange. */
  private loggedState: PlatformState | null = null;

  private timer: unknown = null;
  /** What the pending timer is: a back-off is not cut short by a wake. */
  private timerKind: 'soon' | 'idle' | 'backoff' | null = null;
  private running: Promise<void> | null = null;
  private abort: AbortController | null = null;
  private started = false;
  private stopped = false;
  /** A wake during a cycle: look again before going idle. */
  private again = false;
  /** A reload during a cycle: a failure of the old settings must not make the new ones wait. */
  private reloaded = false;
  /** Learn the state with an empty upload even if nothing is pending. */
  private needProbe = true;
  private failures = 0;
  private pauses = 0;

  constructor(options: ForwarderOptions) {
    this.outbox = options.outbox;
    this.adapter = options.adapter;
    this.timeoutMs = options.timeoutMs;
    if (options.transport) {
      this.transport = options.transport;
      this.closeTransport = null;
    } else {
      const http = createHttpTransport();
      this.transport = http.send;
      this.closeTransport = http.close;
    }
    this.clock = options.clock ?? realClock;
    this.random = options.random ?? Math.random;
    this.log = options.log ?? quietLog;
    this.onStatus = options.onStatus ?? (() => {});
    this.leaseMsOption = options.leaseMs;
    this.idlePollMs = options.idlePollMs ?? DEFAULT_IDLE_POLL_MS;
    this.tally = new ForwardTally(this.log, this.clock);
  }

  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.refreshCounts();
    this.report();
    this.schedule(0, 'soon');
  }

  /** A record became final. Sent at once unless the forwarder is backing off. */
  wake(): void {
    if (!this.started || this.stopped) return;
    this.refreshCounts();
    this.report();
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timerKind === 'backoff') return;
    this.schedule(0, 'soon');
  }

  /** New settings (SIGHUP): any pause or back-off ends, and the next try is now. */
  reload(adapter: PlatformAdapter, timeoutMs: number): void {
    this.adapter = adapter;
    this.timeoutMs = timeoutMs;
    this.failures = 0;
    this.pauses = 0;
    this.needProbe = true;
    if (!this.started || this.stopped) return;
    if (this.running) {
      this.reloaded = true;
      this.again = true;
      return;
    }
    this.schedule(0, 'soon');
  }

  /** Stops the loop; a request in flight is abandoned and its records go back to the queue. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.clearTimer();
    this.abort?.abort();
    await this.running;
    this.closeTransport?.();
    this.tally.flush();
  }

  status(): ForwarderStatus {
    return {
      state: this.state,
      pending: this.counts.pending,
      rejected: this.counts.rejected,
      lastDeliveryAt: this.lastDeliveryAt,
      lastError: this.lastError,
      nextAttemptAt: this.nextAttemptAt,
    };
  }

  /** Resolves when no cycle is running (tests wait on it after moving fake time). */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  private get leaseMs(): number {
    return this.leaseMsOption ?? this.timeoutMs * 2 + 5_000;
  }

  private schedule(ms: number, kind: 'soon' | 'idle' | 'backoff'): void {
    this.clearTimer();
    if (this.stopped) return;
    this.timerKind = kind;
    this.nextAttemptAt = kind === 'backoff' ? this.clock.now() + ms : null;
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.timerKind = null;
      this.kick();
    }, ms);
  }

  private clearTimer(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.timerKind = null;
  }

  private kick(): void {
    if (this.stopped || this.running) return;
    this.nextAttemptAt = null;
    this.running = this.cycle().finally(() => {
      this.running = null;
    });
  }

  private async cycle(): Promise<void> {
    this.reloaded = false;
    try {
      for (;;) {
        if (this.stopped) return;
        this.again = false;
        const items = this.outbox.claim(this.adapter.maxBatch, this.clock.now(), this.leaseMs);
        if (items.length === 0) {
          if (this.state !== 'online' || this.needProbe) {
            const failure = await this.probe();
            if (this.stopped) return;
            if (failure) return this.failed(failure);
          }
          if (this.again) continue;
          return this.idle();
        }
        const failure = await this.sendClaimed(items);
        if (this.stopped) return;
        if (failure) return this.failed(failure);
      }
    } catch (err) {
      // The store failed under us (disk, lock): records stay where they are; try later.
      const message = err instanceof Error ? err.message : String(err);
      this.log.log('error', 'forwarder_store_failed', { message });
      this.lastError = `store: ${message}`;
      this.failures++;
      this.schedule(offlineDelay(this.failures, this.random), 'backoff');
    }
  }

  /** An empty upload: tells reachability and credentials when there is nothing to send. */
  private async probe(): Promise<Failure | null> {
    const outcome = await this.exchange([]);
    if (outcome.kind === 'results') {
      this.needProbe = false;
      this.reachable();
      this.report();
      return null;
    }
    if (outcome.kind === 'refused') {
      return {
        kind: 'misconfigured',
        status: outcome.status,
        message: `an empty upload was refused: ${outcome.message}`,
      };
    }
    return outcome;
  }

  /** Sends one claimed batch, splitting it if the platform refuses it whole. */
  private async sendClaimed(items: OutboxItem[]): Promise<Failure | null> {
    const parts = new BatchSplitter(items);
    // The claim has just written this very lease: extending it before the first part would
    // be a commit (an fsync) for nothing, a third of a one-call-a-rating profile's writes.
    let leased = true;
    for (let part = parts.current(); part !== undefined; part = parts.current()) {
      // The whole rest of the batch, not only this part: a long split must not let the
      // lease of parts still waiting run out.
      if (!leased) this.outbox.extendLease(keysOf(parts.remaining()), this.clock.now() + this.leaseMs);
      leased = false;
      const records = part.map((i) => i.record);
      // The platform's words may quote what it was sent: they are kept and shown only
      // with this batch's personal data blanked.
      const scrub = (text: string) =>
        scrubPersonal(
          text,
          records.map((r) => r.citizen),
        );
      const outcome = await this.exchange(records);
      switch (outcome.kind) {
        case 'results': {
          parts.done();
          const { missing, deliveredAt } = applyResults(this.outbox, this.log, records, outcome.results, () =>
            this.clock.now(),
          );
          if (deliveredAt !== null) this.lastDeliveryAt = deliveredAt;
          const answered = records.length - missing.length;
          const setAside = records.filter((r) => outcome.results.get(r.id)?.status === 'rejected').length;
          this.settle(answered, setAside);
          this.tally.add(records, outcome.results);
          this.reachable();
          if (missing.length > 0) {
            const message = `the platform's answer left out ${missing.length} of ${records.length} records`;
            this.outbox.release([...missing, ...keysOf(parts.remaining())], message);
            return { kind: 'transient', message, retryAfterMs: null };
          }
          break;
        }
        case 'refused': {
          this.reachable();
          const single = parts.refused();
          if (single) {
            this.outbox.markRejected(keyOf(single.record), `http_${outcome.status}`, scrub(outcome.message));
            this.settle(1, 1);
            this.log.log('warn', 'record_set_aside', {
              recordId: single.record.id,
              code: `http_${outcome.status}`,
            });
          }
          break;
        }
        default: {
          const message = scrub(outcome.message);
          this.outbox.release(keysOf(parts.remaining()), message);
          return { ...outcome, message };
        }
      }
      this.report();
    }
    this.needProbe = false;
    return null;
  }

  private async exchange(records: readonly RatingRecord[]): Promise<UploadOutcome> {
    const abort = new AbortController();
    this.abort = abort;
    try {
      return await exchange(this.adapter, records, {
        transport: this.transport,
        timeoutMs: this.timeoutMs,
        now: () => this.clock.now(),
        signal: abort.signal,
      });
    } finally {
      if (this.abort === abort) this.abort = null;
    }
  }

  private reachable(): void {
    this.failures = 0;
    this.pauses = 0;
    this.lastError = null;
    this.state = 'online';
    this.logState();
  }

  /**
   * A line when the platform link changes state, from what an exchange showed (the
   * 'offline' a forwarder starts in is not news: it has not asked yet).
   */
  private logState(): void {
    if (this.state === this.loggedState) return;
    this.log.log(this.state === 'online' ? 'info' : 'warn', 'platform_state', {
      from: this.loggedState ?? 'starting',
      to: this.state,
    });
    this.loggedState = this.state;
  }

  private failed(failure: Failure): void {
    let delay: number;
    if (failure.kind === 'transient') {
      this.failures++;
      this.state = 'offline';
      delay =
        failure.retryAfterMs !== null
          ? Math.min(failure.retryAfterMs, PAUSE_CAP_MS)
          : offlineDelay(this.failures, this.random);
    } else {
      this.pauses++;
      this.state = failure.kind;
      delay = pauseDelay(this.pauses);
    }
    this.lastError = failure.message;
    this.logState();
    if (this.reloaded) delay = 0;
    this.log.log(failure.kind === 'transient' ? 'warn' : 'error', 'platform_unavailable', {
      state: this.state,
      message: failure.message,
      retryInMs: delay,
    });
    this.refreshCounts();
    this.report();
    this.schedule(delay, 'backoff');
  }

  private idle(): void {
    this.refreshCounts();
    this.report();
    let wait = this.idlePollMs;
    // Records leased by a forwarder that died are picked up the moment the lease runs out.
    const expiry = this.outbox.nextLeaseExpiry(this.clock.now());
    if (expiry !== null) wait = Math.min(wait, Math.max(0, expiry - this.clock.now()) + 1);
    this.schedule(wait, 'idle');
  }

  /**
   * Counts after a part: `answered` records left the queue, `setAside` of them as
   * rejected. Counted here rather than asked of the store: a COUNT walks every waiting
   * record, so asking after each request made a backlog's drain quadratic (at 100 000
   * waiting, 8 ms a request, more than the request). A new record wakes the forwarder,
   * which counts again; so does the end of every cycle.
   */
  private settle(answered: number, setAside: number): void {
    this.counts = {
      pending: Math.max(0, this.counts.pending - answered),
      rejected: this.counts.rejected + setAside,
    };
  }

  private refreshCounts(): void {
    try {
      this.counts = this.outbox.counts();
    } catch (err) {
      this.log.log('error', 'forwarder_store_failed', {
        message: err instanceof Error ? err.message : String(err),
      });
    }
  }

  private report(): void {
    // A stopped forwarder's last answer must not overwrite what replaced it.
    if (this.stopped) return;
    const key = `${this.state}/${this.counts.pending}/${this.counts.rejected}`;
    if (key === this.reported) return;
    this.reported = key;
    try {
      this.onStatus(this.status());
    } catch (err) {
      this.log.log('error', 'status_listener_failed', {
        message: err instanceof Error ? err.message : String(err),
      });
    }
  }
}
