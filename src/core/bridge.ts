// The one contract between the engine and the screens, whatever carries it (Electron
// IPC or the serve shell's WebSocket). Messages up are untrusted input: each is checked
// against the JSON Schemas below before it reaches the rules. The schemas are plain
// data, so the core stays free of any validator; src/engine/up-messages.ts compiles
// them (with ajv, as the local API's schemas are).

import type { DiagnosticsAnswer } from './diagnostics-view.js';
import { SCREEN_LANGS } from './english.js';
import type { Intent } from './events.js';
import { LEVELS } from './levels.js';
import type { ViewState } from './view.js';
import { CLIP_NAME_PATTERN } from './voice.js';

export type DownMessage =
  | { type: 'view'; view: ViewState }
  /**
   * Say `clips` (/sounds/NAME.wav) one after another, each once the one before ended,
   * instead of whatever the screen is still saying; an empty list only stops it.
   */
  | { type: 'sound'; clips: string[]; volume: number }
  /** Keyboard-wedge keypads: which key codes (KeyboardEvent.code) mean positions 1–5. */
  | { type: 'hid_keys'; keys: string[][] }
  /** Whether `diagnostics.pin` is set: without it the screens offer no way into diagnostics. */
  | { type: 'diagnostics_enabled'; enabled: boolean }
  /** Only to the screen that asked, with the right PIN. */
  | DiagnosticsAnswer
  /**
   * Only to the sender of a message that did nothing: `invalid` when it is not one this
   * contract knows, `failed` when the terminal could not carry it out. The screens
   * ignore it (they only ever send valid messages); it tells any other sender that the
   * message was read and dropped.
   */
  | { type: 'refused'; reason: RefusedReason };

export type RefusedReason = 'invalid' | 'failed';

export type UpMessage =
  | { type: 'intent'; intent: Intent }
  | { type: 'hid_key'; code: string }
  | { type: 'diagnostics_open'; pin: string }
  | { type: 'diagnostics_retry'; pin: string }
  /**
   * The screen's browser would not play a sound (Chromium refuses audio without a user
   * gesture unless started with --autoplay-policy=no-user-gesture-required): `reason`
   * is the error's name, e.g. NotAllowedError. Shown to technicians in diagnostics.
   */
  | { type: 'sound_refused'; name: string; reason: string };

/** A message up is at most this many UTF-16 units of JSON text. */
export const MAX_UP_MESSAGE_LENGTH = 4096;
/** Reason codes and key codes: at most this many UTF-16 units. */
export const MAX_CODE_LENGTH = 64;
/** A PIN as typed: at most this many UTF-16 units (the engine checks the digits). */
export const MAX_PIN_LENGTH = 32;

// Each object schema lists its keys with additionalProperties: false; the validator is
// compiled to drop unknown keys rather than refuse them, so a message with an extra key
// is accepted (as it always was) and reaches the engine without it.
function shape(
  type: string,
  properties: Record<string, object> = {},
): { properties: Record<string, object>; required: string[]; additionalProperties: false } {
  return {
    properties: { type: { const: type }, ...properties },
    required: ['type', ...Object.keys(properties)],
    additionalProperties: false,
  };
}

const code = { type: 'string', maxLength: MAX_CODE_LENGTH };
const pin = { type: 'string', maxLength: MAX_PIN_LENGTH };
/** A clip's file name without `.wav`: nothing that could name another path. */
const clipName = { type: 'string', pattern: CLIP_NAME_PATTERN };

/** The closed set of intents a screen may send. */
const INTENT_SCHEMA = {
  type: 'object',
  properties: { type: { type: 'string' } },
  required: ['type'],
  discriminator: { propertyName: 'type' },
  oneOf: [
    shape('rate', { level: { enum: [...LEVELS] } }),
    shape('choose_scope', { scope: { enum: ['overall', 'department'] } }),
    shape('toggle_reason', { code }),
    shape('submit_reasons'),
    shape('change_level'),
    shape('back_to_reasons'),
    shape('decline'),
    shape('real_name', { on: { type: 'boolean' } }),
    shape('language', { lang: { enum: [...SCREEN_LANGS] } }),
    shape('dismiss'),
  ],
} as const;

/** Every message a screen may send up. */
export const UP_MESSAGE_SCHEMA = {
  type: 'object',
  properties: { type: { type: 'string' } },
  required: ['type'],
  discriminator: { propertyName: 'type' },
  oneOf: [
    shape('intent', { intent: INTENT_SCHEMA }),
    shape('hid_key', { code }),
    shape('diagnostics_open', { pin }),
    shape('diagnostics_retry', { pin }),
    shape('sound_refused', { name: clipName, reason: code }),
  ],
} as const;
