// A 好评's optional indicators screen (`prompt.goodIndicators: optional`).

import type { Level } from '../levels.js';
import { GOOD_INDICATORS_MS, offersGoodIndicators } from '../reasons.js';
import type { CoreState, Session } from '../state.js';
import type { Out } from '../step-out.js';
import { ratingReceived } from '../voice.js';
import { enterPhase } from './enter.js';

/** Whether a rating at `level` goes on to this screen. */
export function offersIndicators(state: CoreState, level: Level): boolean {
  return offersGoodIndicators(state.config.catalogue, state.config.goodIndicators, level);
}

/**
 * The 好评 is already on disk (a draft) when this screen shows, so it thanks the
 * citizen at once; the indicators are a choice, never asked for. It is final when
 * the citizen leaves the screen or after GOOD_INDICATORS_MS, whichever is first, and
 * then forwarded: a 好评 never waits long for a platform.
 */
export function enterIndicators(s: Session, out: Out, now: number, rating: number): void {
  enterPhase(s, out, now, { kind: 'indicators', rating, cursor: 0 }, now + GOOD_INDICATORS_MS, () =>
    ratingReceived(),
  );
}
