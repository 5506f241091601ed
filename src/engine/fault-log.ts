// A fault that lasts (a full disk, a store that will not open) is tried again every
// few seconds; a line per try would push a day of useful lines out of the rotated
// log within hours. So a fault is logged when it starts or its message changes, then
// at most once per `everyMs` with how often it repeated, and its end says how long
// it lasted.

import type { Logger, LogLevel } from '../base/logger.js';

export const REPEAT_EVERY_MS = 10 * 60_000;

export class FaultLog {
  private current: { message: string; since: number; loggedAt: number; repeats: number } | null = null;

  constructor(
    private readonly log: Logger,
    private readonly now: () => number,
    private readonly everyMs = REPEAT_EVERY_MS,
  ) {}

  /** A failure: logged if it is news, or if the last line about it is old. */
  fault(level: LogLevel, event: string, message: string): void {
    const now = this.now();
    const c = this.current;
    if (c && c.message === message && now - c.loggedAt < this.everyMs) {
      c.repeats++;
      return;
    }
    const since = c ? c.since : now;
    this.log.log(level, event, {
      message,
      ...(c ? { since: new Date(since).toISOString(), repeatsSinceLastLine: c.repeats } : {}),
    });
    this.current = { message, since, loggedAt: now, repeats: 0 };
  }

  /** The fault is over: the line says since when, if there was one. */
  recovered(event: string): void {
    const c = this.current;
    this.current = null;
    this.log.log(
      'info',
      event,
      c ? { failedSince: new Date(c.since).toISOString(), downMs: this.now() - c.since } : {},
    );
  }
}
