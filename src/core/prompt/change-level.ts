// Back from a 差评's reasons screen to give another level. Its time is the reasons
// screen's: the citizen is still there, reading.

import type { IntentSource } from '../events.js';
import { isBad, type Level } from '../levels.js';
import { reasonsDeadline, reasonsFor } from '../reasons.js';
import { recordsOf } from '../records.js';
import { type CoreState, ratingAt, type Session } from '../state.js';
import type { Out } from '../step-out.js';
import { levelAskedAgain } from '../voice.js';
import { enterPhase } from './enter.js';
import { enterIndicators, offersIndicators } from './indicators.js';
import { flagsFor } from './rate.js';
import { enterReasons } from './reasons.js';
import { advance, finalise } from './thanks.js';

/** The change-level screen of the 差评 `rating`, whose reasons screen opened at `since`. */
export function enterChangeLevel(
  state: CoreState,
  s: Session,
  out: Out,
  now: number,
  rating: number,
  since: number,
): void {
  const deadline = reasonsDeadline(state.config.reasonsTimeoutMs, now, since);
  enterPhase(s, out, now, { kind: 'change', rating, since }, deadline, () => levelAskedAgain(state));
}

/** The citizen gave `level` instead: the rating's records are rewritten, and its screen follows the level. */
export function changeLevel(
  state: CoreState,
  s: Session,
  out: Out,
  now: number,
  index: number,
  level: Level,
  source: IntentSource,
): void {
  const rating = ratingAt(s, index);
  rating.level = level;
  rating.ratedAt = now;
  rating.flags = flagsFor(state, s, now, source);
  rating.realName = s.realName && s.citizen !== null;
  if (isBad(level)) {
    const offered = new Set(reasonsFor(state.config.catalogue, level).map((r) => r.code));
    rating.reasons = rating.reasons.filter((c) => offered.has(c));
    out.putRecords(recordsOf(state, s, rating));
    enterReasons(state, s, out, now, index, now);
  } else if (offersIndicators(state, level)) {
    // A 好评 reached by changing a 差评 is offered its indicators like any other.
    rating.reasons = [];
    out.putRecords(recordsOf(state, s, rating));
    enterIndicators(s, out, now, index);
  } else {
    rating.reasons = [];
    finalise(state, s, out, rating);
    advance(state, s, out, now);
  }
}
