// What the forwarder tells of the platform link: its state, the queue's counts, the last
// delivery and the last error, told to the listener only when state or counts change,
// and logged once per change of state. The forwarder decides; this keeps and tells.

import type { Logger } from '../base/logger.js';
import type { PlatformState } from '../core/model.js';
import type { OutboxStore } from '../store/outbox.js';

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

export class ForwarderStatusBoard {
  state: PlatformState = 'offline';
  lastDeliveryAt: number | null = null;
  lastError: string | null = null;
  nextAttemptAt: number | null = null;
  private counts = { pending: 0, rejected: 0 };
  private reported: string | null = null;
  /** The state the log last heard of; null before the first exchange. */
  private loggedState: PlatformState | null = null;

  constructor(
    private readonly outbox: Pick<OutboxStore, 'counts'>,
    private readonly log: Logger,
    private readonly onStatus: (status: ForwarderStatus) => void,
  ) {}

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

  /** The platform answered as a platform: online, the last error forgotten. */
  online(): void {
    this.lastError = null;
    this.state = 'online';
    this.logState();
  }

  /** The link is down or paused, for this reason. */
  down(state: Exclude<PlatformState, 'online' | 'unconfigured'>, message: string): void {
    this.state = state;
    this.lastError = message;
    this.logState();
  }

  /**
   * Counts after a part: `answered` records left the queue, `setAside` of them as
   * rejected. Counted here rather than asked of the store: a COUNT walks every waiting
   * record, so asking after each request made a backlog's drain quadratic (at 100 000
   * waiting, 8 ms a request, more than the request). A new record wakes the forwarder,
   * which counts again; so does the end of every cycle.
   */
  settle(answered: number, setAside: number): void {
    this.counts = {
      pending: Math.max(0, this.counts.pending - answered),
      rejected: this.counts.rejected + setAside,
    };
  }

  refreshCounts(): void {
    try {
      this.counts = this.outbox.counts();
    } catch (err) {
      this.log.log('error', 'forwarder_store_failed', {
        message: err instanceof Error ? err.message : String(err),
      });
    }
  }

  /** Tells the listener, when state or counts changed since it was last told. */
  report(): void {
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
}
