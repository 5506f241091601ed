// The KP/1 link (driver `frame`): ACKs every KEY, acts on each SEQ once, asks for
// HELLO after every (re)open, watches liveness and the stuck-key flag, and turns the
// engine's keypad commands into frames. The protocol logic (Kp1Link) sees only a byte
// port and a clock; openFrameKeypad puts it on a real serial line. It is the one KP/1
// stack: the terminal, the "auto" probe and doctor all talk to keypads through it.

import { type Clock, systemClock } from '../../src/base/clock.js';
import { type Logger, silentLogger } from '../../src/base/logger.js';
import type { KeypadCommand } from '../../src/core/effects.js';
import type { KeypadFault } from '../../src/core/model.js';
import type { KeypadDriver, KeypadDriverEvents, KeypadDriverInfo } from './keypad-driver.js';
import {
  CMD,
  decodeHeartbeat,
  decodeHello,
  decodeKey,
  encodeAck,
  encodeArm,
  encodeBeep,
  encodeLeds,
  encodeQuery,
  type Frame,
  FrameParser,
  type Hello,
  keyCodeByte,
  MAX_FRAME,
  PROTOCOL_VERSION,
} from './kp1-codec.js';
import { type BytePort, type PortProbe, type SerialKeypadOptions, SerialLink } from './serial-link.js';

/** Offline after this long without any valid frame (HEARTBEAT comes every 2 s). */
export const OFFLINE_AFTER_MS = 6_000;
/**
 * A KEY whose SEQ equals that of any KEY accepted within this long is the same press
 * sent again — any of them, not only the last: a keypad may send its next key before
 * the previous one's ACK arrives and then resend the earlier one (s, s+1, s).
 */
export const RETRANSMISSION_WINDOW_MS = 5_000;

/** How long a half-received frame may wait for its rest: a whole frame's time on the wire, and a margin. */
export function frameIdleMs(baudRate: number): number {
  return Math.ceil((MAX_FRAME * 10 * 1000) / Math.max(1, baudRate)) + 50;
}

export interface Kp1LinkOptions {
  events: KeypadDriverEvents;
  /** For the partial-frame timeout (default 9600). */
  baudRate?: number;
  timers?: Clock;
  log?: Logger;
}

export class Kp1Link {
  private readonly timers: Clock;
  private readonly log: Logger;
  private readonly parser = new FrameParser();
  private port: BytePort | null = null;
  /** The terminal's own SEQ counter for the frames it sends. */
  private seq = 0;
  /** SEQ → when its KEY was accepted, for the presses of the last RETRANSMISSION_WINDOW_MS. */
  private readonly accepted = new Map<number, number>();
  private hello: Hello | null = null;
  private state: KeypadDriverInfo['state'] = 'starting';
  private fault: KeypadFault = null;
  private reported: string | null = null;
  private liveness: unknown = null;
  private partial: unknown = null;
  private readonly idleMs: number;
  private armed: boolean | null = null;
  private leds: { mask: number; blink: boolean } | null = null;
  private stopped = false;
  private readonly helloWaiters = new Set<(hello: Hello | null) => void>();

  constructor(private readonly opts: Kp1LinkOptions) {
    this.timers = opts.timers ?? systemClock;
    this.log = opts.log ?? silentLogger;
    this.idleMs = frameIdleMs(opts.baudRate ?? 9600);
  }

  /** Starts the liveness clock: a keypad never heard from is offline after OFFLINE_AFTER_MS. */
  start(): void {
    this.armLiveness();
  }

  /** The port (re)opened: whatever was half-received belongs to the old connection. */
  opened(port: BytePort): void {
    this.port = port;
    this.parser.reset();
    this.send(encodeQuery(this.nextSeq()));
  }

  closed(): void {
    this.port = null;
    this.parser.reset();
    this.clearPartial();
  }

