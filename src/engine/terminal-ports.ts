// What the Terminal needs (its deps), who listens to it, and the shapes of its
// answers: kept apart from src/engine/terminal.ts so the engine's loop reads alone.

import type { Clock } from '../base/clock.js';
import type { Logger } from '../base/logger.js';
import type { KeypadCommand, PromptChange, Reply } from '../core/effects.js';
import type { PromptRequest } from '../core/events.js';
import type {
  CoreConfig,
  KeypadFault,
  KeypadState,
  PlatformState,
  PromptSource,
  PromptStatus,
  QrCode,
  RatingRecord,
} from '../core/model.js';
import type { QueueCounts } from '../core/summaries.js';
import type { ViewState } from '../core/view.js';
import type { RatingStore } from '../store/store.js';
import type { PageSource } from '../sync/page-source.js';

export interface TerminalDeps {
  config: CoreConfig;
  /** Opens the store; called again after a failure until it works. */
  openStore: () => RatingStore;
  clock?: Clock;
  newId?: () => string;
  log?: Logger;
  /** Key codes of a keyboard-wedge keypad (driver hid), position 1 first; empty for other drivers. */
  hidKeys?: string[][];
  /** Makes the QR code of a prompt; null when no QR is configured. */
  qrFor?: (facts: QrFacts) => QrCode | null;
  /** The URL mode: where the platform's rating pages come from (with `platformPage` in the config). */
  pages?: PageSource | null;
}

export interface QrFacts {
  promptId: string;
  request: PromptRequest;
  clerkId: string | null;
  now: number;
}

export interface TerminalListeners {
  view?: (view: ViewState) => void;
  /** Clips to say one after another, instead of whatever is being said (none: stop). */
  sound?: (clips: string[]) => void;
  keypad?: (command: KeypadCommand) => void;
  /** A prompt opened or changed: its status as of that change, and whether it is final. */
  prompt?: (promptId: string, change: PromptChange) => void;
  /**
   * The prompt is over (exactly once per prompt, after its last `prompt` call): read its
   * records with `getPrompt` if needed. `status` is `rated`, `expired`, `declined` or `cancelled`.
   */
  promptFinal?: (final: PromptFinal) => void;
  /** The queue for the platform changed (a rating committed or final): the forwarder counts again. */
  forward?: () => void;
  /** The keypad's state or fault changed. */
  keypadState?: (state: KeypadState, fault: KeypadFault) => void;
  /** The platform link's state or queue changed. */
  platformState?: (state: PlatformState, pending: number) => void;
  /** Records became final and are committed: the moment they are queued for the platform. */
  final?: (records: RatingRecord[]) => void;
}

export interface PromptFinal {
  promptId: string;
  status: PromptStatus;
  source: PromptSource;
}

/** `retried`: the request repeated the prompt on screen, which is the one answered. */
export type OpenPromptReply = Reply & {
  promptId?: string;
  expiresAt?: number;
  qr?: QrCode | null;
  retried?: boolean;
};

export interface Health {
  store: 'ok' | 'unavailable';
  storeMessage: string | null;
  keypad: KeypadState;
  keypadFault: KeypadFault;
  platform: PlatformState;
  queue: QueueCounts | null;
  /** A training terminal: its ratings are kept marked training and never forwarded. */
  training: boolean;
}
