// The console's own database: what it read from the bus, kept (see migrations/001). It is
// opened, checked, migrated and — when damaged — moved aside by the store's open helpers,
// like the terminal's; this module is its one owner and the only code that writes it.

import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { openDatabase } from '../../store/open.js';
import type { BadRatingEvent } from '../wire/messages.js';
import type { StatsMessage } from '../wire/stats-message.js';
import { ALERT_COLUMNS, type AlertRow, alertFromRow, type StoredAlert } from './alert-row.js';
import { addDays, cstToday, dayNumber } from './days.js';
import { HALL_MIGRATIONS } from './migrations/index.js';

export const DB_FILE = 'hall.db';
/** Terminals the console keeps figures of; ids invented past this are refused. */
export const MAX_STAT_TERMINALS = 20_000;
/** 差评 kept per terminal and day; a flood of invented ids past it is refused. */
export const MAX_ALERTS_PER_DAY = 2_000;
/** A stats day older than this (by the console's clock) is not a terminal's: none keeps so long. */
export const MAX_DAY_AGE_DAYS = 3 * 366;

export type DimKind = 'terminal' | 'window' | 'clerk' | 'dept' | 'task' | 'reason';

export type StatsOutcome = 'stored' | 'unchanged' | 'day' | 'too_many';

/** The counts of a figures row, in its columns' order: l5 … l1, declined, expired, src_api, src_gwq, src_invite. */
type Tally = number[];
const TALLY_COLUMNS = 'l5, l4, l3, l2, l1, declined, expired, src_api, src_gwq, src_invite';
const TALLY_SIZE = 10;

/** The groupings kept per day (day_groups), each a column of figures. */
const KINDS = ['window', 'clerk', 'dept', 'task'] as const;

interface Sum {
  window: number;
  clerk: number;
  dept: number;
  task: number;
  tally: Tally;
  reasons: Map<number, number>;
}

/** What a day's replacement adds to (or takes from) one group of day_groups or day_reasons. */
interface Delta {
  rows: number;
  tally: Tally;
}

function addDelta(into: Map<string, Delta>, key: string, sign: 1 | -1, tally: Tally): void {
  let d = into.get(key);
  if (!d) {
    d = { rows: 0, tally: new Array(tally.length).fill(0) };
    into.set(key, d);
  }
  d.rows += sign;
  for (let i = 0; i < tally.length; i++) (d.tally[i] as number) += sign * (tally[i] as number);
}

export class ConsoleDb {
  private readonly dims = new Map<string, { id: number; name: string }>();
  private terminals: number;
  private seq: number;
  private readonly q;

