// The one contract between the engine and the screens, whatever carries it (Electron
// IPC or the serve shell's WebSocket). Messages up are untrusted input: each is checked
// here before it reaches the rules.

import type { DiagnosticsAnswer } from './diagnostics-view.js';
import type { SoundName } from './effects.js';
import type { Intent } from './events.js';
import { isLevel } from './levels.js';
import type { ViewState } from './view.js';

export type DownMessage =
  | { type: 'view'; view: ViewState }
  | { type: 'sound'; name: SoundName; volume: number }
  /** Keyboard-wedge keypads: which key codes (KeyboardEvent.code) mean positions 1–5. */
  | { type: 'hid_keys'; keys: string[][] }
  /** Whether `diagnostics.pin` is set: without it the screens offer no way into diagnostics. */
  | { type: 'diagnostics_enabled'; enabled: boolean }
  /** Only to the screen that asked, with the right PIN. */
  | DiagnosticsAnswer;

export type UpMessage =
  | { type: 'intent'; intent: Intent }
  | { type: 'hid_key'; code: string }
  | { type: 'diagnostics_open'; pin: string }
  | { type: 'diagnostics_retry'; pin: string };

const MAX_CODE = 64;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseIntent(v: unknown): Intent | null {
  if (!isRecord(v)) return null;
  switch (v.type) {
    case 'rate':
      return isLevel(v.level) ? { type: 'rate', level: v.level } : null;
    case 'choose_scope':
      return v.scope === 'overall' || v.scope === 'department'
        ? { type: 'choose_scope', scope: v.scope }
        : null;
    case 'toggle_reason':
      return typeof v.code === 'string' && v.code.length <= MAX_CODE
        ? { type: 'toggle_reason', code: v.code }
        : null;
    case 'submit_reasons':
    case 'change_level':
    case 'back_to_reasons':
    case 'decline':
      return { type: v.type };
    case 'real_name':
      return typeof v.on === 'boolean' ? { type: 'real_name', on: v.on } : null;
    default:
      return null;
  }
}

/** A message from a screen, or null when it is not one the contract knows. */
export function parseUpMessage(raw: unknown): UpMessage | null {
  let v: unknown = raw;
  if (typeof raw === 'string') {
    if (raw.length > 4096) return null;
    try {
      v = JSON.parse(raw);
    } catch {
      return null;
    }
  }
  if (!isRecord(v)) return null;
  if (v.type === 'intent') {
    const intent = parseIntent(v.intent);
    return intent ? { type: 'intent', intent } : null;
  }
  if (v.type === 'hid_key' && typeof v.code === 'string' && v.code.length <= MAX_CODE) {
    return { type: 'hid_key', code: v.code };
  }
  if (
    (v.type === 'diagnostics_open' || v.type === 'diagnostics_retry') &&
    typeof v.pin === 'string' &&
    v.pin.length <= 32
  ) {
    return { type: v.type, pin: v.pin };
  }
  return null;
}
