// The console's live picture of the hall, in memory: each terminal's last availability
// and state, the recent alerts, and how many messages were refused. A restarted console
// rebuilds the terminals from the broker's retained messages and the alerts from its
// database (which keeps every 差评; see db/console-db.ts).

import type { StoredAlert } from './db/alert-row.js';
import type { Accepted, RefusalReason, TerminalEvent } from './wire/messages.js';
import type { Alert, Entry } from './wire/page-types.js';

/** What the board shows; stats go to the database only. */
export type BoardMessage = Exclude<
  Accepted,
  { kind: 'stats' } | { kind: 'stats_cleared' } | { kind: 'stats_unchanged' }
>;

/** A hostile publisher could invent ids without end; past this the console ignores new ones. */
export const MAX_TERMINALS = 20_000;
/** The alert list the live page shows; older ones fall off it (the 差评 page has them all). */
export const MAX_ALERTS = 200;

export type Refusals = Record<RefusalReason, number>;

export interface Changes {
  upsert: Entry[];
  remove: string[];
}

export type ReasonLabels = (level: 1 | 2, code: string) => string;

export class Board {
  private readonly terminals = new Map<string, Entry>();
  private readonly alerts: Alert[] = [];
  private seq = 0;
  private readonly changed = new Set<string>();
  private readonly removed = new Set<string>();
  readonly refusals: Refusals = {
    topic: 0,
    too_big: 0,
    not_utf8: 0,
    not_json: 0,
    shape: 0,
    mismatch: 0,
    day: 0,
    too_many: 0,
  };
  accepted = 0;
  /** 差评 the broker delivered again (same eventId): kept and shown once. */
  duplicates = 0;

  constructor(
    private readonly labels: ReasonLabels,
    private readonly now: () => number = Date.now,
  ) {}

  refuse(reason: RefusalReason): void {
    this.refusals[reason]++;
  }

  /** The 差评 kept before a restart, newest first, so the list is not empty after one. */
  seed(alerts: readonly StoredAlert[]): void {
    for (const a of [...alerts].reverse()) this.push(this.badAlert(a));
  }

  private badAlert(a: StoredAlert): Alert {
    this.seq = Math.max(this.seq, a.seq);
    return {
      seq: a.seq,
      kind: 'bad_rating',
      eventId: a.eventId,
      terminalId: a.terminalId,
      receivedAt: a.receivedAt,
      level: a.level,
      reasons: a.reasons === '' ? [] : a.reasons.split(',').map((c) => this.labels(a.level, c)),
      windowNo: a.windowNo,
      clerkId: a.clerkId,
      deptCode: a.deptCode,
      deptName: a.deptName,
      taskName: a.taskName,
      training: a.training,
      at: a.at,
    };
  }

  private push(alert: Alert): Alert {
    this.alerts.unshift(alert);
    if (this.alerts.length > MAX_ALERTS) this.alerts.length = MAX_ALERTS;
    return alert;
  }

  /** A 差评 just kept in the database: on the list, on its terminal's card's time. */
  applyAlert(stored: StoredAlert): Alert {
    this.accepted++;
    const entry = this.terminals.get(stored.terminalId);
    if (entry) {
      entry.lastSeen = this.now();
      this.changed.add(entry.terminalId);
    }
    return this.push(this.badAlert(stored));
  }

  /** A message the database took (a stats day): counted, nothing to draw. */
  took(): void {
    this.accepted++;
  }

  /** Applies one accepted message; returns the alert it raised, if any. */
  apply(message: BoardMessage): Alert | null {
    const existing = this.terminals.get(message.terminalId);
    if (message.kind === 'cleared') {
      if (!existing) return null;
      this.accepted++;
      if (message.part === 'availability') existing.availability = null;
      else existing.state = null;
      if (existing.availability === null && existing.state === null) {
        this.terminals.delete(message.terminalId);
        this.changed.delete(message.terminalId);
        this.removed.add(message.terminalId);
      } else {
        this.changed.add(message.terminalId);
      }
      return null;
    }
    let entry = existing;
    if (!entry) {
      if (this.terminals.size >= MAX_TERMINALS) {
        this.refuse('too_many');
        return null;
      }
      entry = { terminalId: message.terminalId, availability: null, state: null, lastSeen: 0 };
      this.terminals.set(message.terminalId, entry);
      this.removed.delete(message.terminalId);
    }
    this.accepted++;
    entry.lastSeen = this.now();
    this.changed.add(entry.terminalId);
    if (message.kind === 'availability') {
      entry.availability = message.value;
      return null;
    }
    if (message.kind === 'state') {
      entry.state = message.state;
      return null;
    }
    return this.alert(entry.terminalId, message.event);
  }

  private alert(terminalId: string, event: TerminalEvent) {
    const receivedAt = this.now();
    if (event.type === 'bad_rating') {
      // Without a database (the board's own tests): the alert as it came.
      return this.push(
        this.badAlert({
          seq: this.seq + 1,
          eventId: event.eventId,
          terminalId,
          at: event.at,
          level: event.level,
          reasons: event.evalDetail,
          windowNo: event.windowNo,
          clerkId: event.clerkId,
          deptCode: event.deptCode,
          deptName: event.deptName,
          taskName: event.taskName,
          training: event.training,
          receivedAt,
        }),
      );
    }
    // Faults carry no id a redelivery could be told by: they are shown live, not kept.
    return this.push({
      seq: ++this.seq,
      kind: event.type,
      terminalId,
      receivedAt,
      state: event.type === 'platform_paused' ? event.state : null,
      at: event.at,
    });
  }

  /** Everything, for a page that has just connected. */
  snapshot(): { terminals: Entry[]; alerts: Alert[] } {
    return { terminals: [...this.terminals.values()], alerts: [...this.alerts] };
  }

  /** What changed since the last call (the server sends it in batches). */
  takeChanges(): Changes | null {
    if (this.changed.size === 0 && this.removed.size === 0) return null;
    const upsert: Entry[] = [];
    for (const id of this.changed) {
      const entry = this.terminals.get(id);
      if (entry) upsert.push(entry);
    }
    const remove = [...this.removed];
    this.changed.clear();
    this.removed.clear();
    return { upsert, remove };
  }

  get size(): number {
    return this.terminals.size;
  }
}
