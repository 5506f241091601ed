// The reasons catalogue: the evaluation indicators (评价指标) a citizen may pick for a
// rating — what is wrong with a 差评, and, where the hall offers it, what was good about
// a 好评. Their codes travel to the platform as `evalDetail`, so the catalogue is
// versioned and each record keeps the version it was rated under.

import { isBad, type Level } from './levels.js';

export interface Reason {
  code: string;
  label: string;
  /** Its English name for foreign citizens, if the catalogue gives one (the screen's choice only). */
  labelEn?: string;
}

export interface ReasonsCatalogue {
  version: string;
  /**
   * Indicators offered for each level. The 差评 levels (1 and 2) always have some; a
   * good level may have none (a hall catalogue need not list them).
   */
  levels: Record<Level, readonly Reason[]>;
}

export function reasonsFor(catalogue: ReasonsCatalogue, level: Level): readonly Reason[] {
  return catalogue.levels[level] ?? [];
}

/** `prompt.goodIndicators`: whether a 好评 is followed by an optional indicators screen. */
export type GoodIndicators = 'off' | 'optional';

/** A 好评 on its optional indicators screen is final after this, whatever the citizen does. */
export const GOOD_INDICATORS_MS = 10_000;

/** How many reasons timeouts a citizen may have in all: a bouncing key cannot hold the screen open. */
export const REASONS_MAX_TIMEOUTS = 3;

/**
 * A touch or key on the reasons screen (or on its change-level screen) gives the citizen
 * the screen's whole time again (`length` ms), but never past REASONS_MAX_TIMEOUTS times
 * it from `since`, when the reasons screen first opened.
 */
export function reasonsDeadline(length: number, now: number, since: number): number {
  return Math.min(now + length, since + REASONS_MAX_TIMEOUTS * length);
}

/** Whether a rating at `level` goes on to the optional indicators screen. */
export function offersGoodIndicators(
  catalogue: ReasonsCatalogue,
  goodIndicators: GoodIndicators,
  level: Level,
): boolean {
  return !isBad(level) && goodIndicators === 'optional' && reasonsFor(catalogue, level).length > 0;
}

/** The contract's honest note for a 差评 finalised with no reason chosen. */
export const NO_REASON_NOTE = '未选择差评原因';

/** At most this many reasons per level: they must fit one screen as big targets. */
export const MAX_REASONS_PER_LEVEL = 8;
