// haochaping-terminal serve | doctor | --help | --version. Every failure a technician can meet
// is one plain line with what to do; never a stack trace.

import { join } from 'node:path';
import type { Logger } from './base/logger.js';
import { PACKAGE_ROOT, packageVersion } from './base/package-root.js';
import { RELAY_USAGE, runGwqRelay } from './compat/gwq/relay-command.js';
import { loadConfig, type TerminalConfig } from './config/load.js';
import { loadCatalogueOf } from './config/reasons-catalogue.js';
import { SYSTEM_CONFIG_FILE } from './config/user-data-dir.js';
import type { ReasonsCatalogue } from './core/reasons.js';
import { runDoctor } from './doctor/run-doctor.js';
import {
  ListenError,
  listenProblem,
  type RunningTerminal,
  startRunningTerminal,
} from './engine/running-terminal.js';
import { runHall } from './hall/run-hall.js';
import { REPORT_USAGE } from './report/report-options.js';
import { runReport } from './report/run-report.js';
import { startServeShell } from './shells/serve/server.js';

const SERVE_USAGE = `  haochaping-terminal serve [--config FILE]   run the terminal; screens at http://{ui.host}:{ui.port}/`;
const DOCTOR_USAGE = `  haochaping-terminal doctor [--config FILE] [--keys]
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
const USAGE = `Usage:
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
const COMMAND_USAGE: Record<string, string> = {
  serve: `Usage:\n${SERVE_USAGE}\n\nEvery key of the configuration file: docs/configuration.md.`,
  doctor: `Usage:\n${DOCTOR_USAGE}`,
  version: USAGE,
  help: USAGE,
};

/**
 * The command lines the CLI answers (a command, or --version / --help first). The
 * Electron app hands exactly these to main() before it would open a window, so the
 * installed app runs `hall`, `doctor` and `serve` as a clone's `npx haochaping-terminal` does.
 */
export function isCliInvocation(args: readonly string[]): boolean {
  const first = args[0];
  if (first === undefined) return false;
  return (
    USAGE_COMMANDS.has(first) || Object.hasOwn(COMMAND_USAGE, first) || /^-(-help|h|-version|v)$/.test(first)
  );
}

/** Every command the usage lists (`  haochaping-terminal NAME …`): a new one is handed over too. */
const USAGE_COMMANDS = new Set(
  [...USAGE.matchAll(/^ {2}haochaping-terminal ([a-z][\w-]*)/gm)].map((m) => m[1] as string),
);

type Out = (line: string) => void;

interface Io {
  out: Out;
  err: Out;
}

const stdio: Io = {
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
};

interface ParsedArgs {
  command: string | null;
  config: string | null;
  /** doctor --keys */
  keys: boolean;
  /** --help anywhere: print the usage and exit 0, whatever else is given. */
  help: boolean;
  problem: string | null;
}

function parseArgs(argv: string[]): ParsedArgs {
  const parsed: ParsedArgs = { command: null, config: null, keys: false, help: false, problem: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--config' || a === '-c') {
      const v = argv[++i];
      if (!v) parsed.problem = '--config needs a file name';
      else parsed.config = v;
    } else if (a.startsWith('--config=')) {
      parsed.config = a.slice('--config='.length);
    } else if (a === '--keys') {
      parsed.keys = true;
    } else if (a === '--help' || a === '-h') {
      parsed.help = true;
    } else if (a === '--version' || a === '-v') {
      parsed.command ??= a.replace(/^-+/, '').replace(/^h$/, 'help').replace(/^v$/, 'version');
    } else if (!a.startsWith('-') && parsed.command === null) {
      parsed.command = a;
    } else {
      parsed.problem = `unknown argument "${a}"`;
    }
  }
  return parsed;
}

