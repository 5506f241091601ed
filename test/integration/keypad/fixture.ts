// A real Terminal with a real store in a temp folder, a socat pty pair, and the keypad
// wiring on the terminal's end. Everything started is stopped after each test.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach } from 'vitest';
import type { Logger } from '../../../src/base/logger.js';
import type { KeypadSection } from '../../../src/config/terminal-config.js';
import type { CoreConfig } from '../../../src/core/model.js';
import {
  type KeypadHandle,
  type KeypadWiringOptions,
  startKeypad,
} from '../../../src/engine/keypad-wiring.js';
import { Terminal } from '../../../src/engine/terminal.js';
import { RatingStore } from '../../../src/store/store.js';
import { coreConfig } from '../../helpers/core-fixture.js';
import { type PtyPair, startPtyPair } from '../../helpers/socat.js';
import { tempDir } from '../../helpers/temp.js';

const cleanups: (() => Promise<void> | void)[] = [];

/** Registers a cleanup; they run last-registered first after each test. */
export function onCleanup(fn: () => Promise<void> | void): void {
  cleanups.push(fn);
}

afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) {
    try {
      await fn();
    } catch {
      // One failed cleanup must not leave the others' processes running.
    }
  }
});

export function keypadSection(overrides: Partial<KeypadSection> = {}): KeypadSection {
  return {
    driver: 'frame',
    path: null,
    autoIds: ['1a86:7523', '10c4:ea60', '0403:6001'],
    baudRate: 9600,
    keymap: [5, 4, 3, 2, 1],
    hidKeys: [],
    debounceMs: 300,
    ...overrides,
  };
}

export interface LogLine {
  level: string;
  event: string;
  fields: Record<string, unknown>;
}

export function collectingLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  return {
    lines,
    log(level, event, fields = {}) {
      lines.push({ level, event, fields });
    },
  };
}

export async function ptyPair(): Promise<PtyPair> {
  const pair = await startPtyPair();
  onCleanup(() => pair.close());
  return pair;
}

export function startTerminal(config: Partial<CoreConfig> = {}): { terminal: Terminal; dir: string } {
  const dir = tempDir('hcp-kp-');
  const terminal = new Terminal({
    config: coreConfig(config),
    openStore: () => RatingStore.open({ path: join(dir, 'terminal.db'), keyFile: join(dir, 'terminal.key') }),
  });
  terminal.start();
  onCleanup(() => terminal.stop());
  return { terminal, dir };
}

export async function wireKeypad(
  section: KeypadSection,
  terminal: Terminal,
  log: Logger,
  options: KeypadWiringOptions = {},
): Promise<KeypadHandle> {
  const handle = await startKeypad(section, terminal, log, options);
  onCleanup(() => handle.stop());
  return handle;
}

/** Final and draft records in the database file, read from another connection. */
export function recordsInFile(dir: string): { state: string; level: number }[] {
  const db = new Database(join(dir, 'terminal.db'), { readonly: true });
  try {
    const rows = db.prepare('SELECT state, body FROM records ORDER BY seq').all() as {
      state: string;
      body: string;
    }[];
    return rows.map((r) => ({ state: r.state, level: (JSON.parse(r.body) as { level: number }).level }));
  } finally {
    db.close();
  }
}

// Waits for the event itself; the bound only ends a test that would wait for ever, and is
// generous because a loaded 2-core machine can be slow to deliver a pty's hang-up.
export async function waitUntil(check: () => boolean, what: string, ms = 20_000): Promise<number> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return Date.now() - start;
}
