// Where the terminal keeps its database, key and logs by default, and which
// configuration file the app runs with when it is given none. The folder must be the
// one Electron's app.getPath('userData') gives, so the Electron app and `serve` share
// one store on the same machine.

import { accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import { join, posix, resolve, win32 } from 'node:path';

/** Electron derives the folder from this name (package.json "name"). */
export const APP_NAME = 'haochaping-terminal';

/** Overrides the user-data folder (tests, or a technician who wants the data elsewhere). */
export const DATA_DIR_ENV = 'HAOCHAPING_DATA_DIR';

export interface PlatformFacts {
  platform: NodeJS.Platform;
  env: Readonly<Record<string, string | undefined>>;
  home: string;
}

function currentFacts(): PlatformFacts {
  return { platform: process.platform, env: process.env, home: homedir() };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** Electron's userData folder for APP_NAME on this (or the given) platform. */
export function electronUserDataDir(facts: PlatformFacts = currentFacts()): string {
  const { platform, env, home } = facts;
  if (platform === 'win32') {
    const appData = nonEmpty(env.APPDATA) ?? win32.join(home, 'AppData', 'Roaming');
    return win32.join(appData, APP_NAME);
  }
  if (platform === 'darwin') {
    return posix.join(home, 'Library', 'Application Support', APP_NAME);
  }
  // Chromium takes any non-empty XDG_CONFIG_HOME as it is, relative ones included.
  const xdg = nonEmpty(env.XDG_CONFIG_HOME);
  return posix.resolve(xdg ?? posix.join(home, '.config'), APP_NAME);
}

/**
 * The folder to use: an explicit override first, then HAOCHAPING_DATA_DIR, then
 * Electron's userData folder. Always absolute.
 */
export function userDataDir(override?: string, facts: PlatformFacts = currentFacts()): string {
  const chosen = nonEmpty(override) ?? nonEmpty(facts.env[DATA_DIR_ENV]);
  return chosen === undefined ? electronUserDataDir(facts) : resolve(chosen);
}

/** A hall's machine-wide configuration, used before the user's own (Linux). */
export const SYSTEM_CONFIG_FILE = '/etc/haochaping/config.yaml';

/**
 * Names another machine-wide file (tests; the autostart watchdog reads the same
 * variable, build/linux/haochaping-terminal-session).
 */
export const SYSTEM_CONFIG_ENV = 'HCP_SYSTEM_CONFIG';

/** The user's own file's name in the user-data folder. */
export const USER_CONFIG_NAME = 'config.yaml';

export interface DefaultConfig {
  file: string;
  /** `machine`: the machine-wide file; `user`: config.yaml in the user-data folder. */
  where: 'machine' | 'user';
  /** The machine-wide file looked for first (null on Windows, which has none). */
  machineFile: string | null;
}

function readable(file: string): boolean {
  try {
    accessSync(file, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The configuration the app runs with when no --config is given — the one place that
 * decides it, for the Electron app and for doctor: the machine-wide file when this user
 * can read it, else config.yaml in the user-data folder (`dataDir`, or the usual one),
 * which may not exist yet (the Electron app then writes it from its template).
 */
export function defaultConfigFile(
  dataDir?: string,
  facts: PlatformFacts = currentFacts(),
  canRead: (file: string) => boolean = readable,
): DefaultConfig {
  const machineFile =
    facts.platform === 'win32' ? null : (nonEmpty(facts.env[SYSTEM_CONFIG_ENV]) ?? SYSTEM_CONFIG_FILE);
  if (machineFile !== null && canRead(machineFile))
    return { file: machineFile, where: 'machine', machineFile };
  const folder = userDataDir(dataDir, facts);
  return {
    file: facts.platform === 'win32' ? win32.join(folder, USER_CONFIG_NAME) : join(folder, USER_CONFIG_NAME),
    where: 'user',
    machineFile,
  };
}
