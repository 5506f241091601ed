// What every serial keypad driver (frame, ascii) offers the engine, and what it needs
// from it. Drivers report through these callbacks and never import the engine.

import type { KeypadCommand } from '../../src/core/effects.js';
import type { KeypadFault } from '../../src/core/model.js';
import type { Hello, KeyCode } from './kp1-codec.js';

export type KeypadPress = KeyCode;

export interface KeypadDriverEvents {
  press(press: KeypadPress): void;
  status(state: 'online' | 'offline', fault: KeypadFault): void;
  /** Every valid HELLO (frame driver only), before the status it may bring online. */
  hello?(hello: Hello): void;
}

export interface KeypadDriverInfo {
  /** 'starting' until the driver first knows (a frame, a deadline, an open or a failed open). */
  state: 'online' | 'offline' | 'starting';
  fault: KeypadFault;
  /** The last HELLO (frame driver only). */
  hello: Hello | null;
  /** The serial device in use or last used; null while "auto" has found none. */
  path: string | null;
  portOpen: boolean;
}

export interface KeypadDriver {
  command(command: KeypadCommand): void;
  info(): KeypadDriverInfo;
  stop(): Promise<void>;
}
