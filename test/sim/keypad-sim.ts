// A KP/1 keypad on a serial path (a socat pty end), for tests and for people.
// It behaves as the contract says a keypad does (HELLO at power-up and on QUERY,
// HEARTBEAT every 2 s, KEY retransmitted every 300 ms until ACKed, at most 5 times) and
// can misbehave on request: stay silent, send noise, report a stuck key, not
// retransmit, send a duplicate, not hear ACKs. It records what the terminal sends.
//
// By hand: node --import tsx test/sim/keypad-sim.ts /dev/pts/N
//   1–5 rating keys, i INVITE, p PAUSE, s stuck key on/off, m mute on/off, n noise, q quit.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SerialPort } from 'serialport';
import {
  decodeTerminalCommand,
  encodeHeartbeat,
  encodeHello,
  encodeKey,
  FrameParser,
  type KeyCode,
  SOF,
  type TerminalCommand,
} from '../../drivers/keypad/kp1-codec.js';

export type SimKey = 1 | 2 | 3 | 4 | 5 | 'invite' | 'pause';

export interface KeypadSimOptions {
  path: string;
  baudRate?: number;
  model?: string;
  firmware?: string;
  serialNo?: string;
  keyCount?: number;
  heartbeatMs?: number;
  retransmitMs?: number;
  maxRetransmits?: number;
  /** Send HELLO when the port opens, as at power-up (default true). */
  helloAtStart?: boolean;
}

export interface PressResult {
  seq: number;
  acked: boolean;
  /** KEY frames sent for this press, the first one included. */
  sent: number;
}

export type Received = TerminalCommand & { at: number };

export function simKeyCode(key: SimKey): KeyCode {
  if (key === 'invite') return { kind: 'invite' };
  if (key === 'pause') return { kind: 'pause' };
  return { kind: 'position', position: key };
}

interface Pending {
  frame: Uint8Array;
  sent: number;
  timer: NodeJS.Timeout | null;
  resolve: (r: PressResult) => void;
}

export class KeypadSim {
  /** Everything the terminal sent, decoded, oldest first. */
  readonly received: Received[] = [];
  /** Sends nothing at all: no HELLO, no HEARTBEAT, no KEY (a dead keypad on a live line). */
  silent = false;
  /** Bit 0 of HEARTBEAT. */
  stuckKey = false;
  retransmit = true;
  /** Drops incoming ACKs, as if they were lost on the line: every KEY is retransmitted. */
  deafToAcks = false;

  private port: SerialPort | null = null;
  private readonly parser = new FrameParser();
  private seq = 0;
  private heartbeat: NodeJS.Timeout | null = null;
  private readonly pending = new Map<number, Pending>();
  /** The last KEY frame sent under each SEQ, to send it again unchanged. */
  private readonly keyFrames = new Map<number, Uint8Array>();
  private readonly waiters = new Set<() => void>();

  constructor(private readonly opts: KeypadSimOptions) {}

  get path(): string {
    return this.opts.path;
  }

  async open(): Promise<void> {
    const port = new SerialPort({
      path: this.opts.path,
      baudRate: this.opts.baudRate ?? 9600,
      autoOpen: false,
      lock: false,
    });
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    port.on('error', () => {});
    port.on('data', (chunk: Buffer) => this.onData(chunk));
    port.on('close', () => {
      if (this.port === port) this.port = null;
    });
    this.port = port;
    this.parser.reset();
    if (this.opts.helloAtStart ?? true) this.sendHello();
    this.heartbeat = setInterval(() => this.sendHeartbeat(), this.opts.heartbeatMs ?? 2_000);
  }

  async close(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    for (const [seq, p] of this.pending) {
      if (p.timer) clearTimeout(p.timer);
      p.resolve({ seq, acked: false, sent: p.sent });
    }
    this.pending.clear();
    const port = this.port;
    this.port = null;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  /** Presses a key: resolves once ACKed, or once its retransmissions are used up. */
  press(key: SimKey, options: { duplicate?: boolean; seq?: number } = {}): Promise<PressResult> {
    const seq = options.seq ?? this.nextSeq();
    const frame = encodeKey(seq, simKeyCode(key));
    this.keyFrames.set(seq, frame);
    return new Promise((resolve) => {
      const p: Pending = { frame, sent: 0, timer: null, resolve };
      this.pending.get(seq)?.resolve({ seq, acked: false, sent: 0 });
      this.pending.set(seq, p);
      this.sendKey(seq, p);
      if (options.duplicate) this.sendKey(seq, p);
    });
  }

  /**
   * Sends the KEY frame of an earlier press again, byte for byte (same SEQ), as a
   * keypad does when the terminal's ACK was lost on the line.
   */
  resendKey(seq: number): void {
    const frame = this.keyFrames.get(seq & 0xff);
    if (!frame) throw new Error(`keypad simulator: no KEY frame was sent with SEQ ${seq}`);
    if (!this.silent) this.write(frame);
  }

  /** Writes bytes as they are: noise, broken frames, frames made by hand. */
  sendRaw(bytes: Uint8Array): void {
    this.port?.write(Buffer.from(bytes));
  }

  /** Random bytes, never SOF unless asked, so nothing real is hidden by them. */
  sendNoise(length = 32, options: { withSof?: boolean } = {}): void {
    const bytes = new Uint8Array(length);
    for (let i = 0; i < length; i++) {
      let b = Math.floor(Math.random() * 256);
      if (b === SOF && !options.withSof) b = 0x5a;
      bytes[i] = b;
    }
    this.sendRaw(bytes);
  }

  sendHello(): void {
    if (this.silent) return;
    this.write(
      encodeHello(this.nextSeq(), {
        keyCount: this.opts.keyCount ?? 5,
        model: this.opts.model ?? 'KP-SIM',
        firmware: this.opts.firmware ?? '1.0.0',
        serialNo: this.opts.serialNo ?? 'SIM0001',
      }),
    );
  }

  sendHeartbeat(): void {
    if (this.silent) return;
    this.write(encodeHeartbeat(this.nextSeq(), this.stuckKey));
  }

  /** Sets the keypad's SEQ counter (to replay a SEQ, or start as after a restart). */
  setSeq(seq: number): void {
    this.seq = seq & 0xff;
  }

  acks(): number[] {
    return this.received.filter((r) => r.cmd === 'ack').map((r) => (r as { acked: number }).acked);
  }

  commands<K extends TerminalCommand['cmd']>(cmd: K): Extract<Received, { cmd: K }>[] {
    return this.received.filter((r): r is Extract<Received, { cmd: K }> => r.cmd === cmd);
  }

  /** Waits until what was received satisfies check. */
  async waitFor(check: (received: Received[]) => boolean, what: string, ms = 5_000): Promise<void> {
    if (check(this.received)) return;
    await new Promise<void>((resolve, reject) => {
      const done = () => {
        if (!check(this.received)) return;
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(done);
        reject(new Error(`keypad simulator: timed out waiting for ${what}`));
      }, ms);
      this.waiters.add(done);
    });
  }

