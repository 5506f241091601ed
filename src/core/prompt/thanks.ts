// How a prompt ends: the next department of a sequence or the thank-you screen, the
// clerk's side withdrawing it, and its time running out. Every rating still open is
// final before the prompt leaves the screen.

import { promptEnded } from '../activity.js';
import type { PromptStatus } from '../model.js';
import { ratingUnderway } from '../prompt-on-screen.js';
import { recordsOf } from '../records.js';
import { type CoreState, type GivenRating, ratingAt, type Session } from '../state.js';
import type { Out } from '../step-out.js';
import { departmentAsked, ratingReceived, timeWarning, timeWarningAt } from '../voice.js';
import { lightKeys } from './enter.js';
import { enterRate } from './rate.js';

/** The rating is final: written so, and the forwarder woken for it. */
export function finalise(state: CoreState, s: Session, out: Out, rating: GivenRating): void {
  if (rating.final) return;
  rating.final = true;
  out.putRecords(recordsOf(state, s, rating));
  out.forward = true;
}

/**
 * After a final rating: the next department of a per-department sequence, or the end.
 * `thanked`: the citizen was thanked when the rating was given (indicators screen).
 */
export function advance(state: CoreState, s: Session, out: Out, now: number, thanked = false): void {
  const last = s.ratings[s.ratings.length - 1];
  const next =
    last && last.scope === 'department' ? (last.departments[0] as number) + 1 : s.departments.length;
  if (next < s.departments.length && !s.withdrawn) {
    enterRate(s, out, now, next, now + state.config.promptTimeoutMs, () => departmentAsked(state));
    return;
  }
  endSession(state, s, out, now, 'rated', thanked);
}

/** The reasons screen's last seconds, said once for each deadline. */
export function warnOfTime(state: CoreState, s: Session, out: Out, now: number): void {
  const at = timeWarningAt(state);
  if (at === null || at > now) return;
  s.warnedDeadline = s.deadline;
  out.say(timeWarning(state, s));
}

/** The phase on screen reached its deadline. */
export function onTimeout(state: CoreState, s: Session, out: Out, now: number): void {
  if (s.phase.kind === 'indicators') {
    // The 好评's time is up, not the citizen's: a per-department sequence goes on.
    finalise(state, s, out, ratingAt(s, s.phase.rating));
    advance(state, s, out, now, true);
    return;
  }
  // A 差评 left alone is final with what was chosen; walking away never loses it.
  endSession(state, s, out, now, s.ratings.length > 0 ? 'rated' : 'expired');
}

/**
 * The clerk's side ends the prompt (DELETE, sign-out): what the citizen has not begun is
 * ended now — a prompt nobody rated is cancelled, the departments not yet rated are left
 * unrated — while a reasons or indicators screen the citizen is on runs to its end, and
 * the prompt ends (final) with it.
 */
export function withdraw(state: CoreState, s: Session, out: Out, now: number): void {
  if (s.ratings.length > 0 && ratingUnderway(s)) {
    s.withdrawn = true;
    return;
  }
  endSession(state, s, out, now, 'withdrawn');
}

/**
 * Takes the prompt off the screen: it is final. Any 差评 still waiting for reasons is
 * finalised first. `withdrawn` is the clerk's side (cancel, sign-out, replace): it
 * cancels a prompt nobody rated, and leaves a rated one rated.
 */
export function endSession(
  state: CoreState,
  s: Session,
  out: Out,
  now: number,
  how: PromptStatus | 'withdrawn',
  thanked = false,
): void {
  for (const rating of s.ratings) finalise(state, s, out, rating);
  const status: PromptStatus = s.ratings.length > 0 ? 'rated' : how === 'withdrawn' ? 'cancelled' : how;
  s.status = status;
  out.ops.push({ op: 'prompt_end', id: s.id, status, at: now });
  // A rated prompt was logged as ended at its first rating (prompt/rate.ts).
  if (status !== 'rated') out.log(promptEnded(s.id, status));
  out.keypad({ kind: 'arm', on: false });
  lightKeys(out, null);
  out.ended(s);
  if (status === 'rated') state.lastRatingAt = Math.max(...s.ratings.map((r) => r.ratedAt));
  // A citizen who rated is thanked, even when the clerk's side ended the rest of the
  // prompt (a 并联审批 left after its first department): their rating was kept.
  if (status === 'rated') {
    state.thanksUntil = now + state.config.thanksMs;
    // One line may confirm the level given; several departments rated differently have no
    // one level, and naming the last would misstate the others.
    const levels = new Set(s.ratings.map((r) => r.level));
    state.thanksLevel = levels.size === 1 ? ratingAt(s, 0).level : null;
    if (!thanked) out.say(ratingReceived());
  } else if (!thanked) {
    // The prompt is gone: reading out its choices would only confuse the next citizen.
    out.silence();
  }
  state.session = null;
  if (state.clerk?.pauseWhenDone) {
    const was = { ...state.clerk };
    state.clerk.status = 'paused';
    state.clerk.pauseWhenDone = false;
    out.clerk(was, { ...state.clerk });
  }
  out.render = true;
}
