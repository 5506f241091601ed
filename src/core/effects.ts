// What must be done, in order. The engine runs them one after another and stops at
// a failed `persist`: nothing after it (a thank-you, a notification) may happen for
// data that is not on disk.

import type { ClerkState, PromptRecord, PromptStatus, RatingRecord, Service, ServiceFacts } from './model.js';

export type StoreOp =
  | { op: 'prompt_open'; prompt: PromptRecord }
  /** open → rated, while the prompt is still on screen. */
  | { op: 'prompt_status'; id: string; status: PromptStatus }
  /** The prompt left the screen: its final status; the citizen's data is no longer needed. */
  | { op: 'prompt_end'; id: string; status: PromptStatus; at: number }
  /** Insert records, or update ones that are not final yet. */
  | { op: 'records_put'; records: RatingRecord[] }
  | { op: 'clerk'; clerk: ClerkState | null }
  | { op: 'invite_seq'; value: number };

export type KeypadCommand =
  | { kind: 'arm'; on: boolean }
  | { kind: 'leds'; mask: number; blink: boolean }
  | { kind: 'beep'; ms: number };

export type Effect =
  | { type: 'persist'; ops: StoreOp[] }
  | { type: 'render' }
  /**
   * Say these clips (assets/sounds/NAME.wav) one after another, instead of whatever is
   * still being said; an empty list only silences the screens.
   */
  | { type: 'sound'; clips: string[] }
  | { type: 'keypad'; command: KeypadCommand }
  /** Tell the business system that this prompt changed (its event stream). */
  | { type: 'notify_prompt'; promptId: string }
  /** Records became final: wake the forwarder. */
  | { type: 'forward' }
  /**
   * Ask the platform for its rating page of this prompt (the URL mode); the answer comes
   * back as a `platform_page` event. The prompt is open already: nothing waits for it.
   */
  | {
      type: 'fetch_page';
      promptId: string;
      transactionId: string;
      service: Service;
      facts: ServiceFacts;
    };

export type ReplyError =
  | 'prompt_open'
  | 'already_rated'
  | 'clerk_absent'
  | 'clerk_paused'
  | 'kiosk_has_no_clerk'
  | 'not_open'
  | 'not_found'
  | 'store_unavailable';

export type Reply = { ok: true } | { ok: false; code: ReplyError; message: string };
