// The rating screen: one level for the whole prompt, or for one department of a
// per-department sequence. A press becomes the records it stands for, on disk at once.

import { promptEnded } from '../activity.js';
import type { FreshIds, IntentSource } from '../events.js';
import { anomalyFlags } from '../flags.js';
import { isBad, type Level } from '../levels.js';
import type { Scope } from '../model.js';
import { recordsOf } from '../records.js';
import { serviceInstant } from '../service-facts.js';
import type { CoreState, GivenRating, Session } from '../state.js';
import type { Out } from '../step-out.js';
import { enterPhase } from './enter.js';
import { enterIndicators, offersIndicators } from './indicators.js';
import { enterReasons } from './reasons.js';
import { advance } from './thanks.js';

/** The rating screen for everything (`'all'`) or for the department at that index. */
export function enterRate(
  s: Session,
  out: Out,
  now: number,
  target: 'all' | number,
  deadline: number,
  voice: () => string[],
): void {
  enterPhase(s, out, now, { kind: 'rate', target }, deadline, voice);
}

/** The citizen gave `level` on the rating screen. */
export function giveRating(
  state: CoreState,
  s: Session,
  out: Out,
  now: number,
  ids: FreshIds,
  target: 'all' | number,
  level: Level,
  source: IntentSource,
): void {
  let departments: number[];
  let scope: Scope;
  if (target !== 'all') {
    departments = [target];
    scope = 'department';
  } else if (s.mode === 'parallel') {
    departments = s.departments.map((_, i) => i);
    scope = 'overall';
  } else {
    // 一件事 is one record for the lead department; a single prompt has one department.
    departments = [0];
    scope = s.mode === 'package' ? 'package' : 'single';
  }
  if (ids.length < departments.length) throw new Error('step: not enough fresh ids for the records');
  const rating: GivenRating = {
    recordIds: ids.slice(0, departments.length),
    departments,
    scope,
    level,
    reasons: [],
    ratedAt: now,
    flags: flagsFor(state, s, now, source),
    realName: s.realName && s.citizen !== null,
    final: !isBad(level) && !offersIndicators(state, level),
  };
  s.ratings.push(rating);
  const first = s.status === 'open';
  if (first) {
    // Told at the first rating whatever its level, and told nothing more until final.
    s.status = 'rated';
    out.ops.push({ op: 'prompt_status', id: s.id, status: 'rated' });
    out.changed(s);
  }
  const records = recordsOf(state, s, rating);
  out.putRecords(records);
  out.rated(records);
  // Logged as ended at its first rating, after it, whatever the level: see core/activity.ts.
  if (first) out.log(promptEnded(s.id, 'rated'));
  // The queue counts a rating from its press, a 差评 on its reasons screen included:
  // a count that rose only when the reasons were done would tell the 差评 apart.
  out.forward = true;
  if (rating.final) {
    advance(state, s, out, now);
  } else if (isBad(level)) {
    enterReasons(state, s, out, now, s.ratings.length - 1, now);
  } else {
    enterIndicators(s, out, now, s.ratings.length - 1);
  }
}

/** What is odd about a press now (too fast, a stuck key, a burst, before the service). */
export function flagsFor(state: CoreState, s: Session, now: number, source: IntentSource): string[] {
  return anomalyFlags({
    now,
    shownAt: s.shownAt,
    source,
    keypadStuck: state.keypad.fault === 'stuck_key',
    lastRatingAt: state.lastRatingAt,
    serviceTime: serviceInstant(s.facts),
  });
}
