// Everything a running terminal is, whichever shell shows it: the engine, the platform
// forwarder, the keypad, the diagnostics and the local API, started and stopped in
// order, and reloaded (SIGHUP) in the contract's terms.
import { type ApiServer, startApi } from '../api/server.js';
import { systemClock } from '../base/clock.js';
import type { Logger } from '../base/logger.js';
import { packageVersion } from '../base/package-root.js';
import { listSlides, type SlideList } from '../base/slide-folder.js';
import type { GwqSection } from '../config/compat-schema.js';
import type { TerminalConfig } from '../config/terminal-config.js';
import type { ReasonsCatalogue } from '../core/reasons.js';
import { type FleetReporter, startFleet } from '../fleet/reporter.js';
import { SharedStates } from '../profiles/registry.js';
import { coreConfigOf } from './core-config.js';
import { createTerminal } from './create-terminal.js';
import { createDiagnostics, type Diagnostics } from './diagnostics.js';
import { fileLogger } from './file-logger.js';
import { fleetSourceOf } from './fleet-source.js';
import { type Forwarding, startForwarding } from './forwarding.js';
import { DepartmentMemory, rememberingDepartments } from './gwq-operations.js';
import { type GwqHandle, gwqListenProblem, startGwq } from './gwq-wiring.js';
import { type KeypadHandle, startKeypad } from './keypad-wiring.js';
import { pageSourceOf } from './platform-page.js';
import type { Terminal } from './terminal.js';

export interface RunningTerminal {
  readonly config: TerminalConfig;
  readonly terminal: Terminal;
  readonly keypad: KeypadHandle;
  readonly forwarding: Forwarding;
  readonly diagnostics: Diagnostics;
  readonly api: ApiServer;
  readonly fleet: FleetReporter;
  /** compat.gwq's listener (none when the section is absent). */
  readonly gwq: GwqHandle;
  readonly logger: Logger;
  readonly logFile: string;
  /** The hall's notices (ui.idleSlides) as last read, for the screens' server; null: none configured. */
  readonly slides: SlideList | null;
  /** Applies what may change while running; returns a line for each change that needs a restart. */
  reload(next: { config: TerminalConfig; catalogue: ReasonsCatalogue }): string[];
  stop(): Promise<void>;
}

/** A port that cannot be listened on, in words a technician can act on. */
export class ListenError extends Error {}

export function listenProblem(err: unknown, section: 'api' | 'ui', host: string, port: number): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') {
    return `Port ${port} on ${host} (${section}.port) is already in use: is another terminal running? Stop it, or set ${section}.port.`;
  }
  if (code === 'EADDRNOTAVAIL' || code === 'EACCES') {
    return `Cannot listen on ${host}:${port} (${code}): check ${section}.host and ${section}.port.`;
  }
  return `Cannot start the ${section === 'api' ? 'local API' : "screens' server"}: ${err instanceof Error ? err.message : String(err)}`;
}

/** What SIGHUP cannot change, named so the technician restarts. */
export function restartNeeded(before: TerminalConfig, after: TerminalConfig): string[] {
  return keysNeedingRestart(before, after).map(
    (key) => `warning: ${key} changed; it takes effect only after a restart.`,
  );
}

/** The settings that changed but wait for a restart, by their config key. */
export function keysNeedingRestart(before: TerminalConfig, after: TerminalConfig): string[] {
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const checks: [string, unknown, unknown][] = [
    ['terminal', before.terminal, after.terminal],
    ['keypad', before.keypad, after.keypad],
    ['store', before.store, after.store],
    ['api.host/api.port', [before.api.host, before.api.port], [after.api.host, after.api.port]],
    ['ui.host/ui.port', [before.ui.host, before.ui.port], [after.ui.host, after.ui.port]],
    ['ui.token', before.ui.token, after.ui.token],
    ['log.dir', before.log.dir, after.log.dir],
    ['qr', before.qr, after.qr],
    ['diagnostics', before.diagnostics, after.diagnostics],
    ...gwqRestartKeys(before, after),
  ];
  return checks.filter(([, a, b]) => !same(a, b)).map(([key]) => key);
}

/** What SIGHUP changes of compat.gwq: all but its address, port and token; not turning it on or off. */
function reloadedGwq(before: GwqSection | null, after: GwqSection | null): GwqSection | null {
  if (before === null || after === null) return before;
  return { ...after, host: before.host, port: before.port, token: before.token };
}

/** compat.gwq: its address, port and token, and turning it on or off, wait for a restart. */
function gwqRestartKeys(before: TerminalConfig, after: TerminalConfig): [string, unknown, unknown][] {
  const [a, b] = [before.compat?.gwq ?? null, after.compat?.gwq ?? null];
  return [
    ['compat.gwq.host/compat.gwq.port', [a?.host, a?.port], [b?.host, b?.port]],
    ['compat.gwq.token', a?.token, b?.token],
  ];
}