  receive(chunk: Uint8Array): void {
    if (this.stopped) return;
    for (const frame of this.parser.push(chunk)) this.handle(frame);
    this.clearPartial();
    if (this.parser.buffered > 0 && !this.stopped) {
      // A stray SOF must not hold back the frames after it until more bytes happen to come.
      this.partial = this.timers.setTimeout(() => {
        this.partial = null;
        for (const frame of this.parser.idle()) this.handle(frame);
      }, this.idleMs);
    }
  }

  command(command: KeypadCommand): void {
    switch (command.kind) {
      case 'arm':
        this.armed = command.on;
        this.send(encodeArm(this.nextSeq(), command.on));
        return;
      case 'leds':
        this.leds = { mask: command.mask, blink: command.blink };
        this.send(encodeLeds(this.nextSeq(), command.mask, command.blink));
        return;
      case 'beep':
        this.send(encodeBeep(this.nextSeq(), command.ms));
        return;
    }
  }

  info(): Omit<KeypadDriverInfo, 'path' | 'portOpen'> {
    return { state: this.state, fault: this.fault, hello: this.hello };
  }

  get parserStats() {
    return { ...this.parser.stats };
  }

  /**
   * The next HELLO to arrive, or null after timeoutMs (or on stop). A HELLO received
   * before the call (at power-up, perhaps long ago) does not count: call it before
   * opened() to wait for the answer to that QUERY.
   */
  nextHello(timeoutMs: number): Promise<Hello | null> {
    if (this.stopped) return Promise.resolve(null);
    return new Promise((resolve) => {
      const done = (hello: Hello | null) => {
        this.timers.clearTimeout(timer);
        this.helloWaiters.delete(done);
        resolve(hello);
      };
      const timer = this.timers.setTimeout(() => done(null), timeoutMs);
      this.helloWaiters.add(done);
    });
  }

  stop(): void {
    this.stopped = true;
    if (this.liveness !== null) this.timers.clearTimeout(this.liveness);
    this.liveness = null;
    this.clearPartial();
    this.port = null;
    for (const waiter of [...this.helloWaiters]) waiter(null);
  }

  private clearPartial(): void {
    if (this.partial !== null) this.timers.clearTimeout(this.partial);
    this.partial = null;
  }

  private handle(frame: Frame): void {
    // Who the keypad is comes first, so that "online" is told with its HELLO.
    if (frame.cmd === CMD.HELLO) this.onHello(frame);
    // Any frame that passed the CRC proves the keypad is there, whatever it says.
    this.alive();
    switch (frame.cmd) {
      case CMD.KEY:
        this.onKey(frame);
        return;
      case CMD.HELLO:
        return;
      case CMD.HEARTBEAT: {
        const beat = decodeHeartbeat(frame.payload);
        if (!beat) {
          this.log.log('warn', 'keypad_bad_heartbeat', { length: frame.payload.length });
          return;
        }
        this.setStatus('online', beat.stuckKey ? 'stuck_key' : null);
        return;
      }
      default:
        this.log.log('warn', 'keypad_unknown_frame', { cmd: frame.cmd });
    }
  }

  private onKey(frame: Frame): void {
    // ACK first and always: it only says the frame arrived, duplicates included.
    this.send(encodeAck(this.nextSeq(), frame.seq));
    const key = decodeKey(frame.payload);
    if (!key) {
      this.log.log('warn', 'keypad_unknown_key', { code: frame.payload[0] ?? null });
      return;
    }
    const now = this.timers.now();
    // Forget what is older than the window first: a SEQ comes round again after 256
    // presses, and then it is a new press. The map holds at most 256 entries. A press
    // "in the future" means the wall clock was set back: forgotten too, or its SEQ would
    // be refused until the clock caught up again.
    for (const [seq, at] of this.accepted) {
      const age = now - at;
      if (age < 0 || age > RETRANSMISSION_WINDOW_MS) this.accepted.delete(seq);
    }
    if (this.accepted.has(frame.seq)) return;
    this.accepted.set(frame.seq, now);
    this.log.log('info', 'keypad_key', { code: keyCodeByte(key), seq: frame.seq });
    this.opts.events.press(key);
  }

