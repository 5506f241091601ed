// The forwarding loop: claim the oldest final records, send them through the adapter,
// and record what the platform said. One request at a time, so the oldest go first
// and a struggling platform is never hit by more than one terminal request at once.
//
// The loop is a chain of timers on an injected clock: a wake (a record became final),
// an idle poll, or a back-off. Nothing here sleeps, so tests drive it with fake time.

import { type Clock, systemClock } from '../base/clock.js';
import { type Logger, silentLogger } from '../base/logger.js';
import type { RatingRecord } from '../core/model.js';
import { scrubPersonal } from '../core/personal-data.js';
import type { OutboxItem, OutboxStore } from '../store/outbox.js';
import type { PlatformAdapter, ProbeOutcome, UploadOutcome } from './adapter.js';
import { offlineDelay, PAUSE_CAP_MS, pauseDelay } from './backoff.js';
import { BatchSplitter } from './bisect.js';
import { type ExchangeContext, exchange, probe } from './exchange.js';
import { ForwardTally } from './forward-tally.js';
import { type ForwarderStatus, ForwarderStatusBoard } from './forwarder-status.js';
import { createHttpTransport, type Transport } from './http-transport.js';
import { applyResults, keyOf, keysOf } from './record-results.js';

export type { ForwarderStatus } from './forwarder-status.js';

export interface ForwarderOptions {
  outbox: OutboxStore;
  adapter: PlatformAdapter;
  /** Deadline of one request: platform.timeoutSeconds. */
  timeoutMs: number;
  transport?: Transport;
  clock?: Clock;
  /** In [0, 1); jitter of the back-off. */
  random?: () => number;
  log?: Logger;
  /** Called when the state or the counts change. */
  onStatus?: (status: ForwarderStatus) => void;
  /** How long a claim holds records; must outlast a request. Default 2 × timeout + 5 s. */
  leaseMs?: number;
  /** How often an idle forwarder looks for records nobody woke it for. */
  idlePollMs?: number;
}

type Failure = Extract<UploadOutcome, { kind: 'transient' | 'auth_failed' | 'misconfigured' }>;

const DEFAULT_IDLE_POLL_MS = 60_000;

export class Forwarder {
  private adapter: PlatformAdapter;
  private timeoutMs: number;
  private readonly outbox: OutboxStore;
  private readonly transport: Transport;
  private readonly closeTransport: (() => void) | null;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly log: Logger;
  private readonly leaseMsOption: number | undefined;
  private readonly idlePollMs: number;
  private readonly tally: ForwardTally;

