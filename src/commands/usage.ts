// What the command line answers to, and its usage text: read by the CLI entry and by the
// Electron app, which hands these command lines over before it would open a window.

import { SYSTEM_CONFIG_FILE } from '../config/user-data-dir.js';
import { REPORT_USAGE } from '../report/report-options.js';
import { RELAY_USAGE } from './gwq-relay.js';

export const SERVE_USAGE = `  haochaping-terminal serve [--config FILE]   run the terminal; screens at http://{ui.host}:{ui.port}/`;
export const DOCTOR_USAGE = `  haochaping-terminal doctor [--config FILE] [--keys]
                                              without --config: the file the app runs with (${SYSTEM_CONFIG_FILE},
                                              else config.yaml in the user-data folder); says which.
                                              check config, store, keypad, platform and clock, one line
                                              each ("ok   PART: …", "warn PART: …", "FAIL PART: … — what to do");
                                              --keys then asks for each key of the keypad in turn.
                                              Exit 0: no FAIL; 1: some FAIL; 2: usage, or the file does not load.
                                              What each line means and what to do: docs/troubleshooting.md.`;
const HALL_USAGE = `  haochaping-terminal hall --broker URL --hall ID [--port 7490] | --config FILE
                                              the hall's console: every terminal's state and live 差评,
                                              read from the terminals' MQTT broker (hall --help for more)`;
export const USAGE = `Usage:
${SERVE_USAGE}
${DOCTOR_USAGE}
${HALL_USAGE}
${RELAY_USAGE}
${REPORT_USAGE}
  haochaping-terminal --version
  haochaping-terminal --help

Without --config, serve runs on built-in defaults (terminal DEV-0001, touch and keyboard,
no platform): a training terminal, its data in a training folder of its own, whose ratings
are never forwarded. Every key of the configuration file: docs/configuration.md.`;

/** `COMMAND --help`: that command's usage alone. */
export const COMMAND_USAGE: Record<string, string> = {
  serve: `Usage:\n${SERVE_USAGE}\n\nEvery key of the configuration file: docs/configuration.md.`,
  doctor: `Usage:\n${DOCTOR_USAGE}`,
  version: USAGE,
  help: USAGE,
};

/** Every command the usage lists (`  haochaping-terminal NAME …`): a new one is handed over too. */
const USAGE_COMMANDS = new Set(
  [...USAGE.matchAll(/^ {2}haochaping-terminal ([a-z][\w-]*)/gm)].map((m) => m[1] as string),
);

/**
 * The command lines the CLI answers (a command, or --version / --help first). The
 * Electron app hands exactly these over before it would open a window, so the installed
 * app runs `hall`, `doctor` and `serve` as a clone's `npx haochaping-terminal` does.
 */
export function isCliInvocation(args: readonly string[]): boolean {
  const first = args[0];
  if (first === undefined) return false;
  return (
    USAGE_COMMANDS.has(first) || Object.hasOwn(COMMAND_USAGE, first) || /^-(-help|h|-version|v)$/.test(first)
  );
}
