// Where the terminal keeps its database, key and logs by default. It must be the
// folder Electron's app.getPath('userData') gives, so the Electron app and `serve`
// share one store on the same machine.

import { homedir } from 'node:os';
import { posix, resolve, win32 } from 'node:path';

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
