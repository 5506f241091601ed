// The nouns of the rating terminal, shared by every layer. Plain data only.

import type { Keymap, Level } from './levels.js';
import type { GoodIndicators, ReasonsCatalogue } from './reasons.js';
import type { VoiceGuide } from './voice.js';

export interface Department {
  code: string;
  name: string;
}

export interface Service {
  code: string;
  name: string;
}

/** Real-name data the business system may pass. Personal: sealed at rest, never logged. */
export interface Citizen {
  name: string;
  idNumber: string;
  phone: string;
  /** 1 person, 2 legal person (the platform's userProp). */
  type: 1 | 2;
}

export interface Clerk {
  id: string;
  name: string;
  department: Department;
  photo: string | null;
  stars: number | null;
}

export type ClerkStatus = 'serving' | 'paused';

export interface ClerkState extends Clerk {
  status: ClerkStatus;
  /** A pause asked for while a prompt is on screen waits for the prompt to end. */
  pauseWhenDone: boolean;
}

export type PromptMode = 'single' | 'parallel' | 'package';
export type Scope = 'single' | 'overall' | 'department' | 'package';
export type PromptStatus = 'open' | 'rated' | 'expired' | 'declined' | 'cancelled';

/**
 * Who opened a prompt: the local API, the GWQ evaluator protocol (src/compat), or the
 * clerk's INVITE key. Kept with the prompt and told to the business system with it.
 */
export type PromptSource = 'api' | 'gwq' | 'invite';
export const PROMPT_SOURCES: readonly PromptSource[] = ['api', 'gwq', 'invite'];

/** 办件状态 as the platforms code it: 1 受理, 2 办理中, 3 已办结 (the default). */
export type ProStatus = '1' | '2' | '3';

/**
 * What the business system says of the service a prompt rates, as the real platforms
 * ask for it. Times are `yyyy-MM-dd HH:mm:ss` in UTC+8, as the platforms write them.
 */
export interface ServiceFacts {
  /** Which service of the 办件 this is (integer ≥ 1; default 1). */
  serviceNumber: number;
  proStatus: ProStatus;
  /** 受理时间, or null when not given. */
  acceptDate: string | null;
  /** When the service was given; the time the prompt opened when not given. */
  serviceTime: string;
  /** 办理项 code, or null when not given. */
  taskHandleItem: string | null;
}

export interface QrCode {
  url: string;
  svg: string;
  /** The province's own rating page (the URL mode), not the terminal's signed link. */
  page?: boolean;
}

/** A prompt as the store keeps it. */
export interface PromptRecord {
  id: string;
  transactionId: string;
  service: Service;
  departments: Department[];
  mode: PromptMode;
  citizen: Citizen | null;
  clerk: { id: string; name: string } | null;
  facts: ServiceFacts;
  source: PromptSource;
  status: PromptStatus;
  openedAt: number;
  expiresAt: number;
  endedAt: number | null;
}

/**
 * One rating of one department: the unit the platform receives. `final` is false
 * only while its indicators are still being chosen (a 差评's reasons, or a 好评's
 * optional indicators); only final records are sent.
 */
export interface RatingRecord {
  id: string;
  promptId: string;
  transactionId: string;
  /** 1 = first rating; 2 = a later added rating (追评). */
  assessNumber: 1 | 2;
  channel: number;
  level: Level;
  reasons: string[];
  comment: string;
  ratedAt: number;
  areaCode: string;
  service: Service;
  department: Department;
  clerk: { id: string; name: string } | null;
  scope: Scope;
  terminalId: string;
  windowNo: string;
  /** Present only when the citizen turned 实名评价 on for this rating. */
  citizen: Citizen | null;
  flags: string[];
  catalogueVersion: string;
  final: boolean;
  // The prompt's service facts, flat under the names the platform adapters read. Absent
  // in records kept before they existed: the adapters then apply the contract's defaults.
  serviceNumber?: number;
  proStatus?: ProStatus;
  /** Only when the business system gave it. */
  acceptDate?: string;
  serviceTime?: string;
  /** Only when the business system gave it. */
  taskHandleItem?: string;
}

export type KeypadState = 'online' | 'offline' | 'none';
export type KeypadFault = 'stuck_key' | null;
export type PlatformState = 'online' | 'offline' | 'auth_failed' | 'misconfigured' | 'unconfigured';

/** What the rules need to know of the configuration. */
export interface CoreConfig {
  terminalId: string;
  mode: 'counter' | 'kiosk';
  windowNo: string;
  hallName: string;
  areaCode: string;
  /** The record's `pf` channel code. */
  channel: number;
  keymap: Keymap;
  promptTimeoutMs: number;
  reasonsTimeoutMs: number;
  thanksMs: number;
  invite: { enabled: boolean; service: Service };
  catalogue: ReasonsCatalogue;
  /** Whether a 好评 is followed by its optional indicators screen. */
  goodIndicators: GoodIndicators;
  /** The hall's static QR code for idle screens, rendered by the engine. */
  staticQr: QrCode | null;
  /** A training terminal: every screen says so (its ratings are kept apart, never forwarded). */
  training: boolean;
  /**
   * The URL mode (`platform.urlMode: qr`): each prompt also asks the platform for its own
   * rating page. Never on a training terminal. Absent: off.
   */
  platformPage?: boolean;
  /** `ui.voiceGuide`: what the terminal says aloud (src/core/voice.ts). Absent: prompt. */
  voiceGuide?: VoiceGuide;
  /** The hall's notices for the idle screen (ui.idleSlides), as the engine found them. Absent: none. */
  idleSlides?: IdleSlides | null;
}

/** Notices shown in turn on the idle screen; the screens fetch each by its id. */
export interface IdleSlides {
  slides: { id: string; title: string }[];
  /** How long each shows. */
  seconds: number;
}
