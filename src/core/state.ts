// The rules' whole memory. Everything the screens show and every deadline is derived
// from this.

import type { Level } from './levels.js';
import type {
  Citizen,
  ClerkState,
  CoreConfig,
  Department,
  KeypadFault,
  KeypadState,
  PlatformState,
  PromptMode,
  PromptSource,
  PromptStatus,
  QrCode,
  Scope,
  Service,
  ServiceFacts,
} from './model.js';
import type { PageQr } from './page-qr.js';
import { timeWarningAt } from './voice.js';

/** One level given by the citizen: the records it became, and its reasons so far. */
export interface GivenRating {
  recordIds: string[];
  /** Which departments (indexes into the prompt's list) the rating covers. */
  departments: number[];
  scope: Scope;
  level: Level;
  reasons: string[];
  ratedAt: number;
  flags: string[];
  realName: boolean;
  final: boolean;
}

export type Phase =
  /** 并联审批: 总体评价 or 分部门评价. */
  | { kind: 'choose_scope' }
  /** Rate everything at once (`target: 'all'`) or one department of a per-department sequence. */
  | { kind: 'rate'; target: 'all' | number }
  /** Choosing reasons for the 差评 `rating` (an index into `ratings`). */
  /** `since`: when the reasons screen first opened for this rating (its time is capped from then). */
  | { kind: 'reasons'; rating: number; cursor: number; since: number }
  /** The 好评 `rating` may add its level's indicators (`prompt.goodIndicators: optional`). */
  | { kind: 'indicators'; rating: number; cursor: number }
  /** Back from the reasons screen to change the 差评's level. */
  | { kind: 'change'; rating: number; since: number };

export interface Session {
  id: string;
  transactionId: string;
  service: Service;
  departments: Department[];
  mode: PromptMode;
  citizen: Citizen | null;
  clerk: { id: string; name: string } | null;
  facts: ServiceFacts;
  source: PromptSource;
  qr: QrCode | null;
  openedAt: number;
  expiresAt: number;
  status: PromptStatus;
  realName: boolean;
  phase: Phase;
  /** When the current phase ends on its own. */
  deadline: number;
  /** When the current screen appeared: a press sooner than humanly possible is flagged. */
  shownAt: number;
  ratings: GivenRating[];
  /** The reasons deadline whose last seconds were said aloud (said once for each). */
  warnedDeadline?: number;
  /**
   * The clerk's side ended the prompt (DELETE, sign-out) while the citizen was still on a
   * rating's reasons or indicators screen: that screen runs to its end, and the prompt
   * ends with it instead of going on to the next department.
   */
  withdrawn?: boolean;
}

/** The rating at `index` of the session; an index the rules did not make is a bug, said at once. */
export function ratingAt(s: Session, index: number): GivenRating {
  const rating = s.ratings[index];
  if (!rating) throw new Error(`core: the prompt ${s.id} has no rating ${index}`);
  return rating;
}

export interface CoreState {
  config: CoreConfig;
  clerk: ClerkState | null;
  session: Session | null;
  thanksUntil: number | null;
  /** The level last given, lit on the thank-you screen so the citizen sees their choice. */
  thanksLevel: Level | null;
  storeOk: boolean;
  storeMessage: string | null;
  keypad: { state: KeypadState; fault: KeypadFault };
  platform: { state: PlatformState; pending: number; rejected: number };
  inviteSeq: number;
  /** When the last rating of an earlier prompt was given (for the `burst` flag). */
  lastRatingAt: number | null;
  /** A web page shown as a QR code (GWQ type 90), when no prompt is open; absent: none. */
  pageQr?: PageQr | null;
}

export function initialState(config: CoreConfig): CoreState {
  return {
    config,
    clerk: null,
    session: null,
    thanksUntil: null,
    thanksLevel: null,
    storeOk: true,
    storeMessage: null,
    keypad: { state: 'none', fault: null },
    platform: { state: 'unconfigured', pending: 0, rejected: 0 },
    inviteSeq: 0,
    lastRatingAt: null,
  };
}

/** The earliest moment at which `tick` changes something, or null. */
export function nextDeadline(state: CoreState): number | null {
  const times = [
    state.session?.deadline,
    state.thanksUntil ?? undefined,
    state.pageQr?.until,
    timeWarningAt(state) ?? undefined,
  ].filter((t): t is number => typeof t === 'number');
  return times.length > 0 ? Math.min(...times) : null;
}
