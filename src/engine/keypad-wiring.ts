// Connects the configured serial keypad driver to a Terminal: presses become key /
// invite / pause events, the driver's liveness becomes keypadStatus, and the engine's
// keypad commands (ARM, LEDS, BEEP) go back to the keypad.

import { openAsciiKeypad } from '../../drivers/keypad/ascii.js';
import type { KeypadDriver, KeypadDriverEvents, Timers } from '../../drivers/keypad/keypad-driver.js';
import type { Hello } from '../../drivers/keypad/kp1-codec.js';
import { openFrameKeypad } from '../../drivers/keypad/kp1-link.js';
import type { SerialLinkOptions } from '../../drivers/keypad/serial-link.js';
import type { KeypadDriver as DriverName, KeypadSection } from '../config/terminal-config.js';
import type { KeypadCommand } from '../core/effects.js';
import type { KeypadFault, KeypadState } from '../core/model.js';
import type { Logger } from './log.js';
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
  timers?: Timers;
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

  const events: KeypadDriverEvents = {
    press(press) {
      if (press.kind === 'position') terminal.key(press.position);
      else if (press.kind === 'invite') terminal.inviteKey();
      else terminal.pauseKey();
    },
    status(state, fault) {
      terminal.keypadStatus(state, fault);
    },
  };
  const common = {
    path: config.path,
    autoIds: config.autoIds,
    baudRate: config.baudRate,
    events,
    log,
    ...(options.timers ? { timers: options.timers } : {}),
    ...(options.serial ? { serial: options.serial } : {}),
  };
  const driver: KeypadDriver =
    config.driver === 'frame'
      ? openFrameKeypad(common)
      : openAsciiKeypad({ ...common, debounceMs: config.debounceMs });
  log.log('info', 'keypad_started', { driver: config.driver, path: config.path });

  const forward = (command: KeypadCommand) => driver.command(command);
  const unsubscribe = terminal.subscribe({ keypad: forward });
  // A prompt recovered at start was armed before we listened: tell the keypad now.
  for (const command of currentCommands(terminal)) forward(command);

  return {
    async stop() {
      unsubscribe();
      await driver.stop();
    },
    info() {
      const d = driver.info();
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

/** ARM and LEDS matching what the screen shows now. */
function currentCommands(terminal: Terminal): KeypadCommand[] {
  const screen = terminal.view().screen;
  switch (screen.kind) {
    case 'choose_scope':
      return [
        { kind: 'arm', on: true },
        {
          kind: 'leds',
          mask: screen.options.reduce((m, o) => m | (1 << (o.position - 1)), 0),
          blink: false,
        },
      ];
    case 'rate':
    case 'reasons':
      return [
        { kind: 'arm', on: true },
        { kind: 'leds', mask: 0b11111, blink: false },
      ];
    default:
      return [
        { kind: 'arm', on: false },
        { kind: 'leds', mask: 0, blink: false },
      ];
  }
}
