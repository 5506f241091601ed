// What happened, as the core hears it. Ids and facts the rules cannot compute
// themselves (was this transaction rated before? the QR code) come in with the event.

import type { ScreenLang } from './english.js';
import type { Level } from './levels.js';
import type {
  Citizen,
  Clerk,
  ClerkState,
  CoreConfig,
  Department,
  KeypadFault,
  KeypadState,
  PlatformState,
  PromptMode,
  PromptRecord,
  PromptSource,
  QrCode,
  RatingRecord,
  Service,
  ServiceFacts,
} from './model.js';

export interface PromptRequest {
  transactionId: string;
  service: Service;
  departments: Department[];
  mode: PromptMode;
  citizen: Citizen | null;
  /** The service's facts as the business system gave them; what is missing takes its default. */
  facts?: Partial<ServiceFacts>;
  /**
   * Who asks: the local API (the default), the GWQ listener, or the INVITE key (the core
   * sets that one itself). A `gwq` prompt gets no QR code and asks the platform for no
   * page: its 办件编号 is made up, so neither may carry it to a phone or a province.
   */
  source?: PromptSource;
  /** How long the prompt waits unanswered; absent: `prompt.timeoutSeconds`. */
  timeoutMs?: number;
}

/** What the citizen touched (or pressed, on a keyboard-wedge keypad). */
export type Intent =
  | { type: 'rate'; level: Level }
  | { type: 'choose_scope'; scope: 'overall' | 'department' }
  | { type: 'toggle_reason'; code: string }
  | { type: 'submit_reasons' }
  | { type: 'change_level' }
  | { type: 'back_to_reasons' }
  | { type: 'decline' }
  | { type: 'real_name'; on: boolean }
  /**
   * The citizen turned the screen to Chinese or English. The language is the screens'
   * own choice; the engine hears of it only as a touch, which on the reasons screen
   * gives the citizen its whole time again. Nothing of it reaches a record.
   */
  | { type: 'language'; lang: ScreenLang }
  /** A touch on a screen that only informs (a page shown as a QR code): it closes it. */
  | { type: 'dismiss' };

export type IntentSource = 'touch' | 'keypad';

export type CoreEvent =
  | { type: 'clerk_sign_in'; clerk: Clerk }
  | { type: 'clerk_sign_out' }
  | { type: 'clerk_status'; status: 'serving' | 'paused' }
  | {
      type: 'open_prompt';
      promptId: string;
      request: PromptRequest;
      alreadyRated: boolean;
      replace: boolean;
      qr: QrCode | null;
    }
  | { type: 'cancel_prompt'; promptId: string }
  | { type: 'intent'; intent: Intent; source: IntentSource }
  /** A rating-key position (1–5) from a keypad; its meaning depends on the screen. */
  | { type: 'key'; position: number }
  | { type: 'invite_key'; promptId: string; qr: QrCode | null }
  | { type: 'pause_key' }
  | { type: 'tick' }
  | { type: 'keypad_status'; state: KeypadState; fault: KeypadFault }
  | { type: 'platform_status'; state: PlatformState; pending: number; rejected: number }
  | { type: 'store_failed'; message: string }
  | { type: 'store_recovered' }
  | { type: 'config'; config: CoreConfig }
  /** Show a web page as a QR code (GWQ type 90), rendered by the engine; refused while a prompt is open. */
  | { type: 'show_page'; pageId: string; qr: { url: string; svg: string } }
  | { type: 'close_page'; pageId: string }
  /** The platform's rating page of a prompt arrived (the URL mode): its QR code. */
  | { type: 'platform_page'; promptId: string; qr: QrCode }
  | {
      type: 'recover';
      clerk: ClerkState | null;
      inviteSeq: number;
      drafts: RatingRecord[];
      unfinished: PromptRecord[];
      qr: QrCode | null;
    };

/** Fresh UUIDs the engine hands to every step; the core never makes randomness. */
export type FreshIds = readonly string[];