export async function startRunningTerminal(
  config: TerminalConfig,
  catalogue: ReasonsCatalogue,
): Promise<RunningTerminal> {
  let current = config;
  const { logger, file: logFile } = fileLogger(config.log.dir);
  let slides = readSlides(config, logger);
  // Each profile's shared state (one token for the Fujian gateway, whether a rating is
  // sent or a page asked for), kept across reloads.
  const shared = new SharedStates();
  const terminal = createTerminal(config, catalogue, logger, {
    pages: pageSourceOf(config, { shared }),
    slides,
  });
  // Before start: a 差评 a power cut left on its reasons screen becomes final at start, and is told.
  const fleet = startFleet(
    config.fleet,
    {
      terminalId: config.terminal.id,
      windowNo: config.terminal.windowNo,
      mode: config.terminal.mode,
      training: config.terminal.training,
      version: packageVersion(),
    },
    fleetSourceOf(terminal),
    logger,
    { retentionDays: config.store.retentionDays },
  );
  terminal.start();
  const forwarding = startForwarding(
    { platform: config.platform, store: config.store, training: config.terminal.training },
    terminal,
    logger,
    { shared },
  );
  const keypad = await startKeypad(config.keypad, terminal, logger);
  const diagnostics = createDiagnostics({
    get config() {
      return current;
    },
    terminal,
    keypad,
    forwarding,
    version: packageVersion(),
    clock: systemClock,
    log: logger,
  });
  // GWQ calls name a clerk but no department: the one the local API last gave is kept.
  const departments = new DepartmentMemory();
  let api: ApiServer;
  try {
    api = await startApi({
      ops: rememberingDepartments(terminal, departments),
      settings: config.api,
      version: packageVersion(),
      terminalId: config.terminal.id,
      log: logger,
    });
  } catch (err) {
    await keypad.stop();
    await forwarding.stop();
    await fleet.stop();
    terminal.stop();
    throw new ListenError(listenProblem(err, 'api', config.api.host, config.api.port));
  }
  let gwq: GwqHandle;
  try {
    gwq = await startGwq(config, terminal, logger, packageVersion(), departments);
  } catch (err) {
    await api.close();
    await keypad.stop();
    await forwarding.stop();
    await fleet.stop();
    terminal.stop();
    const g = config.compat.gwq;
    throw new ListenError(gwqListenProblem(err, g?.host ?? '127.0.0.1', g?.port ?? 0));
  }

  return {
    get config() {
      return current;
    },
    terminal,
    keypad,
    forwarding,
    diagnostics,
    api,
    fleet,
    gwq,
    logger,
    logFile,
    get slides() {
      return slides;
    },
    reload(next) {
      const before = current;
      const waiting = keysNeedingRestart(current, next.config);
      const warnings = restartNeeded(current, next.config);
      // Only what the contract lets change at run time changes; the rest waits for a restart.
      current = {
        ...next.config,
        terminal: current.terminal,
        keypad: current.keypad,
        store: current.store,
        log: current.log,
        api: { ...next.config.api, host: current.api.host, port: current.api.port },
        ui: {
          ...current.ui,
          volume: next.config.ui.volume,
          voiceGuide: next.config.ui.voiceGuide,
          idleSlides: next.config.ui.idleSlides,
          idleSlideSeconds: next.config.ui.idleSlideSeconds,
        },
        qr: current.qr,
        diagnostics: current.diagnostics,
        compat: { gwq: reloadedGwq(current.compat.gwq, next.config.compat.gwq) },
      };
      // A page being fetched is not cut off by a reload that leaves the platform as it was.
      if (JSON.stringify(before.platform) !== JSON.stringify(current.platform)) {
        terminal.setPageSource(pageSourceOf(current, { shared }));
      }
      // The folder is read again: notices added or taken away show without a restart.
      slides = readSlides(current, logger);
      terminal.reconfigure(coreConfigOf(current, next.catalogue, slides));
      api.reload(current.api);
      gwq.reload(current.compat.gwq);
      forwarding.reload(current.platform);
      // Reconnects only if the section changed; never waited for (a dead broker must not hold a reload).
      void fleet.reload(current.fleet);
      // Which settings wait for a restart, and whether forwarding is on: never their values,
      // which hold secrets (platform.secret, api.token).
      logger.log('info', 'config_reloaded', {
        restartNeeded: waiting,
        platform: current.platform ? 'configured' : 'none',
        fleet: current.fleet ? 'configured' : 'none',
      });
      return warnings;
    },
    async stop() {
      await gwq.stop();
      await api.close();
      await keypad.stop();
      await forwarding.stop();
      await fleet.stop();
      terminal.stop();
    },
  };
}

/** The notices of ui.idleSlides, with a log line for each file left out and a folder that gave none. */
function readSlides(config: TerminalConfig, logger: Logger): SlideList | null {
  if (config.ui.idleSlides === null) return null;
  const list = listSlides(config.ui.idleSlides);
  if (list.folderProblem !== null)
    logger.log('warn', 'idle_slides_unavailable', { folder: list.folder, problem: list.folderProblem });
  for (const line of list.skipped)
    logger.log('warn', 'idle_slide_skipped', { folder: list.folder, file: line });
  logger.log('info', 'idle_slides', { folder: list.folder, count: list.slides.length });
  return list;
}
