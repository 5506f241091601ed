// When the hourly counts go on the bus (`T/stats/{day}`, retained, QoS 1), computed from
// the store each time, so a restarted terminal publishes exactly what it published before:
// - a few seconds after each full hour: today's finished hours (never the hour still
//   running); just after midnight that is the whole of the day before;
// - on every connect: today's and yesterday's, and any day whose last message the broker
//   did not take (a broker down over a weekend gets the weekend once it is back);
// - a day no longer among the last `statsDays` (today included) is cleared with an
//   empty retained message: after midnight the day that just fell out, on connect the
//   CLEAR_SPAN days beyond the window (a terminal that was off a while leaves none behind).
// A day is republished only while the store still holds all of it (store.retentionDays):
// a day partly pruned would show counts going down for no reason.
// Nothing here waits for the broker, and a rating never waits for any of it.

import type { Clock } from '../base/clock.js';
import type { Logger } from '../base/logger.js';
import { cstDateTime } from '../core/cst.js';
import { addDays, cstDayOf, cstDayStart, type HourRow, hourStart } from '../core/hourly-counts.js';
import { type StatsIdentity, statsMessage } from './stats-message.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** Days beyond the window cleared on each connect. */
export const CLEAR_SPAN = 31;
/** The hourly publication comes this long after the full hour, plus up to SPREAD_MS (a province's terminals do not all publish in the same second). */
export const AFTER_HOUR_MS = 3_000;
export const SPREAD_MS = 27_000;

/** Where the messages go: the live link, or nothing while there is none. */
export interface StatsSink {
  publishRetained(topic: string, payload: string, taken: () => void): boolean;
}

export interface StatsSettings {
  statsDays: number;
  /** store.retentionDays: how far back the store still holds every record. */
  retentionDays: number;
}

export interface StatsPublisherDeps {
  clock: Clock;
  /** The store's counts for [from, to); null while it cannot be read. */
  counts: (from: number, to: number) => HourRow[] | null;
  /** Who publishes, as the current configuration says (a reload may change the hall). */
  identity: () => StatsIdentity;
  log: Logger;
  random?: () => number;
}

export class StatsPublisher {
  private sink: StatsSink | null = null;
  private topic: (day: string) => string = () => '';
  private settings: StatsSettings;
  private timer: unknown = null;
  private readonly delay: number;
  /** Counts are published up to here (an hour's start): the next full hour publishes the days from here on. */
  private coveredUntil: number;
  /** Days whose latest message the broker has not taken yet, with that message's number. */
  private readonly unsent = new Map<string, number>();
  private generation = 0;
  /** Days cleared (and taken) on this link, so a reconnect does not clear them again. */
  private readonly cleared = new Set<string>();
  /** The widest window since start: a smaller statsDays clears what the larger one kept. */
  private clearUpTo: number;
  private stopped = false;

  constructor(
    private readonly deps: StatsPublisherDeps,
    settings: StatsSettings,
  ) {
    this.settings = settings;
    this.clearUpTo = settings.statsDays + CLEAR_SPAN;
    this.delay = AFTER_HOUR_MS + Math.floor((deps.random ?? Math.random)() * SPREAD_MS);
    this.coveredUntil = hourStart(deps.clock.now());
  }

  start(): void {
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.deps.clock.clearTimeout(this.timer);
    this.timer = null;
    this.sink = null;
  }

  /** A new link (or none): its topics differ, so nothing cleared on the old one counts. */
  setSink(sink: StatsSink | null, topic: (day: string) => string, settings: StatsSettings): void {
    this.sink = sink;
    this.topic = topic;
    this.clearUpTo = Math.max(this.clearUpTo, this.settings.statsDays + CLEAR_SPAN);
    this.settings = settings;
    this.cleared.clear();
  }

