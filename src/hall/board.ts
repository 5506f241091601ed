// The console's picture of the hall, in memory only: each terminal's last availability
// and state, the recent alerts, and how many messages were refused. Nothing is stored;
// a restarted console rebuilds it from the broker's retained messages.

import type { Accepted, RefusalReason, TerminalEvent, TerminalState } from './messages.js';

/** A hostile publisher could invent ids without end; past this the console ignores new ones. */
export const MAX_TERMINALS = 20_000;
/** The alert list the page shows; older ones fall off (nothing is kept anyway). */
export const MAX_ALERTS = 200;

export interface TerminalEntry {
  terminalId: string;
  availability: 'online' | 'offline' | null;
  state: TerminalState | null;
  /** When the console last heard from it (ms since the epoch, the console's clock). */
  lastSeen: number;
}

export type Alert =
  | {
      seq: number;
      kind: 'bad_rating';
      terminalId: string;
      receivedAt: number;
      level: 1 | 2;
      /** Reason labels from the catalogue; an unknown code stays as its code. */
      reasons: string[];
      windowNo: string | null;
      clerkId: string | null;
      deptCode: string | null;
      taskName: string | null;
      training: boolean;
      at: string;
    }
  | {
      seq: number;
      kind: 'store_fault' | 'platform_paused';
      terminalId: string;
      receivedAt: number;
      state: string | null;
      at: string;
    };

export type Refusals = Record<RefusalReason, number>;

export interface Changes {
  upsert: TerminalEntry[];
  remove: string[];
}

export type ReasonLabels = (level: 1 | 2, code: string) => string;

export class Board {
  private readonly terminals = new Map<string, TerminalEntry>();
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
    too_many: 0,
  };
  accepted = 0;

  constructor(
    private readonly labels: ReasonLabels,
    private readonly now: () => number = Date.now,
  ) {}

  refuse(reason: RefusalReason): void {
    this.refusals[reason]++;
  }

  /** Applies one accepted message; returns the alert it raised, if any. */
  apply(message: Accepted): Alert | null {
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
    let alert: Alert;
    if (event.type === 'bad_rating') {
      const bad = event;
      alert = {
        seq: ++this.seq,
        kind: 'bad_rating',
        terminalId,
        receivedAt,
        level: bad.level,
        reasons: bad.evalDetail === '' ? [] : bad.evalDetail.split(',').map((c) => this.labels(bad.level, c)),
        windowNo: bad.windowNo,
        clerkId: bad.clerkId,
        deptCode: bad.deptCode,
        taskName: bad.taskName,
        training: bad.training,
        at: bad.at,
      };
    } else {
      alert = {
        seq: ++this.seq,
        kind: event.type,
        terminalId,
        receivedAt,
        state: event.type === 'platform_paused' ? event.state : null,
        at: event.at,
      };
    }
    this.alerts.unshift(alert);
    if (this.alerts.length > MAX_ALERTS) this.alerts.length = MAX_ALERTS;
    return alert;
  }

  /** Everything, for a page that has just connected. */
  snapshot(): { terminals: TerminalEntry[]; alerts: Alert[] } {
    return { terminals: [...this.terminals.values()], alerts: [...this.alerts] };
  }

  /** What changed since the last call (the server sends it in batches). */
  takeChanges(): Changes | null {
    if (this.changed.size === 0 && this.removed.size === 0) return null;
    const upsert: TerminalEntry[] = [];
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