  private onHello(frame: Frame): void {
    const hello = decodeHello(frame.payload);
    if (!hello) {
      this.log.log('warn', 'keypad_bad_hello', { length: frame.payload.length });
      return;
    }
    if (hello.version !== PROTOCOL_VERSION) {
      this.log.log('warn', 'keypad_protocol_version', { version: hello.version, expected: PROTOCOL_VERSION });
    }
    // A keypad that restarted counts its SEQ from scratch.
    this.accepted.clear();
    this.hello = hello;
    this.opts.events.hello?.(hello);
    for (const waiter of [...this.helloWaiters]) waiter(hello);
    // A restarted keypad has forgotten whether a prompt is open: tell it again.
    if (this.armed !== null) this.send(encodeArm(this.nextSeq(), this.armed));
    if (this.leds !== null) this.send(encodeLeds(this.nextSeq(), this.leds.mask, this.leds.blink));
  }

  private alive(): void {
    this.armLiveness();
    if (this.state !== 'online') this.setStatus('online', this.fault);
  }

  private armLiveness(): void {
    if (this.stopped) return;
    if (this.liveness !== null) this.timers.clearTimeout(this.liveness);
    this.liveness = this.timers.setTimeout(() => {
      this.liveness = null;
      this.setStatus('offline', this.fault);
    }, OFFLINE_AFTER_MS);
  }

  private setStatus(state: 'online' | 'offline', fault: KeypadFault): void {
    this.state = state;
    this.fault = fault;
    const key = `${state}/${fault}`;
    if (key === this.reported) return;
    this.reported = key;
    // The engine logs the change, with the keypad's HELLO (keypad-wiring.ts).
    this.opts.events.status(state, fault);
  }

  private send(bytes: Uint8Array): void {
    this.port?.write(bytes);
  }

  private nextSeq(): number {
    const seq = this.seq;
    this.seq = (this.seq + 1) & 0xff;
    return seq;
  }
}

/**
 * How "auto" tells a KP/1 keypad among the serial ports: a link of its own on the
 * candidate sends QUERY as on any open, and the candidate is the keypad once it says HELLO.
 */
export function kp1HelloProbe(options: { baudRate?: number; timers?: Clock }) {
  return (port: BytePort, answered: () => void): PortProbe => {
    const link = new Kp1Link({
      events: { press() {}, status() {}, hello: () => answered() },
      ...(options.baudRate !== undefined ? { baudRate: options.baudRate } : {}),
      ...(options.timers ? { timers: options.timers } : {}),
    });
    // The probe asks (the QUERY of opened()) and then only listens: a KEY it ACKed would
    // be lost, while one left un-ACKed is sent again to the link that adopts the port.
    let asked = false;
    link.opened({
      write(bytes) {
        if (asked) return;
        asked = true;
        port.write(bytes);
      },
    });
    return { receive: (chunk) => link.receive(chunk), stop: () => link.stop() };
  };
}

/** Driver `frame`: a KP/1 keypad on a serial line, reopened on its own when it comes back. */
export function openFrameKeypad(options: SerialKeypadOptions): KeypadDriver {
  const link = new Kp1Link({
    events: options.events,
    baudRate: options.baudRate,
    ...(options.timers ? { timers: options.timers } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
  const serial = new SerialLink({
    ...options.serial,
    path: options.path,
    autoIds: options.autoIds,
    baudRate: options.baudRate,
    probe: kp1HelloProbe({
      baudRate: options.baudRate,
      ...(options.timers ? { timers: options.timers } : {}),
    }),
    ...(options.timers ? { timers: options.timers } : {}),
    ...(options.log ? { log: options.log } : {}),
    onOpen: (port) => link.opened(port),
    onData: (chunk) => link.receive(chunk),
    onClose: () => link.closed(),
  });
  link.start();
  serial.start();
  return {
    command: (command) => link.command(command),
    info: () => ({ ...link.info(), path: serial.path, portOpen: serial.isOpen }),
    async stop() {
      link.stop();
      await serial.stop();
    },
  };
}
