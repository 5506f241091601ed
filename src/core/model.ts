// The nouns of the rating terminal, shared by every layer. Plain data only.

import type { Keymap, Level } from './levels.js';
import type { GoodIndicators, ReasonsCatalogue } from './reasons.js';

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

export interface QrCode {
  url: string;
  svg: string;
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
}
