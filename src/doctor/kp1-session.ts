// The terminal's side of KP/1 for doctor: QUERY → HELLO for the keypad check, and
// KEY frames ACKed (so the keypad stops retransmitting) and counted once per SEQ for
// --keys, as the contract asks of the terminal itself.

import {
  CMD,
  decodeHello,
  decodeKey,
  encodeAck,
  encodeQuery,
  FrameParser,
  type Hello,
  type KeyCode,
} from '../../drivers/keypad/kp1-codec.js';
import type { SerialSession } from './serial-session.js';

/** A KEY with the last accepted SEQ within this long is the same press sent again. */
const RETRANSMISSION_WINDOW_MS = 5_000;

export class Kp1Session {
  /** Valid frames received (any command): a keypad that speaks KP/1 at all. */
  frames = 0;
  private readonly parser = new FrameParser();
  private seq = 0;
  private lastKey: { seq: number; at: number } | null = null;
  private readonly helloWaiters = new Set<(hello: Hello) => void>();
  private readonly keyListeners = new Set<(key: KeyCode) => void>();

  constructor(readonly serial: SerialSession) {
    serial.onData((chunk) => {
      for (const frame of this.parser.push(chunk)) {
        this.frames++;
        if (frame.cmd === CMD.HELLO) {
          const hello = decodeHello(frame.payload);
          if (hello === null) continue;
          // A keypad that restarted counts its SEQ from scratch.
          this.lastKey = null;
          for (const w of [...this.helloWaiters]) w(hello);
        } else if (frame.cmd === CMD.KEY) {
          this.serial.write(encodeAck(this.nextSeq(), frame.seq));
          const key = decodeKey(frame.payload);
          const now = Date.now();
          const last = this.lastKey;
          if (key === null || (last && last.seq === frame.seq && now - last.at <= RETRANSMISSION_WINDOW_MS)) {
            continue;
          }
          this.lastKey = { seq: frame.seq, at: now };
          for (const listener of [...this.keyListeners]) listener(key);
        }
      }
    });
  }

  /**
   * Sends QUERY and waits for the HELLO that answers it. A HELLO sent before (at
   * power-up, perhaps long ago) does not count: the keypad must be alive now.
   */
  query(timeoutMs: number): Promise<Hello | null> {
    return new Promise((resolve) => {
      const done = (hello: Hello | null) => {
        clearTimeout(timer);
        this.helloWaiters.delete(done);
        resolve(hello);
      };
      const timer = setTimeout(() => done(null), timeoutMs);
      this.helloWaiters.add(done);
      this.serial.write(encodeQuery(this.nextSeq()));
    });
  }

  onKey(listener: (key: KeyCode) => void): () => void {
    this.keyListeners.add(listener);
    return () => this.keyListeners.delete(listener);
  }

  private nextSeq(): number {
    const seq = this.seq;
    this.seq = (this.seq + 1) & 0xff;
    return seq;
  }
}
