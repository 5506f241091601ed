// Anomaly flags: recorded with a rating and sent to the platform, never blocking it.
// They mark ratings that may not have been given by the citizen, for the platform's
// 核查 (review); the terminal itself never judges or drops a rating.

/** A press sooner than this after the rating screen appeared is not a considered choice. */
export const FAST_PRESS_MS = 300;

/** A rating this soon after the previous prompt's is unlikely to be a new citizen's. */
export const BURST_MS = 5_000;

export interface FlagFacts {
  now: number;
  shownAt: number;
  source: 'touch' | 'keypad';
  keypadStuck: boolean;
  lastRatingAt: number | null;
  /** The prompt's serviceTime as an instant (null: none that can be read). */
  serviceTime?: number | null;
}

export function anomalyFlags(f: FlagFacts): string[] {
  const flags: string[] = [];
  // `fast`: pressed before the screen could have been read.
  if (f.now - f.shownAt < FAST_PRESS_MS) flags.push('fast');
  // `stuck_key`: the keypad said a key was held down; the press may be the stuck key.
  if (f.source === 'keypad' && f.keypadStuck) flags.push('stuck_key');
  // `burst`: ratings in quick succession across prompts, as when one person rates for many.
  if (f.lastRatingAt !== null && f.now - f.lastRatingAt < BURST_MS) flags.push('burst');
  // `clock_skew`: rated before the service it rates was given, so the business system's
  // clock is ahead of ours. The rating is sent at serviceTime (platforms refuse a rating
  // that precedes its service); the flag keeps that shift from being silent.
  if (typeof f.serviceTime === 'number' && f.now < f.serviceTime) flags.push('clock_skew');
  return flags;
}
