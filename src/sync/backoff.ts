// When to try again. Offline: exponential with jitter, so a hall's terminals that lost
// the platform together do not return in step; the first retry comes within a second
// (a blip costs nothing) and the wait never exceeds five minutes (a platform back up
// is used soon). Credentials or address wrong: a long pause, since only a person can
// fix that, and a reload ends it at once.

export const FIRST_RETRY_MAX_MS = 1_000;
export const OFFLINE_CAP_MS = 300_000;
export const PAUSE_FIRST_MS = 300_000;
export const PAUSE_CAP_MS = 1_800_000;

/**
 * Delay before retry number `failures` (1 = the first retry) while offline: "equal
 * jitter", uniformly in [d/2, d] where d doubles from 1 s up to the cap. `random` is
 * in [0, 1).
 */
export function offlineDelay(failures: number, random: () => number): number {
  const d = ceiling(FIRST_RETRY_MAX_MS, OFFLINE_CAP_MS, failures);
  return Math.round(d / 2 + random() * (d / 2));
}

/** Delay before trying again after an auth or configuration fault: 5, 10, 20, then 30 minutes. */
export function pauseDelay(failures: number): number {
  return ceiling(PAUSE_FIRST_MS, PAUSE_CAP_MS, failures);
}

function ceiling(first: number, cap: number, failures: number): number {
  const n = Math.max(1, Math.floor(failures));
  // Past 2^20 the cap has long been reached; stop before the float grows.
  return Math.min(cap, first * 2 ** Math.min(n - 1, 20));
}

/**
 * A `Retry-After` header as a delay in ms from `now`: delta-seconds or an HTTP date.
 * null when absent or unreadable (the back-off applies); a date in the past is 0.
 */
export function parseRetryAfter(value: string | undefined, now: number): number | null {
  if (value === undefined) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP date always names its zone (GMT); a bare number or a local time is not one.
  if (!/[A-Za-z]/.test(text) || !/GMT|UTC|[+-]\d{4}$/.test(text)) return null;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now);
}
