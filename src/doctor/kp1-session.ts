// The terminal's side of KP/1 for doctor, on the port doctor holds: the same link the
// terminal runs (drivers/keypad/kp1-link.ts), so QUERY → HELLO, the ACK of every KEY
// and the once-per-SEQ filter are exactly the terminal's.

import type { Hello, KeyCode } from '../../drivers/keypad/kp1-codec.js';
import { Kp1Link } from '../../drivers/keypad/kp1-link.js';
import { type Clock, systemClock } from '../base/clock.js';
import type { SerialSession } from './serial-session.js';

export class Kp1Session {
  private readonly link: Kp1Link;
  private readonly keyListeners = new Set<(key: KeyCode) => void>();

  constructor(
    readonly serial: SerialSession,
    baudRate: number,
    timers: Clock = systemClock,
  ) {
    this.link = new Kp1Link({
      baudRate,
      timers,
      events: {
        press: (key) => {
          for (const listener of [...this.keyListeners]) listener(key);
        },
        // doctor reports what it asked for, not the liveness of a line it holds for seconds.
        status() {},
      },
    });
    serial.onData((chunk) => this.link.receive(chunk));
  }

  /** Valid frames received (any command): a keypad that speaks KP/1 at all. */
  get frames(): number {
    return this.link.parserStats.frames;
  }

  /**
   * Opens the conversation as the terminal does, with QUERY, and waits for the HELLO
   * that answers it. A HELLO sent before (at power-up, perhaps long ago) does not
   * count: the keypad must be alive now.
   */
  hello(timeoutMs: number): Promise<Hello | null> {
    const answer = this.link.nextHello(timeoutMs);
    this.link.opened(this.serial);
    return answer;
  }

  onKey(listener: (key: KeyCode) => void): () => void {
    this.keyListeners.add(listener);
    return () => this.keyListeners.delete(listener);
  }

  async close(): Promise<void> {
    this.link.stop();
    await this.serial.close();
  }
}