export async function main(argv: string[], io: Io = stdio): Promise<number> {
  // The console has flags of its own (see src/hall/options.ts).
  if (argv[0] === 'hall') return runHall(argv.slice(1), io);
  if (argv[0] === 'gwq-relay') return runGwqRelay(argv.slice(1), io);
  if (argv[0] === 'report') return runReport(argv.slice(1), io);
  const args = parseArgs(argv);
  if (args.help && (args.command === null || Object.hasOwn(COMMAND_USAGE, args.command))) {
    io.out(args.command === null ? USAGE : (COMMAND_USAGE[args.command] as string));
    return 0;
  }
  if (args.problem) {
    io.err(`haochaping-terminal: ${args.problem}\n\n${USAGE}`);
    return 2;
  }
  if (args.keys && args.command !== 'doctor') {
    io.err(`haochaping-terminal: --keys goes with doctor\n\n${USAGE}`);
    return 2;
  }
  switch (args.command) {
    case 'serve':
      return serve(args.config, io);
    case 'doctor':
      return runDoctor({ configFile: args.config, keys: args.keys }, io);
    case 'version':
      io.out(packageVersion());
      return 0;
    case 'help':
    case null:
      io.out(USAGE);
      return args.command === null ? 2 : 0;
    default:
      io.err(`haochaping-terminal: unknown command "${args.command}"\n\n${USAGE}`);
      return 2;
  }
}

export type Loaded =
  | { ok: true; config: TerminalConfig; catalogue: ReasonsCatalogue; warnings: string[] }
  | { ok: false; what: 'configuration' | 'reasons catalogue'; errors: string[] };

/** The configuration and its reasons catalogue, as serve and SIGHUP read them; never prints. */
export function loadChecked(file: string | null): Loaded {
  const loaded = loadConfig(file);
  if (!loaded.ok) return { ok: false, what: 'configuration', errors: loaded.errors };
  // Checked against platform.profile: a real platform takes only the national indicators.
  const reasons = loadCatalogueOf(loaded.config);
  if (!reasons.ok) return { ok: false, what: 'reasons catalogue', errors: reasons.errors };
  return { ok: true, config: loaded.config, catalogue: reasons.catalogue, warnings: loaded.warnings };
}

/** Loads configuration and reasons at the start, or prints why the terminal did not start. */
export function loadAll(file: string | null, io: Io) {
  const loaded = loadChecked(file);
  if (!loaded.ok) {
    for (const line of loaded.errors) io.err(line);
    io.err(`The terminal did not start: fix the ${loaded.what} above and start it again.`);
    return null;
  }
  for (const line of loaded.warnings) io.err(`warning: ${line}`);
  return { config: loaded.config, catalogue: loaded.catalogue };
}

/**
 * SIGHUP's reading of the file: the new configuration, or null when it does not load —
 * then one line says so, on the console and in the log with the reasons (the config
 * messages never show a secret's value), and the terminal keeps the one it runs on.
 */
export function loadForReload(file: string | null, io: Io, logger: Pick<Logger, 'log'>) {
  const loaded = loadChecked(file);
  if (!loaded.ok) {
    const problems =
      loaded.what === 'configuration' ? loaded.errors : loaded.errors.map((e) => `reasons: ${e}`);
    io.err(
      `configuration not reloaded: ${problems.join('; ')}; the terminal keeps running on the previous one`,
    );
    logger.log('error', 'config_reload_failed', { problems });
    return null;
  }
  for (const line of loaded.warnings) io.err(`warning: ${line}`);
  return { config: loaded.config, catalogue: loaded.catalogue };
}

/**
 * Where to point the kiosk's Chromium. With ui.token the address carries the token, but
 * a secret is never printed: the line shows where it goes, the technician has it from
 * the configuration file.
 */
function screensLine(url: string, withToken: boolean): string {
  // Without the autoplay flag Chromium refuses every sound a keypad press starts.
  const flags = '--kiosk --autoplay-policy=no-user-gesture-required';
  if (!withToken) return `Screens: ${url}  (open in Chromium: ${flags} --app=${url})`;
  const address = `${url}?token=…`;
  return `Screens: ${address}  (… is ui.token from the configuration; open in Chromium: ${flags} --app='${address}')`;
}

