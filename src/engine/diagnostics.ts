// The technicians' diagnostics: what is connected and what is queued, behind the PIN
// from `diagnostics.pin`. The PIN is checked here, never in the screens, and wrong
// guesses lock the screen for a while so it cannot be guessed at the counter.

import type { Clock } from '../base/clock.js';
import type { Logger } from '../base/logger.js';
import { sameSecret } from '../base/same-secret.js';
import { describeConfig, type TerminalConfig } from '../config/terminal-config.js';
import type { DiagnosticsAnswer, DiagnosticsView } from '../core/diagnostics-view.js';
import { damagedKeyFiles } from '../store/seal.js';
import type { Forwarding } from './forwarding.js';
import type { KeypadHandle } from './keypad-wiring.js';
import { wantsPages } from './platform-page.js';
import { CLOCK_SKEW_WINDOW_MS, type Terminal } from './terminal.js';

export const MAX_WRONG_PINS = 5;
export const LOCKOUT_MS = 5 * 60_000;

export interface DiagnosticsDeps {
  config: TerminalConfig;
  terminal: Terminal;
  keypad: KeypadHandle;
  forwarding: Forwarding;
  version: string;
  clock: Clock;
  log: Logger;
}

export interface Diagnostics {
  /** A PIN is set; a change takes a restart, like the rest of `diagnostics`. */
  readonly enabled: boolean;
  open(pin: string): DiagnosticsAnswer;
  /** Sends rejected records again (after the technician fixed the cause), then the fresh view. */
  retryRejected(pin: string): DiagnosticsAnswer;
  /** A screen could not play a sound: counted for the technicians' view, logged once. */
  soundRefused(name: string, reason: string): void;
}

/** Read from the folder, so it is shown from any process and after any restart. */
function keyFault(keyFile: string): string | null {
  const moved = damagedKeyFiles(keyFile);
  if (moved.length === 0) return null;
  return `the key file was damaged and moved to ${moved.join(', ')}; records sealed under it go to the platform without personal data; restore it from backup (run doctor)`;
}

export function createDiagnostics(deps: DiagnosticsDeps): Diagnostics {
  let wrong = 0;
  let lockedUntil = 0;
  const sound: DiagnosticsView['sound'] = { refused: 0, last: null };

  const check = (pin: string): DiagnosticsAnswer | null => {
    const expected = deps.config.diagnostics.pin;
    if (expected === null) return { type: 'diagnostics_refused', reason: 'disabled', retryInSeconds: 0 };
    const now = deps.clock.now();
    if (now < lockedUntil) {
      return {
        type: 'diagnostics_refused',
        reason: 'locked',
        retryInSeconds: Math.ceil((lockedUntil - now) / 1000),
      };
    }
    if (!sameSecret(pin, expected)) {
      wrong += 1;
      deps.log.log('warn', 'diagnostics_wrong_pin', { attempts: wrong });
      if (wrong >= MAX_WRONG_PINS) {
        wrong = 0;
        lockedUntil = now + LOCKOUT_MS;
        return { type: 'diagnostics_refused', reason: 'locked', retryInSeconds: LOCKOUT_MS / 1000 };
      }
      return { type: 'diagnostics_refused', reason: 'wrong_pin', retryInSeconds: 0 };
    }
    wrong = 0;
    return null;
  };

  const view = (notice: string | null): DiagnosticsView => {
    const health = deps.terminal.health();
    const keypad = deps.keypad.info();
    const platform = deps.forwarding.status();
    const skew = deps.terminal.clockSkew();
    return {
      terminalId: deps.config.terminal.id,
      training: { on: deps.config.terminal.training, records: deps.terminal.trainingRecords() },
      versions: {
        app: deps.version,
        node: process.versions.node,
        electron: process.versions.electron ?? null,
      },
      keypad: {
        driver: keypad.driver,
        state: keypad.state,
        fault: keypad.fault,
        path: keypad.path,
        portOpen: keypad.portOpen,
        hello: keypad.hello
          ? { model: keypad.hello.model, firmware: keypad.hello.firmware, serialNo: keypad.hello.serialNo }
          : null,
      },
      store: {
        state: health.store,
        message: health.storeMessage,
        path: deps.config.store.path,
        keyFault: keyFault(deps.config.store.keyFile),
      },
      platform: {
        state: platform.state,
        pending: platform.pending,
        rejected: platform.rejected,
        lastDeliveryAt: platform.lastDeliveryAt,
        lastError: platform.lastError,
        nextAttemptAt: platform.nextAttemptAt,
      },
      clockSkew: {
        days: CLOCK_SKEW_WINDOW_MS / 86_400_000,
        ratings: skew?.ratings ?? null,
        last: skew?.last ?? null,
      },
      platformPage: wantsPages(deps.config) ? deps.terminal.pageStatus() : null,
      rejected: deps.forwarding.rejected().map((r) => ({
        id: r.id,
        transactionId: r.transactionId,
        ratedAt: r.ratedAt,
        code: r.code,
        message: r.message,
      })),
      sound: { refused: sound.refused, last: sound.last ? { ...sound.last } : null },
      config: describeConfig(deps.config),
      notice,
    };
  };

  return {
    get enabled() {
      return deps.config.diagnostics.pin !== null;
    },
    open(pin) {
      const refused = check(pin);
      if (refused) return refused;
      deps.log.log('info', 'diagnostics_opened');
      return { type: 'diagnostics', view: view(null) };
    },
    soundRefused(name, reason) {
      // Logged the first time only: a silent kiosk refuses every sound of every prompt.
      if (sound.refused === 0) deps.log.log('warn', 'sound_refused', { name, reason });
      sound.refused += 1;
      sound.last = { name, reason, at: deps.clock.now() };
    },
    retryRejected(pin) {
      const refused = check(pin);
      if (refused) return refused;
      const n = deps.forwarding.requeueRejected();
      deps.log.log('info', 'rejected_requeued', { count: n });
      return { type: 'diagnostics', view: view(`已重新排队 ${n} 条记录`) };
    },
  };
}