  private constructor(
    readonly db: Database.Database,
    readonly path: string,
    readonly movedAside: string | null,
  ) {
    for (const row of db.prepare('SELECT id, kind, code, name FROM dims').all() as {
      id: number;
      kind: string;
      code: string;
      name: string;
    }[]) {
      this.dims.set(`${row.kind}\u0000${row.code}`, { id: row.id, name: row.name });
    }
    this.terminals = db.prepare(`SELECT COUNT(*) FROM dims WHERE kind = 'terminal'`).pluck().get() as number;
    this.seq = (db.prepare('SELECT MAX(seq) FROM alerts').pluck().get() as number | null) ?? 0;
    this.q = {
      setting: db.prepare('SELECT value FROM settings WHERE key = ?').pluck(),
      putSetting: db.prepare('INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)'),
      dim: db.prepare('INSERT INTO dims (kind, code, name) VALUES (?, ?, ?)'),
      rename: db.prepare('UPDATE dims SET name = ? WHERE id = ?'),
      digest: db.prepare('SELECT digest FROM days WHERE terminal = ? AND day = ?').pluck(),
      putDay: db.prepare(
        `INSERT OR REPLACE INTO days (terminal, day, window, sent_at, received_at, digest, row_count)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      dropFigures: db.prepare('DELETE FROM figures WHERE day = ? AND terminal = ?'),
      dropReasons: db.prepare('DELETE FROM figure_reasons WHERE day = ? AND terminal = ?'),
      dropHours: db.prepare('DELETE FROM hours WHERE day = ? AND terminal = ?'),
      figure: db.prepare(
        `INSERT INTO figures (day, terminal, clerk, dept, task, window, l5, l4, l3, l2, l1, declined, expired,
           src_api, src_gwq, src_invite) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      reason: db.prepare(
        `INSERT INTO figure_reasons (day, terminal, clerk, dept, task, window, reason, n)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      hour: db.prepare(
        'INSERT INTO hours (day, terminal, hour, good, bad, unrated) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      oldFigures: db
        .prepare(
          `SELECT window, clerk, dept, task, ${TALLY_COLUMNS} FROM figures WHERE day = ? AND terminal = ?`,
        )
        .raw(),
      oldReasons: db.prepare('SELECT reason, n FROM figure_reasons WHERE day = ? AND terminal = ?').raw(),
      group: db.prepare(
        `INSERT INTO day_groups (kind, day, dim, rows, ${TALLY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (kind, day, dim) DO UPDATE SET rows = rows + excluded.rows,
           ${TALLY_COLUMNS.split(', ')
             .map((c) => `${c} = ${c} + excluded.${c}`)
             .join(', ')}`,
      ),
      dropGroup: db.prepare('DELETE FROM day_groups WHERE kind = ? AND day = ? AND dim = ? AND rows <= 0'),
      dayReason: db.prepare(
        `INSERT INTO day_reasons (day, reason, rows, n) VALUES (?, ?, ?, ?)
         ON CONFLICT (day, reason) DO UPDATE SET rows = rows + excluded.rows, n = n + excluded.n`,
      ),
      dropDayReason: db.prepare('DELETE FROM day_reasons WHERE day = ? AND reason = ? AND rows <= 0'),
      alertsOfDay: db.prepare('SELECT COUNT(*) FROM alerts WHERE terminal_id = ? AND day = ?').pluck(),
      alert: db.prepare(
        `INSERT OR IGNORE INTO alerts (event_id, seq, terminal_id, day, at, level, reasons, window_no, clerk_id,
           dept_code, dept_name, task_name, training, received_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
    };
  }

  /** Opens (creating, migrating or moving aside a damaged file) the database of a data folder. */
  static open(folder: string): ConsoleDb {
    const path = join(folder, DB_FILE);
    const opened = openDatabase(path, HALL_MIGRATIONS);
    // The terminal's store checkpoints when idle; the console writes in bursts and never
    // is: checkpoint every 1 000 pages and give the log back, so the folder holds the
    // database and not a log of the last flood beside it.
    opened.db.pragma('wal_autocheckpoint = 1000');
    opened.db.pragma(`journal_size_limit = ${8 * 1024 * 1024}`);
    // Nothing the console keeps is personal (the bus carries none): a replaced day's rows
    // need not be overwritten with zeros, which would double the writes of every day.
    opened.db.pragma('secure_delete = OFF');
    return new ConsoleDb(opened.db, path, opened.movedAside);
  }

  setting(key: string): string | null {
    return (this.q.setting.get(key) as string | undefined) ?? null;
  }

  putSetting(key: string, value: string): void {
    this.q.putSetting.run(key, value);
  }

  /**
   * The client id this folder's console uses, made once: the broker keeps the console's
   * session (its subscriptions, the 差评 queued while it was away) under it.
   */
  clientId(hallId: string): string {
    const kept = this.setting('client_id');
    if (kept) return kept;
    const made = `hcp-hall-${hallId}-${randomBytes(4).toString('hex')}`;
    this.putSetting('client_id', made);
    return made;
  }

  /** The id of a name, made when new; the name kept is the latest non-empty one given. */
  private dim(kind: DimKind, code: string, name = ''): number {
    const key = `${kind}\u0000${code}`;
    const known = this.dims.get(key);
    if (known) {
      if (name !== '' && name !== known.name) {
        this.q.rename.run(name, known.id);
        known.name = name;
      }
      return known.id;
    }
    const id = Number(this.q.dim.run(kind, code, name).lastInsertRowid);
    this.dims.set(key, { id, name });
    return id;
  }

  /** A clerk's name, as the terminals' state messages give it (stats carry only the id). */
  noteClerk(id: string, name: string): void {
    if (id === '' || name === '') return;
    const known = this.dims.get(`clerk\u0000${id}`);
    if (known && known.name === name) return;
    this.dim('clerk', id, name);
  }

  /** Whether the day a terminal sent is kept with exactly this digest (see KnownDay). */
  knows(terminalId: string, day: string, digest: string): boolean {
    const terminal = this.dims.get(`terminal\u0000${terminalId}`);
    return terminal !== undefined && this.q.digest.get(terminal.id, dayNumber(day)) === digest;
  }

  /** Runs `fn` in one transaction (one fsync for a batch of messages). */
  batch<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /**
   * Keeps a terminal's day: the latest message replaces what the console had of that
   * (terminal, day), whole — counts may go down (a merge, a store replaced).
   */
  putStats(terminalId: string, stats: StatsMessage, digest: string, now: number): StatsOutcome {
    const day = dayNumber(stats.day);
    const today = cstToday(now);
    if (day > addDays(today, 1) || day < addDays(today, -MAX_DAY_AGE_DAYS)) return 'day';
    const known = this.dims.has(`terminal\u0000${terminalId}`);
    if (!known && this.terminals >= MAX_STAT_TERMINALS) return 'too_many';
    const terminal = this.dim('terminal', terminalId);
    if (!known) this.terminals++;
    if (this.q.digest.get(terminal, day) === digest) return 'unchanged';

    const window = this.dim('window', stats.windowNo ?? '');
    const sums = new Map<string, Sum>();
    const hours = new Map<number, [number, number, number]>();
    for (const row of stats.rows) {
      const clerk = this.dim('clerk', row.clerkId);
      const dept = this.dim('dept', row.deptCode, row.deptName);
      const task = this.dim('task', row.taskCode, row.taskName);
      const key = `${clerk}:${dept}:${task}`;
      let sum = sums.get(key);
      if (!sum) {
        sum = { window, clerk, dept, task, tally: new Array(TALLY_SIZE).fill(0), reasons: new Map() };
        sums.set(key, sum);
      }
      const lv = row.levels;
      const t = sum.tally;
      const add = [
        lv['5'],
        lv['4'],
        lv['3'],
        lv['2'],
        lv['1'],
        row.declined,
        row.expired,
        row.source.api,
        row.source.gwq,
        row.source.invite,
      ];
      for (let i = 0; i < TALLY_SIZE; i++) (t[i] as number) += add[i] as number;
      for (const [code, n] of Object.entries(row.reasons)) {
        if (n === 0) continue;
        const reason = this.dim('reason', code);
        sum.reasons.set(reason, (sum.reasons.get(reason) ?? 0) + n);
      }
      const hour = Number(row.hour);
      const h = hours.get(hour) ?? [0, 0, 0];
      h[0] += lv['5'] + lv['4'] + lv['3'];
      h[1] += lv['2'] + lv['1'];
      h[2] += row.declined + row.expired;
      hours.set(hour, h);
    }

    // The day's groups lose what the terminal's earlier message of the day gave them and
    // gain what this one gives (day_groups, day_reasons: see migration 002).
    const groups = new Map<string, Delta>();
    const reasons = new Map<string, Delta>();
    for (const old of this.q.oldFigures.all(day, terminal) as number[][]) {
      const tally = old.slice(4);
      for (let k = 0; k < KINDS.length; k++) addDelta(groups, `${KINDS[k]}:${old[k]}`, -1, tally);
    }
    for (const [reason, n] of this.q.oldReasons.all(day, terminal) as [number, number][])
      addDelta(reasons, String(reason), -1, [n]);
    for (const s of sums.values()) {
      for (const kind of KINDS) addDelta(groups, `${kind}:${s[kind]}`, 1, s.tally);
      for (const [reason, n] of s.reasons) addDelta(reasons, String(reason), 1, [n]);
    }

    this.q.dropFigures.run(day, terminal);
    this.q.dropReasons.run(day, terminal);
    this.q.dropHours.run(day, terminal);
    for (const s of sums.values()) {
      this.q.figure.run(day, terminal, s.clerk, s.dept, s.task, s.window, ...s.tally);
      for (const [reason, n] of s.reasons)
        this.q.reason.run(day, terminal, s.clerk, s.dept, s.task, s.window, reason, n);
    }
    for (const [hour, [good, bad, unrated]] of hours)
      this.q.hour.run(day, terminal, hour, good, bad, unrated);
    for (const [key, d] of groups) {
      if (d.rows === 0 && d.tally.every((n) => n === 0)) continue;
      const [kind, dim] = key.split(':') as [string, string];
      this.q.group.run(kind, day, Number(dim), d.rows, ...d.tally);
      if (d.rows < 0) this.q.dropGroup.run(kind, day, Number(dim));
    }
    for (const [reason, d] of reasons) {
      if (d.rows === 0 && d.tally[0] === 0) continue;
      this.q.dayReason.run(day, Number(reason), d.rows, d.tally[0]);
      if (d.rows < 0) this.q.dropDayReason.run(day, Number(reason));
    }
    this.q.putDay.run(terminal, day, window, stats.at, now, digest, stats.rows.length);
    return 'stored';
  }

  /** Keeps a 差评 once: null when this eventId was kept before (a redelivery), or the day is full. */
  putAlert(
    terminalId: string,
    e: BadRatingEvent,
    now: number,
  ): { stored: StoredAlert } | { duplicate: true } | { tooMany: true } {
    const day = dayNumber(e.at.slice(0, 10));
    if ((this.q.alertsOfDay.get(terminalId, day) as number) >= MAX_ALERTS_PER_DAY) {
      // Unless it is one already kept: a redelivery is not a flood.
      const kept = this.db.prepare('SELECT 1 FROM alerts WHERE event_id = ?').get(e.eventId);
      return kept ? { duplicate: true } : { tooMany: true };
    }
    const seq = this.seq + 1;
    const result = this.q.alert.run(
      e.eventId,
      seq,
      terminalId,
      day,
      e.at,
      e.level,
      e.evalDetail,
      e.windowNo,
      e.clerkId,
      e.deptCode,
      e.deptName,
      e.taskName,
      e.training ? 1 : 0,
      now,
    );
    if (result.changes === 0) return { duplicate: true };
    this.seq = seq;
    if (e.deptCode && e.deptName) this.dim('dept', e.deptCode, e.deptName);
    return {
      stored: {
        seq,
        eventId: e.eventId,
        terminalId,
        at: e.at,
        level: e.level,
        reasons: e.evalDetail,
        windowNo: e.windowNo,
        clerkId: e.clerkId,
        deptCode: e.deptCode,
        deptName: e.deptName,
        taskName: e.taskName,
        training: e.training,
        receivedAt: now,
      },
    };
  }

  /** The latest alerts kept, newest first (the board's list after a restart). */
  recentAlerts(limit: number): StoredAlert[] {
    return (
      this.db
        .prepare(`SELECT ${ALERT_COLUMNS} FROM alerts ORDER BY seq DESC LIMIT ?`)
        .all(limit) as AlertRow[]
    ).map(alertFromRow);
  }

  close(): void {
    this.db.close();
  }
}
