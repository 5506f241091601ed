// The resolved configuration the rest of the terminal runs on: plain data, every
// default filled in, every path absolute. Only src/config/load.ts builds one.

import type { Keymap } from '../core/levels.js';
import type { VoiceGuide } from '../core/voice.js';
import type { PlatformSection } from '../profiles/registry.js';
import { BUILT_IN_PROFILES, type ProfileRegistry, profileNamed } from '../profiles/registry.js';
import type { CompatSection } from './compat-schema.js';

export type TerminalMode = 'counter' | 'kiosk';
export type KeypadDriver = 'frame' | 'ascii' | 'hid' | 'none';

export interface TerminalSection {
  id: string;
  mode: TerminalMode;
  windowNo: string;
  hallName: string;
  /** 行政区划代码, 6 or 12 digits. */
  areaCode: string;
  /** A try-out terminal: every screen says 培训模式, ratings are stored marked training, never forwarded. */
  training: boolean;
}

export interface KeypadSection {
  driver: KeypadDriver;
  /** A serial device name as written (COM3, /dev/ttyUSB0) or "auto"; null when not set. */
  path: string | null;
  /** Lower-case "vid:pid" pairs that "auto" may probe. */
  autoIds: string[];
  baudRate: number;
  /** keymap[i] is the satisfaction code of position i + 1. */
  keymap: Keymap;
  /** hidKeys[i] lists the KeyboardEvent.code names of position i + 1. */
  hidKeys: string[][];
  debounceMs: number;
}

export interface StoreSection {
  path: string;
  keyFile: string;
  retentionDays: number;
}

export interface LogSection {
  /** Holds LOG_FILE_NAME and its rotations (LOG_FILE_NAME.1 … .N). */
  dir: string;
}

/** The log file's name in log.dir: the engine writes it, doctor checks it can. */
export const LOG_FILE_NAME = 'terminal.log';

// The resolved `platform.*` of each profile is the profile's own (src/profiles).

export interface ApiSection {
  host: string;
  port: number;
  /** null means no auth, which the schema allows only on a loopback host. */
  token: string | null;
  revealRatings: boolean;
  /** Canonical origins (scheme://host[:port]), compared as exact strings. */
  corsOrigins: string[];
  /** Requests a second each client address may send (GET /v1/health counted apart). */
  rateLimit: number;
}

export interface QrSection {
  baseUrl: string;
  secret: string;
  ttlSeconds: number;
  staticUrl: string | null;
}

export interface InviteSection {
  enabled: boolean;
  service: { code: string; name: string };
}

export interface PromptSection {
  timeoutSeconds: number;
  reasonsTimeoutSeconds: number;
  /** `optional`: a 好评 is followed by its level's indicators, which the citizen may skip. */
  goodIndicators: 'off' | 'optional';
  invite: InviteSection;
}

export interface UiSection {
  host: string;
  port: number;
  volume: number;
  /** What the terminal says aloud (docs/voice.md). */
  voiceGuide: VoiceGuide;
  /** Absolute path of the folder of hall notices shown on the idle screen, or null. */
  idleSlides: string | null;
  /** How long each notice shows before the next. */
  idleSlideSeconds: number;
  /** The screens' bridge admits only connections carrying it; required off loopback. */
  token: string | null;
}

export interface DiagnosticsSection {
  /** null disables the technicians' screen. */
  pin: string | null;
}

export interface FleetSection {
  /** mqtt://HOST:PORT or mqtts://HOST:PORT. */
  url: string;
  username: string | null;
  password: string | null;
  /** Absolute path of a PEM file (the broker's private CA), or null. */
  ca: string | null;
  topicPrefix: string;
  /** Filled in from terminal.areaCode when not configured. */
  hallId: string;
  keepaliveSeconds: number;
  stateIntervalSeconds: number;
  badRatingEvents: boolean;
  /** Days of hourly counts (`T/stats/{day}`) kept retained on the broker; older ones are cleared. */
  statsDays: number;
}

export interface TerminalConfig {
  terminal: TerminalSection;
  keypad: KeypadSection;
  store: StoreSection;
  log: LogSection;
  platform: PlatformSection | null;
  api: ApiSection;
  qr: QrSection | null;
  prompt: PromptSection;
  /** Absolute path of a reasons catalogue; null = the built-in one. */
  reasons: string | null;
  ui: UiSection;
  diagnostics: DiagnosticsSection;
  /** The hall's MQTT broker; null: the terminal reports to no broker. */
  fleet: FleetSection | null;
  /** Listeners for the protocols business systems already speak (compat.gwq). */
  compat: CompatSection;
  /** The file this was read from (absolute), or null for the built-in defaults. */
  source: { file: string | null };
}

/** What stands in for a secret wherever a configuration is shown. */
export const REDACTED = '***';

/**
 * A copy that is safe to log or show: secrets (the platform keys its profile marks
 * secret, api.token, qr.secret, ui.token, fleet.password, compat.gwq.token, and the
 * diagnostics PIN, which guards a screen) are replaced by "***". An unset secret stays
 * null so the copy still tells whether one is configured.
 */
export function describeConfig(
  config: TerminalConfig,
  profiles: ProfileRegistry = BUILT_IN_PROFILES,
): TerminalConfig {
  const copy = structuredClone(config);
  if (copy.platform !== null) copy.platform = redactPlatform(copy.platform, profiles);
  if (copy.api.token !== null) copy.api.token = REDACTED;
  if (copy.qr !== null) copy.qr.secret = REDACTED;
  if (copy.ui.token !== null) copy.ui.token = REDACTED;
  if (copy.diagnostics.pin !== null) copy.diagnostics.pin = REDACTED;
  if (copy.fleet?.password) copy.fleet.password = REDACTED;
  if (copy.compat.gwq?.token) copy.compat.gwq.token = REDACTED;
  return copy;
}

function redactPlatform(platform: PlatformSection, profiles: ProfileRegistry): PlatformSection {
  // A profile this registry does not know: every key any profile calls secret.
  const own = profileNamed(profiles, platform.profile);
  const keys = own ? [own] : profiles;
  const copy: Record<string, unknown> = { ...platform };
  for (const profile of keys) {
    for (const [name, key] of Object.entries(profile.keys)) {
      if (key.secret && copy[name] !== null && copy[name] !== undefined) copy[name] = REDACTED;
    }
  }
  return copy as unknown as PlatformSection;
}
