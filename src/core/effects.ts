// What must be done, in order. The engine runs them one after another and stops at
// a failed `persist`: nothing after it (a thank-you, a notification) may happen for
// data that is not on disk.

import type { ActivityLine } from './activity.js';
import type {
  ClerkState,
  PromptRecord,
  PromptSource,
  PromptStatus,
  RatingRecord,
  Service,
  ServiceFacts,
} from './model.js';

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
  /** A line of the hall's day for the technician's log (core/activity.ts says what it may hold). */
  | ({ type: 'log' } & ActivityLine)
  /**
   * The records a press became, committed now (never a reasons toggle, a changed level or
   * a draft finalised at start-up): logged as rating_committed.
   */
  | { type: 'rated'; records: RatingRecord[] }
  /**
   * Records committed final in this step (a rating final at its press, a 差评's reasons
   * done, drafts finalised at start-up), for what reports them (the fleet's 差评 alerts).
   * Not the prompt's end: that is `prompt_final`.
   */
  | { type: 'final'; records: RatingRecord[] }
  | { type: 'render' }
  /**
   * Say these clips (assets/sounds/NAME.wav) one after another, instead of whatever is
   * still being said; an empty list only silences the screens.
   */
  | { type: 'sound'; clips: string[] }
  | { type: 'keypad'; command: KeypadCommand }
  /** Tell the business system that this prompt changed (its event stream), as it stands now. */
  | ({ type: 'notify_prompt' } & PromptChange)
  /**
   * The prompt is over: nothing about it can change any more (every department rated or
   * the rest left, the last 差评's reasons done, or it expired, was declined or was
   * cancelled). Exactly once per prompt, after its last `notify_prompt`, which says the same.
   */
  | { type: 'prompt_final'; promptId: string; status: PromptStatus; source: PromptSource }
  /**
   * The queue for the platform changed: a rating was committed (a draft too: the queue
   * counts it from its press, whatever its level) or became final. Wakes the forwarder.
   */
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

/** One change of a prompt as the business system hears of it. */
export interface PromptChange {
  promptId: string;
  status: PromptStatus;
  /** Nothing about the prompt can change any more; the last change of every prompt, and only that one. */
  final: boolean;
  source: PromptSource;
}

/**
 * The rules' answer to an operation. `promptId`: on `open_prompt`, the prompt on screen
 * when the request repeats it (`retried`, a business system whose answer was lost) or
 * when it is refused as `prompt_open`.
 */
export type Reply =
  | { ok: true; promptId?: string; retried?: boolean }
  | { ok: false; code: ReplyError; message: string; promptId?: string };
