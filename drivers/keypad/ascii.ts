// Driver `ascii`: cheap keypads that send one byte per press and accept nothing.
// '1'–'5' are positions, '6' INVITE, '7' PAUSE, every other byte is ignored. They have
// no SEQ, so a repeated byte within debounceMs is contact bounce, not a second press;
// and they are silent when idle, so "online" can only mean "the port is open".

import { type Clock, systemClock } from '../../src/base/clock.js';
import { type Logger, silentLogger } from '../../src/base/logger.js';
import type { KeypadDriver, KeypadDriverEvents, KeypadDriverInfo } from './keypad-driver.js';
import type { KeyCode } from './kp1-codec.js';
import { type SerialKeypadOptions, SerialLink } from './serial-link.js';

export const DEFAULT_DEBOUNCE_MS = 300;

export function asciiKey(byte: number): KeyCode | null {
  if (byte >= 0x31 && byte <= 0x35) return { kind: 'position', position: (byte - 0x30) as 1 | 2 | 3 | 4 | 5 };
  if (byte === 0x36) return { kind: 'invite' };
  if (byte === 0x37) return { kind: 'pause' };
  return null;
}

export class AsciiDecoder {
  private last: { byte: number; at: number } | null = null;

  constructor(
    private readonly debounceMs: number,
    private readonly timers: Pick<Clock, 'now'>,
    private readonly onPress: (key: KeyCode) => void,
  ) {}

  receive(chunk: Uint8Array): void {
    for (const byte of chunk) {
      const key = asciiKey(byte);
      if (!key) continue;
      const now = this.timers.now();
      const last = this.last;
      // Measured from the previous identical byte, so a chattering or auto-repeating key stays one press.
      this.last = { byte, at: now };
      if (last && last.byte === byte && now - last.at < this.debounceMs) continue;
      this.onPress(key);
    }
  }

  reset(): void {
    this.last = null;
  }
}

export interface AsciiKeypadOptions extends SerialKeypadOptions {
  debounceMs: number;
}

export function openAsciiKeypad(options: AsciiKeypadOptions): KeypadDriver {
  const timers = options.timers ?? systemClock;
  const log: Logger = options.log ?? silentLogger;
  const events: KeypadDriverEvents = options.events;
  let state: KeypadDriverInfo['state'] = 'starting';
  const setState = (next: 'online' | 'offline') => {
    if (state === next) return;
    state = next;
    // The engine logs the change (keypad-wiring.ts).
    events.status(next, null);
  };
  const decoder = new AsciiDecoder(options.debounceMs, timers, (key) => {
    log.log('info', 'keypad_key', { code: key.kind === 'position' ? key.position : key.kind });
    events.press(key);
  });
  const serial = new SerialLink({
    ...options.serial,
    path: options.path,
    autoIds: options.autoIds,
    baudRate: options.baudRate,
    // Such keypads accept nothing: "auto" takes the first listed one and never writes.
    probe: null,
    timers,
    log,
    onOpen: () => {
      decoder.reset();
      setState('online');
    },
    onData: (chunk) => decoder.receive(chunk),
    onClose: () => setState('offline'),
    onOpenFailed: () => setState('offline'),
  });
  serial.start();
  return {
    // Nothing can be sent to a single-byte keypad: ARM, LEDS and BEEP have nowhere to go.
    command: () => {},
    info: () => ({ state, fault: null, hello: null, path: serial.path, portOpen: serial.isOpen }),
    stop: () => serial.stop(),
  };
}