  /** The link has just connected (after availability, state and held events). */
  connected(): void {
    if (this.stopped) return;
    const now = this.deps.clock.now();
    const upTo = hourStart(now);
    const today = cstDayOf(now);
    const days = new Set<string>([addDays(today, -1), ...this.unsent.keys()]);
    if (upTo > (cstDayStart(today) as number)) days.add(today);
    for (const day of [...days].sort()) {
      if (this.kept(day, now) && this.complete(day, now)) this.publishDay(day, upTo);
      else this.unsent.delete(day);
    }
    this.clearOld(today);
  }

  private arm(): void {
    if (this.stopped) return;
    const now = this.deps.clock.now();
    const next = hourStart(now) + HOUR_MS + this.delay;
    this.timer = this.deps.clock.setTimeout(() => {
      this.timer = null;
      this.onHour();
      this.arm();
    }, next - now);
  }

  /** After a full hour: every day from where the last one left off, up to this hour. */
  private onHour(): void {
    const now = this.deps.clock.now();
    const upTo = hourStart(now);
    const today = cstDayOf(now);
    const from = Math.min(this.coveredUntil, upTo);
    this.coveredUntil = upTo;
    const lastHourDay = cstDayOf(upTo - 1);
    const days = new Set<string>(this.unsent.keys());
    // From where the last hour left off (a suspended machine, a clock set forward), but
    // never further back than the window.
    const first = [cstDayOf(from), addDays(today, 1 - this.settings.statsDays)].sort()[1] as string;
    for (let d = first; from < upTo && d <= lastHourDay; d = addDays(d, 1)) days.add(d);
    for (const day of [...days].sort()) {
      // The day of the hour just ended is complete in the store whatever the retention.
      if (this.kept(day, now) && (day === lastHourDay || this.complete(day, now))) this.publishDay(day, upTo);
      else this.unsent.delete(day);
    }
    this.clearOld(today);
  }

  /** Among the last statsDays days, today included. */
  private kept(day: string, now: number): boolean {
    return ageOf(day, cstDayOf(now)) < this.settings.statsDays;
  }

  /** The store still holds every record of the day: nothing of it can have been pruned. */
  private complete(day: string, now: number): boolean {
    return (cstDayStart(day) as number) >= now - this.settings.retentionDays * DAY_MS;
  }

  /** The day's finished hours (before `upTo`), as the store has them now. */
  private publishDay(day: string, upTo: number): void {
    const start = cstDayStart(day) as number;
    const end = Math.min(start + DAY_MS, upTo);
    const gen = ++this.generation;
    this.unsent.set(day, gen);
    if (end <= start || !this.sink) return;
    let rows: HourRow[] | null;
    try {
      rows = this.deps.counts(start, end);
    } catch (err) {
      this.deps.log.log('error', 'fleet_stats_failed', {
        day,
        error: err instanceof Error ? err.message : String(err),
      });
      return;
    }
    // The store is failing: tried again at the next full hour or connect.
    if (rows === null) return;
    const payload = statsMessage(this.deps.identity(), day, rows, cstDateTime(this.deps.clock.now()));
    this.sink.publishRetained(this.topic(day), payload, () => {
      if (this.unsent.get(day) === gen) this.unsent.delete(day);
    });
  }

  /** Empty retained messages for the days that fell out of the window. */
  private clearOld(today: string): void {
    const sink = this.sink;
    if (!sink) return;
    for (let age = this.settings.statsDays; age < this.clearUpTo; age++) {
      const day = addDays(today, -age);
      if (this.cleared.has(day)) continue;
      this.unsent.delete(day);
      const topic = this.topic(day);
      if (!sink.publishRetained(topic, '', () => this.cleared.add(day))) return;
    }
    // Days that have aged past the span need no memory.
    const oldest = addDays(today, -this.clearUpTo);
    for (const day of this.cleared) if (day < oldest) this.cleared.delete(day);
  }
}

function ageOf(day: string, today: string): number {
  return Math.round(((cstDayStart(today) as number) - (cstDayStart(day) as number)) / DAY_MS);
}
