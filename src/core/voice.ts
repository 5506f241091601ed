// What the terminal says aloud, as lists of clip names (assets/sounds/NAME.wav) the screens
// play one after another. A list, not one recording, because the keys follow
// `keypad.keymap`: "按1，非常满意" on one hall's keypad is "按1，非常不满意" on another's.
//
// After a press the terminal says only that the rating was received, never its level:
// the clerk and the queue would hear it.

import { levelAtPosition } from './levels.js';
import { REASONS_MAX_TIMEOUTS, reasonsFor } from './reasons.js';
import { type CoreState, ratingAt, type Session } from './state.js';

/**
 * `ui.voiceGuide`. off: only the thank-you. prompt (default): each screen that asks for a
 * choice says so once, with which key gives which choice. full: also how to move on the
 * reasons screen, the reason under the cursor whenever the keypad moves it, and whether a
 * key chose or dropped it — for halls that serve blind citizens.
 */
export const VOICE_GUIDES = ['off', 'prompt', 'full'] as const;

export type VoiceGuide = (typeof VOICE_GUIDES)[number];

/** The clips every terminal ships; reason clips (`reason_<code>`) come on top. */
export const FIXED_CLIPS = [
  'welcome',
  'please_rate',
  'choose_scope',
  'scope_overall',
  'scope_department',
  'rate_overall',
  'department_first',
  'department_next',
  'rate_again',
  'key_1',
  'key_2',
  'key_3',
  'key_4',
  'key_5',
  'level_5',
  'level_4',
  'level_3',
  'level_2',
  'level_1',
  'choose_reasons',
  'reasons_keys',
  'reason_selected',
  'reason_unselected',
  'time_left_extend',
  'time_left_final',
  'thanks',
] as const;

export type FixedClip = (typeof FIXED_CLIPS)[number];

/** A clip's name is its file's name: letters, digits, "_" and "-" (a reason code fits). */
export const CLIP_NAME_PATTERN = '^[A-Za-z0-9_-]{1,64}$';

/** The clip that reads a reason of the catalogue aloud; a hall records its own by code. */
export function reasonClip(code: string): string {
  return `reason_${code}`;
}

/** The reasons screen's last seconds are said aloud this long before its deadline. */
export const TIME_LEFT_WARNING_MS = 10_000;

function guide(state: CoreState): VoiceGuide {
  return state.config.voiceGuide ?? 'prompt';
}

/** "按1，非常满意；按2，满意；…" in the keypad's own order. */
function levelChoices(state: CoreState): string[] {
  const clips: string[] = [];
  for (let position = 1; position <= 5; position++) {
    const level = levelAtPosition(state.config.keymap, position);
    if (level) clips.push(`key_${position}`, `level_${level}`);
  }
  return clips;
}

/** Said when a prompt's first screen shows: the 并联审批 choice, or the five levels. */
export function promptOpened(state: CoreState, s: Session): string[] {
  if (guide(state) === 'off') return [];
  if (s.phase.kind === 'choose_scope')
    return ['please_rate', 'choose_scope', 'key_1', 'scope_overall', 'key_2', 'scope_department'];
  return ['please_rate', ...levelChoices(state)];
}

/** After the 并联审批 choice: the levels for all departments at once, or for the first. */
export function scopeChosen(state: CoreState, scope: 'overall' | 'department'): string[] {
  if (guide(state) === 'off') return [];
  return [scope === 'overall' ? 'rate_overall' : 'department_first', ...levelChoices(state)];
}

/** The next department of a per-department sequence asks for its own level. */
export function departmentAsked(state: CoreState): string[] {
  if (guide(state) === 'off') return [];
  return ['department_next', ...levelChoices(state)];
}

/** A 差评's level is being changed (key 4 on the reasons screen). */
export function levelAskedAgain(state: CoreState): string[] {
  if (guide(state) === 'off') return [];
  return ['rate_again', ...levelChoices(state)];
}

/** The rating was received: never its level. */
export function ratingReceived(): string[] {
  return ['thanks'];
}

export function welcomed(state: CoreState): string[] {
  return guide(state) === 'off' ? [] : ['welcome'];
}

/** The reason under the cursor of the reasons screen, and whether it is chosen. */
function focusedReason(state: CoreState, s: Session): string[] {
  if (s.phase.kind !== 'reasons') return [];
  const rating = ratingAt(s, s.phase.rating);
  const reason = reasonsFor(state.config.catalogue, rating.level)[s.phase.cursor];
  if (!reason) return [];
  return [reasonClip(reason.code), ...(rating.reasons.includes(reason.code) ? ['reason_selected'] : [])];
}

/** A 差评 asks for its reasons. */
export function reasonsAsked(state: CoreState, s: Session): string[] {
  const g = guide(state);
  if (g === 'off') return [];
  if (g === 'prompt') return ['choose_reasons'];
  return ['choose_reasons', 'reasons_keys', ...focusedReason(state, s)];
}

/** The keypad moved the reasons screen's cursor (full only). */
export function cursorMoved(state: CoreState, s: Session): string[] {
  return guide(state) === 'full' ? focusedReason(state, s) : [];
}

/** The keypad chose or dropped the reason under the cursor (full only). */
export function reasonToggled(state: CoreState, chosen: boolean): string[] {
  if (guide(state) !== 'full') return [];
  return [chosen ? 'reason_selected' : 'reason_unselected'];
}

/**
 * When the reasons screen's last seconds are to be said aloud, or null: once for each
 * deadline (a key that gives the citizen more time earns a new warning later), never on
 * a screen whose whole time is that short, never with the guide off.
 */
export function timeWarningAt(state: CoreState): number | null {
  const s = state.session;
  if (s?.phase.kind !== 'reasons' || guide(state) === 'off') return null;
  if (state.config.reasonsTimeoutMs <= TIME_LEFT_WARNING_MS) return null;
  if (s.warnedDeadline === s.deadline) return null;
  return s.deadline - TIME_LEFT_WARNING_MS;
}

/**
 * The warning's words: a key extends the time until the screen has had
 * REASONS_MAX_TIMEOUTS times its length; after that the time runs out whatever is pressed.
 */
export function timeWarning(state: CoreState, s: Session): string[] {
  if (s.phase.kind !== 'reasons') return [];
  return [canExtend(state, s) ? 'time_left_extend' : 'time_left_final'];
}

/** Whether a key on the reasons screen would still give the citizen more time. */
export function canExtend(state: CoreState, s: Session): boolean {
  if (s.phase.kind !== 'reasons' && s.phase.kind !== 'change') return false;
  return s.deadline < s.phase.since + REASONS_MAX_TIMEOUTS * state.config.reasonsTimeoutMs;
}
