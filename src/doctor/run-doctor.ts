// haochaping-terminal doctor [--config FILE] [--keys]: the technician's check of one
// terminal (without --config, of the configuration the app itself runs with), one line
// per part in the contract's order — config, store, keypad,
// platform, clock, fleet — then where the log is, then (with --keys) each key pressed in turn.
// A training terminal gets a `warn training:` line right after config.
//
// Exit codes, for scripts:
//   0  no line is FAIL (ok and warn only)
//   1  at least one FAIL
//   2  usage error, or the configuration cannot be loaded (nothing else was checked)

import { existsSync } from 'node:fs';
import type { TerminalConfig } from '../config/terminal-config.js';
import { type DefaultConfig, defaultConfigFile } from '../config/user-data-dir.js';
import { BUILT_IN_PROFILES, type ProfileRegistry } from '../profiles/registry.js';
import { checkConfig } from './config-check.js';
import { checkFleet } from './fleet-check.js';
import { checkIdleSlides } from './idle-slides-check.js';
import { keySeconds, testKeys } from './key-test.js';
import { ASKED, checkKeypad, closeLine } from './keypad-check.js';
import { checkLogFolder } from './log-folder.js';
import { checkPlatform } from './platform-check.js';
import { type Finding, fail, formatFinding, ok, warn } from './report.js';
import { askRunningTerminal, type Running } from './running-terminal.js';
import { checkSounds } from './sounds-check.js';
import { checkKeyFile, checkStore } from './store-check.js';
import { checkTraining } from './training-check.js';

export const DOCTOR_EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export interface DoctorOptions {
  /** null: the file the app uses without --config (src/config/user-data-dir.ts). */
  configFile: string | null;
  /** After the checks, ask for each key in turn. */
  keys: boolean;
  /** The platform profiles this build speaks; default the built-in ones. */
  profiles?: ProfileRegistry;
}

export interface DoctorIo {
  out(line: string): void;
  err(line: string): void;
}

export async function runDoctor(options: DoctorOptions, io: DoctorIo): Promise<number> {
  let failed = false;
  const emit = (finding: Finding) => {
    if (finding.status === 'FAIL') failed = true;
    io.out(formatFinding(finding));
  };

  let file = options.configFile;
  let origin: string | null = null;
  if (file === null) {
    const chosen = defaultConfigFile();
    if (!existsSync(chosen.file)) {
      emit(noDefaultConfig(chosen));
      return DOCTOR_EXIT.usage;
    }
    file = chosen.file;
    origin = originOf(chosen);
  }
  const profiles = options.profiles ?? BUILT_IN_PROFILES;
  const loaded = checkConfig(file, origin, profiles);
  for (const finding of loaded.findings) emit(finding);
  if (!loaded.ok) return DOCTOR_EXIT.usage;
  const { config, catalogue } = loaded;

  const running = await askRunningTerminal(config.api, config.terminal.id);
  const training = checkTraining(config, running);
  if (training !== null) emit(training);
  const store = running.kind === 'this' ? storeFromRunning(config, running) : checkStore(config.store);
  // The store may take writes while a damaged key file waits to be restored.
  emit(store.status === 'FAIL' ? store : (checkKeyFile(config.store) ?? store));

  // --keys needs the port after the other checks: the keypad check leaves it open then.
  const keypad = await checkKeypad(config.keypad, running, options.keys);
  try {
    emit(keypad.finding);
    const { platform, clock } = await checkPlatform(config.platform, Date.now, profiles);
    emit(platform);
    emit(clock);
    emit(await checkFleet(config.fleet, config.terminal.id));
    if (running.kind === 'other') {
      emit(
        warn(
          'api',
          `${running.url} answers as ${running.what}, not terminal ${config.terminal.id}: serve with this configuration cannot start while it runs (set api.port, or stop it)`,
        ),
      );
    }
    emit(checkLogFolder(config.log.dir));
    for (const finding of checkSounds({ voiceGuide: config.ui.voiceGuide, catalogue })) emit(finding);
    const slides = checkIdleSlides(config.ui);
    if (slides !== null) emit(slides);

    if (options.keys) {
      const cannot = whyNoKeyTest(config, running, keypad.finding);
      if (cannot !== null) emit(cannot);
      else if (keypad.line !== null) {
        await testKeys(
          keypad.line,
          { keymap: config.keypad.keymap, debounceMs: config.keypad.debounceMs, seconds: keySeconds() },
          io.out,
          emit,
        );
      }
    }
  } finally {
    if (keypad.line !== null) await closeLine(keypad.line);
  }
  return failed ? DOCTOR_EXIT.failed : DOCTOR_EXIT.ok;
}

/** Which of the app's own files doctor checks, and why that one. */
function originOf(chosen: DefaultConfig): string {
  if (chosen.where === 'machine') return 'the machine-wide file, which the app uses without --config';
  const machine = chosen.machineFile;
  const why =
    machine === null
      ? ''
      : existsSync(machine)
        ? `: ${machine} cannot be read by this user`
        : `: there is no ${machine}`;
  return `this user's file, which the app uses without --config${why}`;
}

function noDefaultConfig(chosen: DefaultConfig): Finding {
  const machine = chosen.machineFile === null ? '' : `neither ${chosen.machineFile} nor `;
  return fail(
    'config',
    `no --config given, and ${machine}${chosen.file} exists (the files the app uses without one)`,
    `pass --config FILE, or start the app once as this user (it writes ${chosen.file} from its template)`,
  );
}

function storeFromRunning(config: TerminalConfig, running: Extract<Running, { kind: 'this' }>): Finding {
  if (running.health.store === 'ok') return ok('store', `${config.store.path} takes writes ${ASKED}`);
  return fail(
    'store',
    `the running terminal cannot write ${config.store.path} ${ASKED}`,
    `free disk space, or fix the disk's mount or the folder's permissions (its log in ${config.log.dir} says which); it retries by itself`,
  );
}

/** Why --keys cannot run here, as the line that says so; null when it can. */
function whyNoKeyTest(config: TerminalConfig, running: Running, keypadFinding: Finding): Finding | null {
  const { driver } = config.keypad;
  if (driver === 'hid') {
    return warn(
      'keypad-keys',
      'a hid keypad types into the screen, which doctor cannot see: press each key on the running terminal and watch the screen respond',
    );
  }
  if (driver === 'none') return ok('keypad-keys', 'keypad.driver is none: no keys to press');
  if (running.kind === 'this') {
    return fail(
      'keypad-keys',
      `the running terminal holds ${config.keypad.path ?? 'the keypad port'}`,
      'stop it first, then run doctor --keys again',
    );
  }
  if (keypadFinding.status === 'FAIL') {
    return warn('keypad-keys', 'not tested, because the keypad check above failed');
  }
  return null;
}