function describeStart(config: TerminalConfig, url: string, logFile: string): string[] {
  const lines = [
    `haochaping-terminal ${packageVersion()}: terminal ${config.terminal.id} (${config.terminal.mode}), keypad ${config.keypad.driver}`,
  ];
  if (config.source.file === null) {
    lines.push(
      'Running on the built-in defaults (no --config): terminal DEV-0001, area 000000, counter mode,',
      'touch or F1–F5 / numpad 1–5 on a keyboard, no platform (ratings are only stored), no QR code.',
    );
  } else {
    lines.push(`Configuration: ${config.source.file}`);
  }
  if (config.terminal.training) {
    lines.push(
      'Training mode: every screen shows 培训模式; ratings are stored marked training and never forwarded,',
      'not even once a platform is configured.',
    );
  }
  lines.push(`Store: ${config.store.path}`, `Log: ${logFile}`, screensLine(url, config.ui.token !== null));
  if (!config.platform) lines.push('Platform: not configured — ratings are kept on this terminal only.');
  if (config.fleet) {
    const { topicPrefix, hallId } = config.fleet;
    lines.push(
      `Fleet: ${shownBrokerUrl(config.fleet.url)} as ${topicPrefix}/${hallId}/${config.terminal.id}`,
    );
  }
  return lines;
}

/** The broker's address without any user:password written into it. */
function shownBrokerUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}

async function serve(file: string | null, io: Io): Promise<number> {
  const all = loadAll(file, io);
  if (!all) return 2;
  let running: RunningTerminal;
  try {
    running = await startRunningTerminal(all.config, all.catalogue);
  } catch (err) {
    if (!(err instanceof ListenError)) throw err;
    io.err(err.message);
    return 1;
  }
  const { terminal, logger } = running;
  const config = running.config;
  const health = terminal.health();
  if (health.store !== 'ok') {
    io.err(
      `warning: the store is unavailable (${health.storeMessage ?? 'see the log'}); the screen shows a fault and`,
    );
    io.err('no prompt can be opened until it is fixed. The terminal keeps trying every 2 s.');
  }

  let shell: Awaited<ReturnType<typeof startServeShell>>;
  try {
    shell = await startServeShell({
      terminal,
      host: config.ui.host,
      port: config.ui.port,
      webRoot: join(PACKAGE_ROOT, 'dist', 'web'),
      soundsRoot: join(PACKAGE_ROOT, 'assets', 'sounds'),
      slides: () => running.slides,
      volume: () => running.config.ui.volume,
      hidKeys: config.keypad.driver === 'hid' ? config.keypad.hidKeys : [],
      log: logger,
      diagnostics: running.diagnostics,
      token: config.ui.token,
    });
  } catch (err) {
    await running.stop();
    io.err(listenProblem(err, 'ui', config.ui.host, config.ui.port));
    return 1;
  }
  for (const line of describeStart(config, shell.url, running.logFile)) io.out(line);
  io.out(`Local API: ${running.api.url}${config.api.token ? ' (bearer token required)' : ''}`);
  if (running.gwq.listener) io.out(`GWQ evaluator protocol: ${running.gwq.listener.url} (docs/gwq.md)`);
  logger.log('info', 'started', { terminalId: config.terminal.id, url: shell.url });

  return new Promise<number>((resolve) => {
    const stop = async (signal: string) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      process.off('SIGHUP', onHup);
      logger.log('info', 'stopping', { signal });
      await shell.close();
      await running.stop();
      io.out(`Stopped (${signal}); the store was closed cleanly.`);
      resolve(0);
    };
    const onInt = () => void stop('SIGINT');
    const onTerm = () => void stop('SIGTERM');
    const onHup = () => {
      const next = loadForReload(file, io, logger);
      if (!next) return;
      for (const line of running.reload(next)) io.err(line);
      io.out('Configuration reloaded.');
    };
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    process.on('SIGHUP', onHup);
  });
}
