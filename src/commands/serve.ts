// `haochaping-terminal serve`: the terminal with its screens for any Chromium. It says
// where everything is at the start and runs until SIGINT/SIGTERM; the start, SIGHUP and
// stop themselves are the one process main's (src/shells/process-main.ts).

import { packageVersion } from '../base/package-root.js';
import type { LoadIo } from '../config/load-all.js';
import type { TerminalConfig } from '../config/terminal-config.js';
import { startServeProcess } from '../shells/serve/start.js';

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

export async function serve(file: string | null, io: LoadIo): Promise<number> {
  const started = await startServeProcess(file, io);
  if (!started.ok) return started.exitCode;
  const { running, shell } = started.process;
  const { config, logger } = running;
  for (const line of describeStart(config, shell.url, running.logFile)) io.out(line);
  io.out(`Local API: ${running.api.url}${config.api.token ? ' (bearer token required)' : ''}`);
  if (running.gwq.listener) io.out(`GWQ evaluator protocol: ${running.gwq.listener.url} (docs/gwq.md)`);
  logger.log('info', 'started', { terminalId: config.terminal.id, url: shell.url });

  return new Promise<number>((resolve) => {
    const stop = async (signal: string) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      await started.process.stop(signal);
      io.out(`Stopped (${signal}); the store was closed cleanly.`);
      resolve(0);
    };
    const onInt = () => void stop('SIGINT');
    const onTerm = () => void stop('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
  });
}
