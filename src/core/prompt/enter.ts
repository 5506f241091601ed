// Entering a phase of the prompt on screen: everything a screen needs when it appears
// (its phase, when it ends, when it was shown, the keypad's lights, what is said), in one
// place, so no phase can forget one of them. The keypad's lights are worked out here and
// nowhere else.

import type { KeypadCommand } from '../effects.js';
import { INDICATOR_KEYS, SCOPE_KEYS } from '../keypad-keys.js';
import type { PromptMode } from '../model.js';
import type { CoreState, Phase, Session } from '../state.js';
import type { Out } from '../step-out.js';

/** Every key lit. */
const ALL_KEYS = 0b11111;

const maskOf = (positions: number[]) => positions.reduce((mask, position) => mask | (1 << (position - 1)), 0);

/** The keys that mean something on a phase's screen; none when no prompt is on screen. */
function ledsFor(phase: Phase | null): number {
  if (!phase) return 0;
  if (phase.kind === 'choose_scope') return maskOf(Object.values(SCOPE_KEYS));
  if (phase.kind === 'indicators') return maskOf(Object.values(INDICATOR_KEYS));
  return ALL_KEYS;
}

/** The LEDS command for a phase's screen (`null`: nothing on screen, all dark). */
export function lightsFor(phase: Phase | null): KeypadCommand {
  return { kind: 'leds', mask: ledsFor(phase), blink: false };
}

/** Lights the keys of a phase's screen (`null`: no prompt, all dark). */
export function lightKeys(out: Out, phase: Phase | null): void {
  out.keypad(lightsFor(phase));
}

/** Where a prompt begins: a 并联审批 asks first how the citizen wants to rate it. */
export function firstPhase(mode: PromptMode): Phase {
  return mode === 'parallel' ? { kind: 'choose_scope' } : { kind: 'rate', target: 'all' };
}

/** What a new prompt and one picked up at start-up are made of; the rest is the same for both. */
export type SessionFacts = Omit<
  Session,
  'status' | 'realName' | 'phase' | 'deadline' | 'shownAt' | 'ratings' | 'warnedDeadline' | 'withdrawn'
>;

/** A prompt put on screen now, unanswered, at its first phase until it expires. */
export function newSession(facts: SessionFacts, now: number): Session {
  return {
    ...facts,
    status: 'open',
    realName: false,
    phase: firstPhase(facts.mode),
    deadline: facts.expiresAt,
    shownAt: now,
    ratings: [],
  };
}

/** The session takes the screen: the keypad is armed and lit for its first phase. */
export function putOnScreen(state: CoreState, out: Out, session: Session): void {
  state.session = session;
  out.keypad({ kind: 'arm', on: true });
  lightKeys(out, session.phase);
}

/**
 * The session goes on to `phase` until `deadline`: shown now (a press sooner than
 * humanly possible is flagged from here), its keys lit, and `voice` said once the phase
 * is set (what is said may depend on it).
 */
export function enterPhase(
  s: Session,
  out: Out,
  now: number,
  phase: Phase,
  deadline: number,
  voice: () => string[],
): void {
  s.phase = phase;
  s.deadline = deadline;
  s.shownAt = now;
  lightKeys(out, phase);
  out.say(voice());
  out.render = true;
}
