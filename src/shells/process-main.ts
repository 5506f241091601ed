// The one start-up, reload and stop of a terminal process, whichever shell shows its
// screens (serve's HTTP server or Electron's window): load the configuration, start the
// engine, open the shell, reread the file at SIGHUP, and stop the shell before the engine
// so that no screen message reaches a closed store.

import { type LoadIo, loadAll, loadForReload } from '../config/load-all.js';
import { ListenError, type RunningTerminal, startRunningTerminal } from '../engine/running-terminal.js';

export interface ShellHandle {
  close(): Promise<void> | void;
}

export interface TerminalProcessOptions<S extends ShellHandle> {
  /** The configuration file; null: the built-in defaults. */
  file: string | null;
  /** Where the start's problems and warnings, and SIGHUP's lines, go. */
  io: LoadIo;
  /** Opens the screens once the engine runs. A ListenError's message is the reason shown. */
  startShell(running: RunningTerminal): Promise<S>;
  /** A change SIGHUP read but cannot apply without a restart; default: a line on io.err. */
  restartNeeded?(line: string, running: RunningTerminal): void;
  /** SIGHUP applied the file; default: "Configuration reloaded." on io.out. */
  reloaded?(): void;
}

export interface TerminalProcess<S extends ShellHandle> {
  readonly running: RunningTerminal;
  readonly shell: S;
  /** Closes the shell, then the engine (the store last); a second call waits for the first. */
  stop(signal: string): Promise<void>;
}

export type StartedProcess<S extends ShellHandle> =
  | { ok: true; process: TerminalProcess<S> }
  /** 2: the configuration does not load; 1: a port or the shell could not be opened. */
  | { ok: false; exitCode: 1 | 2 };

export async function startTerminalProcess<S extends ShellHandle>(
  o: TerminalProcessOptions<S>,
): Promise<StartedProcess<S>> {
  const all = loadAll(o.file, o.io);
  if (!all) return { ok: false, exitCode: 2 };
  let running: RunningTerminal;
  try {
    running = await startRunningTerminal(all.config, all.catalogue);
  } catch (err) {
    if (!(err instanceof ListenError)) throw err;
    o.io.err(err.message);
    return { ok: false, exitCode: 1 };
  }
  const health = running.terminal.health();
  if (health.store !== 'ok') {
    o.io.err(
      `warning: the store is unavailable (${health.storeMessage ?? 'see the log'}); the screen shows a fault and`,
    );
    o.io.err('no prompt can be opened until it is fixed. The terminal keeps trying every 2 s.');
  }
  let shell: S;
  try {
    shell = await o.startShell(running);
  } catch (err) {
    await running.stop();
    if (!(err instanceof ListenError)) throw err;
    o.io.err(err.message);
    return { ok: false, exitCode: 1 };
  }

  const onHup = () => {
    const next = loadForReload(o.file, o.io, running.logger);
    if (!next) return;
    for (const line of running.reload(next)) {
      if (o.restartNeeded) o.restartNeeded(line, running);
      else o.io.err(line);
    }
    if (o.reloaded) o.reloaded();
    else o.io.out('Configuration reloaded.');
  };
  process.on('SIGHUP', onHup);

  let stopping: Promise<void> | null = null;
  const stop = (signal: string): Promise<void> => {
    stopping ??= (async () => {
      process.off('SIGHUP', onHup);
      running.logger.log('info', 'stopping', { signal });
      await shell.close();
      await running.stop();
    })();
    return stopping;
  };
  return { ok: true, process: { running, shell, stop } };
}
