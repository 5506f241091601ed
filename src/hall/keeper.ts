// Where each message the console takes goes: a 差评 into the database first (by eventId,
// so a redelivery counts once) and then onto the board; a stats day into the database, in
// batches (a county's terminals publish within the same minute, and every retained day
// comes again at each reconnect); availability and state onto the board.

import type { Board } from './board.js';
import type { ConsoleDb } from './db/console-db.js';
import type { KnownDay, Parsed } from './wire/messages.js';
import type { Alert } from './wire/page-types.js';
import type { StatsMessage } from './wire/stats-message.js';

/** Stats written in one transaction, at most this long after the first arrived. */
const BATCH_MS = 50;
const BATCH_MAX = 500;

export interface KeeperEvents {
  alert(alert: Alert): void;
  /** Days were written (the figure pages may redraw). */
  figures(): void;
  /** The database refused a write (disk full, I/O error): what to tell the technician. */
  failed(problem: string): void;
}

export interface Keeper {
  /** A message that needs no acknowledgement (QoS 0): stats are batched. */
  take(parsed: Parsed): void;
  /**
   * A message to be acknowledged only once kept (QoS 1, the 差评): throws when the database
   * did not take it, so that the broker keeps it and delivers it again.
   */
  takeNow(parsed: Parsed): void;
  flush(): void;
  /** For the reader: a day kept already with these very bytes (never throws). */
  knows: KnownDay;
  /** Days stored and days that came again unchanged, for the page's counters. */
  readonly counts: { stored: number; unchanged: number };
}

interface Pending {
  terminalId: string;
  stats: StatsMessage;
  digest: string;
}

export function startKeeper(
  db: ConsoleDb,
  board: Board,
  on: KeeperEvents,
  now: () => number = Date.now,
): Keeper {
  let pending: Pending[] = [];
  /** `terminal/day` of the messages in `pending`. */
  const pendingDays = new Set<string>();
  let timer: NodeJS.Timeout | null = null;
  const counts = { stored: 0, unchanged: 0 };

  function flush() {
    if (timer) clearTimeout(timer);
    timer = null;
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    pendingDays.clear();
    const at = now();
    let outcomes: string[];
    try {
      outcomes = db.batch(() => batch.map((p) => db.putStats(p.terminalId, p.stats, p.digest, at)));
    } catch (err) {
      // Retained days come again at the next connect; the subscriber reconnects.
      on.failed(describe(err));
      return;
    }
    let changed = false;
    for (const outcome of outcomes) {
      if (outcome === 'day' || outcome === 'too_many') board.refuse(outcome);
      else {
        board.took();
        if (outcome === 'stored') {
          counts.stored++;
          changed = true;
        } else counts.unchanged++;
      }
    }
    if (changed) on.figures();
  }

  function take(parsed: Parsed) {
    if (!parsed.ok) {
      board.refuse(parsed.reason);
      return;
    }
    const m = parsed.message;
    if (m.kind === 'stats') {
      pending.push({ terminalId: m.terminalId, stats: m.stats, digest: m.digest });
      pendingDays.add(`${m.terminalId}/${m.stats.day}`);
      if (pending.length >= BATCH_MAX) flush();
      else timer ??= setTimeout(flush, BATCH_MS);
      return;
    }
    if (m.kind === 'stats_unchanged') {
      board.took();
      counts.unchanged++;
      return;
    }
    if (m.kind === 'stats_cleared') {
      // The broker forgot a day past statsDays; the console keeps what it has.
      board.took();
      return;
    }
    if (m.kind === 'event' && m.event.type === 'bad_rating') {
      takeNow(parsed);
      return;
    }
    if (m.kind === 'state' && m.state.clerk) {
      try {
        db.noteClerk(m.state.clerk.id, m.state.clerk.name);
      } catch (err) {
        on.failed(describe(err));
      }
    }
    const alert = board.apply(m);
    if (alert) on.alert(alert);
  }

  function takeNow(parsed: Parsed) {
    if (!parsed.ok || parsed.message.kind !== 'event' || parsed.message.event.type !== 'bad_rating') {
      take(parsed);
      return;
    }
    const { terminalId, event } = parsed.message;
    let result: ReturnType<ConsoleDb['putAlert']>;
    try {
      result = db.batch(() => db.putAlert(terminalId, event, now()));
    } catch (err) {
      on.failed(describe(err));
      throw err;
    }
    if ('duplicate' in result) board.duplicates++;
    else if ('tooMany' in result) board.refuse('too_many');
    else on.alert(board.applyAlert(result.stored));
  }

  const knows: KnownDay = (terminalId, day, digest) => {
    // A day with a message still in the batch is not what the database says it is: the
    // bytes that arrive last are the day's, even the ones the database holds already.
    if (pendingDays.has(`${terminalId}/${day}`)) return false;
    try {
      return db.knows(terminalId, day, digest);
    } catch {
      // Read it whole then: the write that follows says what is wrong with the database.
      return false;
    }
  };

  return { take, takeNow, flush, knows, counts };
}

function describe(err: unknown): string {
  const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
  if (code === 'SQLITE_FULL') return 'the disk is full: the console cannot keep what it reads';
  if (code.startsWith('SQLITE_READONLY')) return 'the data folder is read-only';
  return `the database refused a write (${code || (err instanceof Error ? err.message : String(err))})`;
}
