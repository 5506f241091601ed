// What the keypad's five keys mean on each screen (the screens show the same hints),
// and which of its lights are on.

import type { KeypadCommand } from './effects.js';
import type { Intent } from './events.js';
import { levelAtPosition } from './levels.js';
import { reasonsDeadline, reasonsFor } from './reasons.js';
import type { CoreState, GivenRating, Phase, Session } from './state.js';
import type { Out } from './step-out.js';
import { cursorMoved } from './voice.js';

/** The keypad positions on the reasons screen, shown to the citizen as hints. */
export const REASON_KEYS = { previous: 1, next: 2, toggle: 3, change: 4, submit: 5 } as const;

/**
 * On a 好评's optional indicators screen: the reasons screen's keys, so a citizen who
 * has seen one knows the other. Key 4 has no meaning there (a 好评 is not changed: it
 * is final at the press wherever this screen is off) and stays dark.
 */
export const INDICATOR_KEYS = { previous: 1, next: 2, toggle: 3, done: 5 } as const;

/** On the 并联审批 choice screen. */
export const SCOPE_KEYS = { overall: 1, department: 2 } as const;

/** All five rating keys lit. */
export const ALL_KEYS = 0b11111;

export function ledsFor(phase: Phase): number {
  if (phase.kind === 'choose_scope')
    return (1 << (SCOPE_KEYS.overall - 1)) | (1 << (SCOPE_KEYS.department - 1));
  if (phase.kind === 'indicators')
    return Object.values(INDICATOR_KEYS).reduce((mask, position) => mask | (1 << (position - 1)), 0);
  return ALL_KEYS;
}

/**
 * ARM and LEDS as they stand now: armed and lit while a prompt is on screen, closed
 * and dark otherwise (the fault screen too). What a keypad that joins late is told.
 */
export function keypadCommandsFor(state: CoreState): KeypadCommand[] {
  const session = state.storeOk ? state.session : null;
  if (!session) {
    return [
      { kind: 'arm', on: false },
      { kind: 'leds', mask: 0, blink: false },
    ];
  }
  return [
    { kind: 'arm', on: true },
    { kind: 'leds', mask: ledsFor(session.phase), blink: false },
  ];
}

/** What a keypad position means on the current screen, if it maps to an intent. */
export function keyIntent(state: CoreState, position: number): Intent | null {
  const phase = (state.session as Session).phase;
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
      if (position === REASON_KEYS.toggle) return toggleAtCursor(state, phase.rating, phase.cursor);
      return null;
    }
    case 'indicators': {
      if (position === INDICATOR_KEYS.done) return { type: 'submit_reasons' };
      if (position === INDICATOR_KEYS.toggle) return toggleAtCursor(state, phase.rating, phase.cursor);
      return null;
    }
  }
}

function toggleAtCursor(state: CoreState, rating: number, cursor: number): Intent | null {
  const given = (state.session as Session).ratings[rating] as GivenRating;
  const reason = reasonsFor(state.config.catalogue, given.level)[cursor];
  return reason ? { type: 'toggle_reason', code: reason.code } : null;
}

/** Keys 1 and 2 on a reasons or indicators screen move the cursor round its list. */
export function moveCursor(state: CoreState, out: Out, now: number, position: number) {
  const s = state.session as Session;
  if (s.phase.kind !== 'reasons' && s.phase.kind !== 'indicators') return;
  const rating = s.ratings[s.phase.rating] as GivenRating;
  const count = reasonsFor(state.config.catalogue, rating.level).length;
  if (count === 0) return;
  if (position === REASON_KEYS.previous) s.phase.cursor = (s.phase.cursor + count - 1) % count;
  else if (position === REASON_KEYS.next) s.phase.cursor = (s.phase.cursor + 1) % count;
  else return;
  // A 差评's reasons screen waits while the citizen is busy with it; a 好评's ends on time.
  if (s.phase.kind === 'reasons')
    s.deadline = reasonsDeadline(state.config.reasonsTimeoutMs, now, s.phase.since);
  out.say(cursorMoved(state, s));
  out.render = true;
}
