// Loads the configuration file into a TerminalConfig: parse, validate, fill the
// defaults that depend on the machine or on other keys, make paths absolute.
// It never throws: a technician gets lines to act on, the caller decides to stop.

import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { Keymap } from '../core/levels.js';
import { BUILT_IN_TERMINAL_ID } from '../core/training.js';
import type { PlatformSection } from '../profiles/registry.js';
import { BUILT_IN_PROFILES, type ProfileRegistry, profileNamed } from '../profiles/registry.js';
import { resolveCompat } from './compat-schema.js';
import { emptyFileLine, issueLines, notKeysLine, plainErrorMap, unexpectedLine } from './messages.js';
import { resolvePlatform } from './platform-config.js';
import { profileKeysOf } from './platform-schema.js';
import { readYamlFile } from './read-yaml-file.js';
import { type ConfigFile, configFileSchemaFor, secretKeysOf } from './schema.js';
import type { TerminalConfig } from './terminal-config.js';
import { userDataDir } from './user-data-dir.js';

export type { TerminalConfig } from './terminal-config.js';
export { describeConfig } from './terminal-config.js';

export type ConfigResult =
  | { ok: true; config: TerminalConfig; warnings: string[] }
  | { ok: false; errors: string[] };

export interface ConfigEnvironment {
  /** Replaces the user-data folder (and HAOCHAPING_DATA_DIR) for default paths. */
  dataDir?: string;
  /** The platform profiles this build speaks; default the built-in ones (src/profiles/registry.ts). */
  profiles?: ProfileRegistry;
}

/**
 * What `serve` runs on without --config: a try-out terminal. It is always a training
 * terminal, so nothing rated on it can ever reach a platform.
 */
export const BUILT_IN_CONFIG = {
  terminal: { id: BUILT_IN_TERMINAL_ID, areaCode: '000000', training: true },
} as const;

/**
 * The built-in defaults keep their data in this folder inside the user-data folder, so
 * try-out ratings never sit in the database a configured terminal uses.
 */
const TRAINING_DIR_NAME = 'training';

const BUILT_IN_LABEL = 'built-in defaults';

export const DEFAULT_DATABASE_NAME = 'terminal.db';
export const DEFAULT_KEY_FILE_NAME = 'terminal.key';
export const DEFAULT_LOG_DIR_NAME = 'logs';

/** Values copied from samples and templates; a live terminal must not sign with them. */
const SAMPLE_SECRETS = new Set([
  '…',
  '...',
  'change-me',
  'changeme',
  'change_me',
  'replace-me',
  'secret',
  'token',
  'password',
  'xxx',
  'todo',
]);

const SECRET_ADVICE: Record<string, string> = {
  'api.token': 'set a long random token and give it to the business system',
  'qr.secret': 'set the secret shared with the rating page',
  'ui.token': 'set a long random token and give it to the screen as ?token=',
  'fleet.password': "set the password the broker's administrator issued for this terminal",
  'compat.gwq.token': 'set a long random token and give it to the relay with --token-file',
};

function isSample(secret: unknown): boolean {
  return typeof secret === 'string' && SAMPLE_SECRETS.has(secret.trim().toLowerCase());
}

function tryOutIdWarnings(label: string, file: ConfigFile): string[] {
  const { id, training } = file.terminal;
  if (id !== BUILT_IN_CONFIG.terminal.id || training) return [];
  return [
    `${label}: terminal.id is still ${id}, the try-out id, so the terminal runs in training mode and forwards nothing; set this terminal's real number to take it into service`,
  ];
}

function sampleSecretWarnings(label: string, file: ConfigFile, profiles: ProfileRegistry): string[] {
  // The profiles' secrets a sample may leave behind, each with its profile's advice.
  const advice: Record<string, string> = { ...SECRET_ADVICE };
  const secrets: Record<string, unknown> = {};
  for (const [name, key] of profileKeysOf(profiles)) {
    if (key.sampleAdvice === undefined) continue;
    secrets[`platform.${name}`] = file.platform?.[name];
    advice[`platform.${name}`] = key.sampleAdvice;
  }
  Object.assign(secrets, {
    'api.token': file.api.token,
    'qr.secret': file.qr?.secret,
    'ui.token': file.ui.token,
    'fleet.password': file.fleet?.password,
    'compat.gwq.token': file.compat.gwq?.token,
  });
  return Object.entries(secrets)
    .filter(([, value]) => isSample(value))
    .map(([key]) => `${label}: ${key} is still a sample value; ${advice[key] ?? 'set the real secret'}`);
}

/** Relative to the configuration file's folder; "~/" means the home folder, as in a shell. */
function resolvePath(baseDir: string, written: string): string {
  if (written === '~') return homedir();
  if (written.startsWith('~/') || written.startsWith('~\\')) return join(homedir(), written.slice(2));
  return isAbsolute(written) ? resolve(written) : resolve(baseDir, written);
}

// The schema has already checked that the five entries are 1..5, each once.
function asKeymap(values: readonly number[]): Keymap {
  return [...values] as unknown as Keymap;
}

