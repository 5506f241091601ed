// What the citizen's touch or key means on the screen shown, routed to its phase. A
// touch on a screen that does not offer it changes nothing.

import type { FreshIds, Intent, IntentSource } from '../events.js';
import { INDICATOR_KEYS, REASON_KEYS, SCOPE_KEYS } from '../keypad-keys.js';
import { levelAtPosition } from '../levels.js';
import { reasonsFor } from '../reasons.js';
import { type CoreState, ratingAt, type Session } from '../state.js';
import type { Out } from '../step-out.js';
import { cursorMoved } from '../voice.js';
import { changeLevel, enterChangeLevel } from './change-level.js';
import { chooseScope } from './choose-scope.js';
import { giveRating } from './rate.js';
import { backToReasons, keepReasonsOpen, submitReasons, toggleReason } from './reasons.js';
import { endSession } from './thanks.js';

export function onIntent(
  state: CoreState,
  s: Session,
  out: Out,
  now: number,
  ids: FreshIds,
  intent: Intent,
  source: IntentSource,
): void {
  const phase = s.phase;
  switch (intent.type) {
    case 'rate': {
      if (phase.kind === 'rate') giveRating(state, s, out, now, ids, phase.target, intent.level, source);
      else if (phase.kind === 'change') changeLevel(state, s, out, now, phase.rating, intent.level, source);
      return;
    }
    case 'choose_scope': {
      if (phase.kind === 'choose_scope') chooseScope(state, s, out, now, intent.scope);
      return;
    }
    case 'toggle_reason': {
      if (phase.kind === 'reasons' || phase.kind === 'indicators')
        toggleReason(state, s, out, now, phase, intent.code, source);
      return;
    }
    case 'submit_reasons': {
      if (phase.kind === 'reasons' || phase.kind === 'indicators') submitReasons(state, s, out, now, phase);
      return;
    }
    case 'change_level': {
      if (phase.kind === 'reasons') enterChangeLevel(state, s, out, now, phase.rating, phase.since);
      return;
    }
    case 'back_to_reasons': {
      if (phase.kind === 'change') backToReasons(state, s, out, now, phase);
      return;
    }
    case 'decline': {
      // Rating is voluntary. After some departments were rated, declining the rest
      // leaves the prompt rated with what was given.
      if (phase.kind !== 'rate' && phase.kind !== 'choose_scope') return;
      endSession(state, s, out, now, s.ratings.length > 0 ? 'rated' : 'declined');
      return;
    }
    case 'language': {
      // A touch like any other on the reasons screen (and its change-level screen): the
      // citizen is there, reading. Elsewhere it changes nothing the engine keeps.
      if (phase.kind !== 'reasons' && phase.kind !== 'change') return;
      keepReasonsOpen(state, s, now, phase);
      out.render = true;
      return;
    }
    case 'real_name': {
      if (!s.citizen || phase.kind === 'reasons' || phase.kind === 'indicators') return;
      s.realName = intent.on;
      out.render = true;
      return;
    }
  }
}

/** A keypad press: the intent its key has on this screen, or the list's cursor moved. */
export function onKey(
  state: CoreState,
  s: Session,
  out: Out,
  now: number,
  ids: FreshIds,
  position: number,
): void {
  const intent = keyIntent(state, s, position);
  if (intent) onIntent(state, s, out, now, ids, intent, 'keypad');
  else moveCursor(state, s, out, now, position);
}

/** What a keypad position means on the current screen, if it maps to an intent. */
function keyIntent(state: CoreState, s: Session, position: number): Intent | null {
  const phase = s.phase;
  switch (phase.kind) {
    case 'choose_scope':
      if (position === SCOPE_KEYS.overall) return { type: 'choose_scope', scope: 'overall' };
      if (position === SCOPE_KEYS.department) return { type: 'choose_scope', scope: 'department' };
      return null;
    case 'rate':
    case 'change': {
      const level = levelAtPosition(state.config.keymap, position);
      return level ? { type: 'rate', level } : null;
    }
    case 'reasons': {
      if (position === REASON_KEYS.submit) return { type: 'submit_reasons' };
      if (position === REASON_KEYS.change) return { type: 'change_level' };
      if (position === REASON_KEYS.toggle) return toggleAtCursor(state, s, phase.rating, phase.cursor);
      return null;
    }
    case 'indicators': {
      if (position === INDICATOR_KEYS.done) return { type: 'submit_reasons' };
      if (position === INDICATOR_KEYS.toggle) return toggleAtCursor(state, s, phase.rating, phase.cursor);
      return null;
    }
  }
}

function toggleAtCursor(state: CoreState, s: Session, rating: number, cursor: number): Intent | null {
  const reason = reasonsFor(state.config.catalogue, ratingAt(s, rating).level)[cursor];
  return reason ? { type: 'toggle_reason', code: reason.code } : null;
}

/** Keys 1 and 2 on a reasons or indicators screen move the cursor round its list. */
function moveCursor(state: CoreState, s: Session, out: Out, now: number, position: number): void {
  const phase = s.phase;
  if (phase.kind !== 'reasons' && phase.kind !== 'indicators') return;
  const count = reasonsFor(state.config.catalogue, ratingAt(s, phase.rating).level).length;
  if (count === 0) return;
  if (position === REASON_KEYS.previous) phase.cursor = (phase.cursor + count - 1) % count;
  else if (position === REASON_KEYS.next) phase.cursor = (phase.cursor + 1) % count;
  else return;
  // A 差评's reasons screen waits while the citizen is busy with it; a 好评's ends on time.
  if (phase.kind === 'reasons') keepReasonsOpen(state, s, now, phase);
  out.say(cursorMoved(state, s));
  out.render = true;
}
