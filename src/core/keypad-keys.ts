// What the keypad's five keys mean on each screen (the screens show the same hints), and
// what a keypad that joins late is told. Which key a press means is worked out in
// prompt/intent.ts, which lights are on in prompt/enter.ts.

import type { KeypadCommand } from './effects.js';
import { lightsFor } from './prompt/enter.js';
import type { CoreState } from './state.js';

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

/**
 * ARM and LEDS as they stand now: armed and lit while a prompt is on screen, closed
 * and dark otherwise (the fault screen too). What a keypad that joins late is told.
 */
export function keypadCommandsFor(state: CoreState): KeypadCommand[] {
  const session = state.storeOk ? state.session : null;
  return [{ kind: 'arm', on: session !== null }, lightsFor(session?.phase ?? null)];
}
