// A 差评's reasons screen (and what a 好评's indicators screen shares with it): choosing
// reasons, submitting them, coming back from the change-level screen. The screen waits
// while the citizen is busy with it, up to a cap counted from when it first opened.

import type { IntentSource } from '../events.js';
import { reasonsDeadline, reasonsFor } from '../reasons.js';
import { recordsOf } from '../records.js';
import { type CoreState, type Phase, ratingAt, type Session } from '../state.js';
import type { Out } from '../step-out.js';
import { reasonsAsked, reasonToggled } from '../voice.js';
import { enterPhase } from './enter.js';
import { advance, finalise } from './thanks.js';

type ListPhase = Extract<Phase, { kind: 'reasons' | 'indicators' }>;

/**
 * The reasons screen of the 差评 `rating`, first opened at `since` (now, for a new
 * 差评): its time is the reasons timeout from now, capped from `since`.
 */
export function enterReasons(
  state: CoreState,
  s: Session,
  out: Out,
  now: number,
  rating: number,
  since: number,
): void {
  const deadline = reasonsDeadline(state.config.reasonsTimeoutMs, now, since);
  enterPhase(s, out, now, { kind: 'reasons', rating, cursor: 0, since }, deadline, () =>
    reasonsAsked(state, s),
  );
}

/** The citizen is busy on the reasons screen: it waits for them (up to its cap). */
export function keepReasonsOpen(state: CoreState, s: Session, now: number, phase: { since: number }): void {
  s.deadline = reasonsDeadline(state.config.reasonsTimeoutMs, now, phase.since);
}

/** A reason (or indicator) chosen or unchosen; kept in the catalogue's order. */
export function toggleReason(
  state: CoreState,
  s: Session,
  out: Out,
  now: number,
  phase: ListPhase,
  code: string,
  source: IntentSource,
): void {
  const rating = ratingAt(s, phase.rating);
  const offered = reasonsFor(state.config.catalogue, rating.level);
  const index = offered.findIndex((r) => r.code === code);
  if (index < 0) return;
  rating.reasons = rating.reasons.includes(code)
    ? rating.reasons.filter((c) => c !== code)
    : offered.map((r) => r.code).filter((c) => c === code || rating.reasons.includes(c));
  phase.cursor = index;
  if (source === 'keypad' && phase.kind === 'reasons')
    out.say(reasonToggled(state, rating.reasons.includes(code)));
  // A 好评's indicators screen ends on time, however busy the citizen is with it.
  if (phase.kind === 'reasons') keepReasonsOpen(state, s, now, phase);
  // Kept on disk as chosen, so a power cut finalises the rating with them.
  out.putRecords(recordsOf(state, s, rating));
  out.render = true;
}

/** Done with the list: the rating is final and the prompt goes on. */
export function submitReasons(state: CoreState, s: Session, out: Out, now: number, phase: ListPhase): void {
  finalise(state, s, out, ratingAt(s, phase.rating));
  advance(state, s, out, now, phase.kind === 'indicators');
}

/** Back from the change-level screen to the reasons, with the time they had. */
export function backToReasons(
  state: CoreState,
  s: Session,
  out: Out,
  now: number,
  phase: Extract<Phase, { kind: 'change' }>,
): void {
  enterReasons(state, s, out, now, phase.rating, phase.since);
}