  private sendKey(seq: number, p: Pending): void {
    if (this.silent) {
      this.pending.delete(seq);
      p.resolve({ seq, acked: false, sent: p.sent });
      return;
    }
    this.write(p.frame);
    p.sent++;
    if (p.timer) clearTimeout(p.timer);
    const retries = this.opts.maxRetransmits ?? 5;
    const interval = this.opts.retransmitMs ?? 300;
    const more = this.retransmit && p.sent <= retries;
    p.timer = setTimeout(() => {
      p.timer = null;
      if (this.pending.get(seq) !== p) return;
      if (more) {
        this.sendKey(seq, p);
      } else {
        this.pending.delete(seq);
        p.resolve({ seq, acked: false, sent: p.sent });
      }
    }, interval);
  }

  private onData(chunk: Uint8Array): void {
    for (const frame of this.parser.push(chunk)) {
      const command = decodeTerminalCommand(frame);
      if (!command) continue;
      this.received.push({ ...command, at: Date.now() });
      if (command.cmd === 'query') this.sendHello();
      if (command.cmd === 'ack' && !this.deafToAcks) {
        const p = this.pending.get(command.acked);
        if (p) {
          if (p.timer) clearTimeout(p.timer);
          this.pending.delete(command.acked);
          p.resolve({ seq: command.acked, acked: true, sent: p.sent });
        }
      }
    }
    for (const w of [...this.waiters]) w();
  }

  private write(frame: Uint8Array): void {
    this.port?.write(Buffer.from(frame));
  }

  private nextSeq(): number {
    const seq = this.seq;
    this.seq = (this.seq + 1) & 0xff;
    return seq;
  }
}

async function main(path: string | undefined): Promise<void> {
  if (!path) {
    process.stderr.write('usage: node --import tsx test/sim/keypad-sim.ts /dev/pts/N\n');
    process.exit(2);
  }
  const sim = new KeypadSim({ path });
  await sim.open();
  const say = (line: string) => process.stdout.write(`${line}\r\n`);
  say(`KP/1 keypad on ${path}: 1-5 rate, i INVITE, p PAUSE, s stuck key, m mute, n noise, q quit`);
  let shown = 0;
  setInterval(() => {
    for (const r of sim.received.slice(shown)) {
      const { at: _at, ...rest } = r;
      say(`<- ${JSON.stringify(rest)}`);
    }
    shown = sim.received.length;
  }, 100).unref();
  const keys: Record<string, SimKey> = { '1': 1, '2': 2, '3': 3, '4': 4, '5': 5, i: 'invite', p: 'pause' };
  if (process.stdin.isTTY) process.stdin.setRawMode(true);
  process.stdin.on('data', (data: Buffer) => {
    for (const ch of data.toString('latin1')) {
      const key = keys[ch];
      if (key !== undefined) {
        say(`-> KEY ${key}`);
        void sim
          .press(key)
          .then((r) => say(`   seq ${r.seq}: ${r.acked ? 'ACKed' : 'not ACKed'} after ${r.sent}`));
      } else if (ch === 's') {
        sim.stuckKey = !sim.stuckKey;
        say(`stuck key ${sim.stuckKey ? 'on' : 'off'}`);
      } else if (ch === 'm') {
        sim.silent = !sim.silent;
        say(`mute ${sim.silent ? 'on' : 'off'}`);
      } else if (ch === 'n') {
        sim.sendNoise();
        say('-> 32 bytes of noise');
      } else if (ch === 'q' || ch === '\u0003') {
        void sim.close().then(() => process.exit(0));
      }
    }
  });
}

function invokedDirectly(): boolean {
  try {
    const script = process.argv[1];
    return script !== undefined && realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (invokedDirectly()) void main(process.argv[2]);