  private readonly board: ForwarderStatusBoard;

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
  /** Learn the state with the profile's probe even if nothing is pending. */
  private needProbe = true;
  /** Counts reloads: what an exchange begun before one showed is not news of the new settings. */
  private settings = 0;
  /**
   * The most records a request may carry in this cycle: the profile's batch, or less
   * once something on the way refused a larger one (413 without the platform's answer).
   * Each cycle starts from the profile's again, in case the limit was lifted.
   */
  private batchLimit = 0;
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
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.log = options.log ?? silentLogger;
    this.board = new ForwarderStatusBoard(this.outbox, this.log, options.onStatus ?? (() => {}));
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
    this.settings++;
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
    return this.board.status();
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
    this.board.nextAttemptAt = kind === 'backoff' ? this.clock.now() + ms : null;
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
    this.board.nextAttemptAt = null;
    this.running = this.cycle().finally(() => {
      this.running = null;
    });
  }

  private async cycle(): Promise<void> {
    this.reloaded = false;
    this.batchLimit = this.adapter.maxBatch;
    try {
      for (;;) {
        if (this.stopped) return;
        this.again = false;
        const items = this.outbox.claim(this.batchLimit, this.clock.now(), this.leaseMs);
        if (items.length === 0) {
          if (this.board.state !== 'online' || this.needProbe) {
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
      this.board.lastError = `store: ${message}`;
      this.failures++;
      this.schedule(offlineDelay(this.failures, this.random), 'backoff');
    }
  }

  /**
   * The profile's probe (an empty upload, a gateway token, or for the national interface
   * only a GET): tells the state when there is nothing to send.
   */
  private async probe(): Promise<Failure | null> {
    const settings = this.settings;
    const outcome = await this.exchange(null);
    switch (outcome.kind) {
      case 'results':
      case 'answered':
        if (settings === this.settings) this.needProbe = false;
        this.reachable();
        this.report();
        return null;
      case 'refused':
        return {
          kind: 'misconfigured',
          status: outcome.status,
          message: `an empty upload was refused: ${outcome.message}`,
        };
      case 'intercepted':
        return { kind: 'transient', message: outcome.message, retryAfterMs: null };
      default:
        return outcome;
    }
  }

  /** Sends one claimed batch, splitting it if the platform refuses it whole. */
  private async sendClaimed(items: OutboxItem[]): Promise<Failure | null> {
    const settings = this.settings;
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
          if (deliveredAt !== null) this.board.lastDeliveryAt = deliveredAt;
          const answered = records.length - missing.length;
          const setAside = records.filter((r) => outcome.results.get(r.id)?.status === 'rejected').length;
          this.board.settle(answered, setAside);
          this.tally.add(records, outcome.results);
          this.reachable();
          if (missing.length > 0) {
            const message = `the platform's answer left out ${missing.length} of ${records.length} records`;
            this.outbox.release([...missing, ...keysOf(parts.remaining())], message);
            return { kind: 'transient', message, retryAfterMs: null };
          }
          break;
        }
        case 'intercepted': {
          // A body limit on the way: smaller requests may pass; nothing is set aside.
          const smaller = outcome.tooLarge ? parts.halve() : null;
          if (smaller !== null) {
            this.batchLimit = smaller;
            this.log.log('warn', 'platform_request_too_large', {
              status: outcome.status,
              records: records.length,
            });
            break;
          }
          const message = scrub(outcome.message);
          this.outbox.release(keysOf(parts.remaining()), message);
          return { kind: 'transient', message, retryAfterMs: null };
        }
        case 'refused': {
          this.reachable();
          const single = parts.refused();
          if (single) {
            this.outbox.markRejected(keyOf(single.record), `http_${outcome.status}`, scrub(outcome.message));
            this.board.settle(1, 1);
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
    if (settings === this.settings) this.needProbe = false;
    return null;
  }

  /** One upload of `records`, or the probe (null); stop() aborts it. */
  private exchange(records: readonly RatingRecord[]): Promise<UploadOutcome>;
  private exchange(records: null): Promise<ProbeOutcome>;
  private async exchange(records: readonly RatingRecord[] | null): Promise<ProbeOutcome> {
    const abort = new AbortController();
    this.abort = abort;
    const ctx: ExchangeContext = {
      transport: this.transport,
      timeoutMs: this.timeoutMs,
      now: () => this.clock.now(),
      signal: abort.signal,
    };
    try {
      return await (records === null ? probe(this.adapter, ctx) : exchange(this.adapter, records, ctx));
    } finally {
      if (this.abort === abort) this.abort = null;
    }
  }

  private reachable(): void {
    this.failures = 0;
    this.pauses = 0;
    this.board.online();
  }

  private failed(failure: Failure): void {
    let delay: number;
    if (failure.kind === 'transient') {
      this.failures++;
      delay =
        failure.retryAfterMs !== null
          ? Math.min(failure.retryAfterMs, PAUSE_CAP_MS)
          : offlineDelay(this.failures, this.random);
    } else {
      this.pauses++;
      delay = pauseDelay(this.pauses);
    }
    this.board.down(failure.kind === 'transient' ? 'offline' : failure.kind, failure.message);
    if (this.reloaded) delay = 0;
    this.log.log(failure.kind === 'transient' ? 'warn' : 'error', 'platform_unavailable', {
      state: this.board.state,
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

  private refreshCounts(): void {
    this.board.refreshCounts();
  }

  private report(): void {
    // A stopped forwarder's last answer must not overwrite what replaced it.
    if (!this.stopped) this.board.report();
  }
}