function resolveConfig(
  file: ConfigFile,
  platform: PlatformSection | null,
  baseDir: string,
  dataDir: string,
  source: string | null,
  profiles: ProfileRegistry,
): TerminalConfig {
  const storePath =
    file.store.path === null ? join(dataDir, DEFAULT_DATABASE_NAME) : resolvePath(baseDir, file.store.path);
  const besideStore = dirname(storePath);
  const { terminal, keypad, api, prompt, ui } = file;
  return {
    // DEV-0001 is the try-out id (migration 002 marks its old records training): a
    // terminal still carrying it is a training terminal, whatever terminal.training says.
    terminal: { ...terminal, training: terminal.training || terminal.id === BUILT_IN_CONFIG.terminal.id },
    keypad: {
      driver: keypad.driver,
      path: keypad.path,
      autoIds: keypad.autoIds.map((id) => id.toLowerCase()),
      baudRate: keypad.baudRate,
      keymap: asKeymap(keypad.keymap),
      hidKeys: keypad.hidKeys.map((keys) => [...keys]),
      debounceMs: keypad.debounceMs,
    },
    store: {
      path: storePath,
      keyFile:
        file.store.keyFile === null
          ? join(besideStore, DEFAULT_KEY_FILE_NAME)
          : resolvePath(baseDir, file.store.keyFile),
      retentionDays: file.store.retentionDays,
    },
    log: {
      dir:
        file.log.dir === null ? join(besideStore, DEFAULT_LOG_DIR_NAME) : resolvePath(baseDir, file.log.dir),
    },
    platform,
    api: { ...api, corsOrigins: [...api.corsOrigins] },
    qr: file.qr === null ? null : { ...file.qr },
    prompt: {
      timeoutSeconds: prompt.timeoutSeconds,
      reasonsTimeoutSeconds: prompt.reasonsTimeoutSeconds,
      goodIndicators: prompt.goodIndicators,
      // INVITE makes up 办件编号, which real platforms refuse: off by default with them.
      invite: {
        enabled:
          prompt.invite.enabled ??
          (platform === null ||
            (profileNamed(profiles, platform.profile)?.indicators.inviteByDefault ?? false)),
        service: { ...prompt.invite.service },
      },
    },
    reasons: file.reasons === null ? null : resolvePath(baseDir, file.reasons),
    ui: { ...ui, idleSlides: ui.idleSlides === null ? null : resolvePath(baseDir, ui.idleSlides) },
    diagnostics: { pin: file.diagnostics.pin },
    fleet:
      file.fleet === null
        ? null
        : {
            ...file.fleet,
            ca: file.fleet.ca === null ? null : resolvePath(baseDir, file.fleet.ca),
            hallId: file.fleet.hallId ?? terminal.areaCode,
          },
    compat: resolveCompat(file.compat),
    source: { file: source },
  };
}

function isKeyValueDocument(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function load(file: string | null, env: ConfigEnvironment): ConfigResult {
  const userData = userDataDir(env.dataDir);
  const dataDir = file === null ? join(userData, TRAINING_DIR_NAME) : userData;
  const label = file ?? BUILT_IN_LABEL;
  let raw: unknown = structuredClone(BUILT_IN_CONFIG);
  let source: string | null = null;
  let warnings: string[] = [];

  if (file !== null) {
    source = resolve(file);
    const read = readYamlFile(source, file, 'check the --config path');
    if (!read.ok) return read;
    if (read.value === undefined) {
      return { ok: false, errors: [emptyFileLine(file, 'terminal.id and terminal.areaCode are required')] };
    }
    if (!isKeyValueDocument(read.value)) {
      return { ok: false, errors: [notKeysLine(file, read.value, 'terminal: and keypad:')] };
    }
    raw = read.value;
    warnings = read.warnings;
  }

  const profiles = env.profiles ?? BUILT_IN_PROFILES;
  const configFileSchema = configFileSchemaFor(profiles);
  const parsed = configFileSchema.safeParse(raw, { error: plainErrorMap });
  if (!parsed.success) {
    return {
      ok: false,
      errors: issueLines(parsed.error.issues, {
        file: label,
        input: raw,
        schema: configFileSchema,
        secretKeys: secretKeysOf(profiles),
      }),
    };
  }
  const baseDir = source === null ? process.cwd() : dirname(source);
  const platform = resolvePlatform(
    profiles,
    label,
    parsed.data.platform,
    parsed.data.terminal.mode,
    (written) => resolvePath(baseDir, written),
  );
  if (!platform.ok) return platform;
  return {
    ok: true,
    config: resolveConfig(parsed.data, platform.platform, baseDir, dataDir, source, profiles),
    warnings: [
      ...warnings,
      ...platform.warnings,
      ...tryOutIdWarnings(label, parsed.data),
      ...sampleSecretWarnings(label, parsed.data, profiles),
    ],
  };
}

/**
 * Reads and checks a configuration file; `file === null` gives the built-in
 * defaults (terminal DEV-0001, area 000000, counter, hid keypad, no platform, no QR,
 * API on loopback without a token, a training terminal with its data in
 * `training/` inside the user-data folder). Never throws.
 */
export function loadConfig(file: string | null, env: ConfigEnvironment = {}): ConfigResult {
  try {
    return load(file, env);
  } catch (error) {
    return { ok: false, errors: [unexpectedLine(file ?? BUILT_IN_LABEL, error)] };
  }
}
