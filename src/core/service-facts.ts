// The facts of the service a prompt rates (serviceNumber, proStatus, acceptDate,
// serviceTime, taskHandleItem): what the business system gave, with the contract's
// defaults for what it did not. The INVITE key's prompts give none.

import { cstDateTime, parseCstDateTime } from './cst.js';
import type { RatingRecord, ServiceFacts } from './model.js';

/**
 * How far ahead of the terminal's clock a `serviceTime` may be. The business system's
 * clock may run a little ahead (the rating is then flagged `clock_skew`); a time further
 * off is a wrong value, refused when the prompt is opened.
 */
export const MAX_SERVICE_TIME_AHEAD_MS = 5 * 60_000;

export function resolveFacts(given: Partial<ServiceFacts> | undefined, openedAt: number): ServiceFacts {
  return {
    serviceNumber: given?.serviceNumber ?? 1,
    proStatus: given?.proStatus ?? '3',
    acceptDate: given?.acceptDate ?? null,
    // Whole seconds: a rating given in the same second as the opening is not before it.
    serviceTime: given?.serviceTime ?? cstDateTime(openedAt),
    taskHandleItem: given?.taskHandleItem ?? null,
  };
}

/** The facts a rating record carries, under the names the platform adapters read. */
export function recordFacts(f: ServiceFacts): Partial<RatingRecord> {
  return {
    serviceNumber: f.serviceNumber,
    proStatus: f.proStatus,
    ...(f.acceptDate !== null ? { acceptDate: f.acceptDate } : {}),
    serviceTime: f.serviceTime,
    ...(f.taskHandleItem !== null ? { taskHandleItem: f.taskHandleItem } : {}),
  };
}

/** The instant of a `serviceTime` text, or null when it names none (the API refuses those). */
export function serviceInstant(f: ServiceFacts): number | null {
  return parseCstDateTime(f.serviceTime);
}

/** A `serviceTime` further ahead of `now` than any clock drift explains. */
export function tooFarAhead(serviceTime: string, now: number): boolean {
  const at = parseCstDateTime(serviceTime);
  return at !== null && at - now > MAX_SERVICE_TIME_AHEAD_MS;
}
