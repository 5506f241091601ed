// Connects the configured serial keypad driver to a Terminal: presses become key /
// invite / pause events, the driver's liveness becomes keypadStatus, and the engine's
// keypad commands (ARM, LEDS, BEEP) go back to the keypad.

import { openAsciiKeypad } from '../../drivers/keypad/ascii.js';
import type { KeypadDriver, KeypadDriverEvents } from '../../drivers/keypad/keypad-driver.js';
import type { Hello } from '../../drivers/keypad/kp1-codec.js';
import { openFrameKeypad } from '../../drivers/keypad/kp1-link.js';
import type { SerialLinkOptions } from '../../drivers/keypad/serial-link.js';
import type { Clock } from '../base/clock.js';
import type { Logger } from '../base/logger.js';
import type { KeypadDriver as DriverName, KeypadSection } from '../config/terminal-config.js';
import type { KeypadCommand } from '../core/effects.js';
import type { KeypadFault, KeypadState } from '../core/model.js';
import type { Terminal } from './terminal.js';

/** What diagnostics show of the keypad. */
export interface KeypadInfo {
  driver: DriverName;
  /** 'starting' until a serial driver first knows whether the keypad is there. */
  state: KeypadState | 'starting';
  fault: KeypadFault;
  /** The keypad's HELLO (frame only). */
  hello: Pick<Hello, 'model' | 'firmware' | 'serialNo' | 'keyCount' | 'version'> | null;
  /** The serial device in use or last used. */
  path: string | null;
  portOpen: boolean;
}

export interface KeypadHandle {
  stop(): Promise<void>;
  info(): KeypadInfo;
}

/** Test seams; the terminal itself passes none. */
export interface KeypadWiringOptions {
  timers?: Clock;
  serial?: Partial<Pick<SerialLinkOptions, 'list' | 'createPort' | 'retryMs' | 'probeMs'>>;
}

export async function startKeypad(
  config: KeypadSection,
  terminal: Terminal,
  log: Logger,
  options: KeypadWiringOptions = {},
): Promise<KeypadHandle> {
  if (config.driver === 'hid' || config.driver === 'none') {
    // A keyboard-wedge keypad types into the screens (Terminal.hidKey); nothing here can see it.
    terminal.keypadStatus('none', null);
    const info: KeypadInfo = {
      driver: config.driver,
      state: 'none',
      fault: null,
      hello: null,
      path: null,
      portOpen: false,
    };
    return { stop: async () => {}, info: () => ({ ...info }) };
  }
  if (config.path === null) {
    // The config schema requires a path for frame and ascii; this is a programming error.
    throw new Error(`keypad.path is required for the ${config.driver} driver`);
  }

  // One line per change a technician needs: which keypad (its HELLO) came or went.
  let driver: KeypadDriver | null = null;
  let hello: Hello | null = null;
  let last: { state: 'online' | 'offline'; fault: KeypadFault } | null = null;
  const where = () => driver?.info().path ?? config.path;
  const events: KeypadDriverEvents = {
    press(press) {
      if (press.kind === 'position') terminal.key(press.position);
      else if (press.kind === 'invite') terminal.inviteKey();
      else terminal.pauseKey();
    },
    status(state, fault) {
      const event =
        last?.state === state ? 'keypad_fault' : state === 'online' ? 'keypad_online' : 'keypad_offline';
      last = { state, fault };
      log.log(state === 'online' && fault === null ? 'info' : 'warn', event, {
        driver: config.driver,
        path: where(),
        fault,
        ...helloFields(hello),
      });
      terminal.keypadStatus(state, fault);
    },
    hello(next) {
      const known = hello;
      hello = next;
      // A HELLO while online from another keypad, or after new firmware: the line that says so.
      // Otherwise the keypad_online line that follows carries it.
      if (last?.state !== 'online' || (known && sameKeypad(known, next))) return;
      log.log('info', 'keypad_hello', { driver: config.driver, path: where(), ...helloFields(next) });
    },
  };
  const common = {
    path: config.path,
    autoIds: config.autoIds,
    baudRate: config.baudRate,
    events,
    log: keyLineFilter(log, () => terminal.currentPromptId() !== null),
    ...(options.timers ? { timers: options.timers } : {}),
    ...(options.serial ? { serial: options.serial } : {}),
  };
  const opened: KeypadDriver =
    config.driver === 'frame'
      ? openFrameKeypad(common)
      : openAsciiKeypad({ ...common, debounceMs: config.debounceMs });
  driver = opened;
  log.log('info', 'keypad_started', { driver: config.driver, path: config.path });

  const forward = (command: KeypadCommand) => opened.command(command);
  const unsubscribe = terminal.subscribe({ keypad: forward });
  // A prompt recovered at start was armed before we listened: tell the keypad now.
  for (const command of terminal.keypadCommands()) forward(command);

  return {
    async stop() {
      unsubscribe();
      await opened.stop();
    },
    info() {
      const d = opened.info();
      return {
        driver: config.driver,
        state: d.state,
        fault: d.fault,
        hello: d.hello
          ? {
              model: d.hello.model,
              firmware: d.hello.firmware,
              serialNo: d.hello.serialNo,
              keyCount: d.hello.keyCount,
              version: d.hello.version,
            }
          : null,
        path: d.path,
        portOpen: d.portOpen,
      };
    },
  };
}

/**
 * The drivers log each key they accept (`keypad_key`, with its code and SEQ), which a
 * technician needs for a keypad that seems dead. During a prompt those codes are how the
 * citizen rated: the rating key, then the reasons ticked (key 5, then 3, 2, 3, 5 rebuilds
 * a 差评 with two reasons exactly). So while a prompt is on screen no key line is written
 * — not even a count, which would tell a one-key 好评 from a 差评's five — and outside
 * prompts the line goes without its SEQ, whose jump across a prompt would count the keys
 * pressed in it. Everything else the driver says (unknown keys, bad frames, the port)
 * is written as it comes.
 */
export function keyLineFilter(log: Logger, promptOnScreen: () => boolean): Logger {
  return {
    log(level, event, fields = {}) {
      if (event !== 'keypad_key') {
        log.log(level, event, fields);
        return;
      }
      if (promptOnScreen()) return;
      const { seq: _seq, ...rest } = fields;
      log.log(level, event, rest);
    },
  };
}

/** Who the keypad is, for the log: never anything about a citizen. */
function helloFields(hello: Hello | null): Record<string, unknown> {
  if (!hello) return { model: null, firmware: null, serialNo: null };
  return { model: hello.model, firmware: hello.firmware, serialNo: hello.serialNo, keyCount: hello.keyCount };
}

function sameKeypad(a: Hello, b: Hello): boolean {
  return a.model === b.model && a.firmware === b.firmware && a.serialNo === b.serialNo;
}
