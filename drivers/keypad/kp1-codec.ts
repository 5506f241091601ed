// KP/1 frames (contracts/keypad-serial.md), as pure functions of bytes: the CRC, the
// frame encoder, a stream parser that survives any byte sequence, and one typed
// encoder/decoder per command. No I/O and no clock, so every byte can be tested.

export const SOF = 0xa5;
/** LEN counts CMD + SEQ + PAYLOAD. */
export const MIN_LEN = 2;
export const MAX_LEN = 66;
export const MAX_PAYLOAD = MAX_LEN - 2;
/** SOF + LEN + (CMD SEQ PAYLOAD) + CRC. */
export const MAX_FRAME = 2 + MAX_LEN + 2;

export const CMD = {
  HELLO: 0x01,
  KEY: 0x02,
  HEARTBEAT: 0x03,
  ACK: 0x80,
  QUERY: 0x81,
  LEDS: 0x82,
  BEEP: 0x83,
  ARM: 0x84,
} as const;

/** KEY payloads other than the rating positions 1–5. */
export const KEY_INVITE = 0x10;
export const KEY_PAUSE = 0x11;

export const PROTOCOL_VERSION = 1;

export interface Frame {
  cmd: number;
  seq: number;
  payload: Uint8Array;
}

const CRC_TABLE = (() => {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 8;
    for (let b = 0; b < 8; b++) c = c & 0x8000 ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff;
    table[i] = c;
  }
  return table;
})();

/** CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, no reflection, no final xor. */
export function crc16(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0xffff;
  for (let i = start; i < end; i++) {
    crc = ((crc << 8) & 0xffff) ^ (CRC_TABLE[((crc >> 8) ^ (bytes[i] as number)) & 0xff] as number);
  }
  return crc;
}

export function encodeFrame(cmd: number, seq: number, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  if (payload.length > MAX_PAYLOAD) {
    throw new RangeError(`a KP/1 payload holds at most ${MAX_PAYLOAD} bytes, not ${payload.length}`);
  }
  const len = payload.length + 2;
  const out = new Uint8Array(len + 4);
  out[0] = SOF;
  out[1] = len;
  out[2] = cmd & 0xff;
  out[3] = seq & 0xff;
  out.set(payload, 4);
  const crc = crc16(out, 1, 2 + len);
  out[2 + len] = crc >> 8;
  out[3 + len] = crc & 0xff;
  return out;
}

/** Counts of what the parser threw away, for diagnostics. */
export interface ParserStats {
  frames: number;
  /** Bytes skipped between frames (no SOF). */
  noiseBytes: number;
  badLength: number;
  badCrc: number;
  /** Partial frames given up on by idle(). */
  truncated: number;
}

/**
 * Fed arbitrary chunks, returns the frames they complete. On a LEN out of range or a
 * CRC mismatch it drops only the SOF it started from and scans on, so a valid frame
 * hidden inside a broken one is still found. It keeps at most one partial frame
 * (MAX_FRAME − 1 bytes) between calls, whatever it is fed.
 */
export class FrameParser {
  private pending: Uint8Array = new Uint8Array(0);
  readonly stats: ParserStats = {
    frames: 0,
    noiseBytes: 0,
    badLength: 0,
    badCrc: 0,
    truncated: 0,
  };

  push(chunk: Uint8Array): Frame[] {
    return this.scan(this.pending.length === 0 ? chunk : concat(this.pending, chunk), false);
  }

  /**
   * The line went quiet with a frame half-received: it will not be completed by a
   * keypad that sent it whole, so its SOF is treated as noise and what followed it is
   * read again. Without this, a stray SOF with a large LEN would hold back a real
   * frame behind it until enough later bytes arrived. Call it after a pause that is
   * longer than a whole frame takes on the wire.
   */
  idle(): Frame[] {
    return this.pending.length === 0 ? [] : this.scan(this.pending, true);
  }

  private scan(buf: Uint8Array, final: boolean): Frame[] {
    const frames: Frame[] = [];
    let i = 0;
    while (i < buf.length) {
      if (buf[i] !== SOF) {
        i++;
        this.stats.noiseBytes++;
        continue;
      }
      if (i + 1 >= buf.length) {
        if (!final) break;
        this.stats.truncated++;
        i++;
        continue;
      }
      const len = buf[i + 1] as number;
      if (len < MIN_LEN || len > MAX_LEN) {
        this.stats.badLength++;
        i++;
        continue;
      }
      const end = i + 4 + len;
      if (end > buf.length) {
        if (!final) break;
        this.stats.truncated++;
        i++;
        continue;
      }
      const crc = ((buf[end - 2] as number) << 8) | (buf[end - 1] as number);
      if (crc16(buf, i + 1, end - 2) !== crc) {
        this.stats.badCrc++;
        i++;
        continue;
      }
      frames.push({
        cmd: buf[i + 2] as number,
        seq: buf[i + 3] as number,
        payload: buf.slice(i + 4, end - 2),
      });
      this.stats.frames++;
      i = end;
    }
    // Only a frame still arriving is kept: it starts with SOF and is shorter than MAX_FRAME.
    this.pending = i < buf.length ? buf.slice(i) : new Uint8Array(0);
    return frames;
  }

  /** Bytes held back waiting for the rest of a frame. */
  get buffered(): number {
    return this.pending.length;
  }

  reset(): void {
    this.pending = new Uint8Array(0);
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

// --- keypad → terminal ---

export interface Hello {
  version: number;
  keyCount: number;
  model: string;
  firmware: string;
  serialNo: string;
}

export type KeyCode =
  | { kind: 'position'; position: 1 | 2 | 3 | 4 | 5 }
  | { kind: 'invite' }
  | { kind: 'pause' };

export interface Heartbeat {
  stuckKey: boolean;
  flags: number;
}

/** null when the payload is too short to be a HELLO. Missing text fields are "". */
export function decodeHello(payload: Uint8Array): Hello | null {
  if (payload.length < 2) return null;
  // ASCII by contract; latin1 maps every byte to one character, so nothing can throw.
  const text = Buffer.from(payload.subarray(2)).toString('latin1');
  const [model = '', firmware = '', serialNo = ''] = text.split(';');
  return { version: payload[0] as number, keyCount: payload[1] as number, model, firmware, serialNo };
}

/** null for a position the contract does not define. */
export function decodeKey(payload: Uint8Array): KeyCode | null {
  if (payload.length < 1) return null;
  const code = payload[0] as number;
  if (code >= 1 && code <= 5) return { kind: 'position', position: code as 1 | 2 | 3 | 4 | 5 };
  if (code === KEY_INVITE) return { kind: 'invite' };
  if (code === KEY_PAUSE) return { kind: 'pause' };
  return null;
}

export function decodeHeartbeat(payload: Uint8Array): Heartbeat | null {
  if (payload.length < 1) return null;
  const flags = payload[0] as number;
  return { flags, stuckKey: (flags & 0x01) !== 0 };
}

export function encodeHello(seq: number, hello: Omit<Hello, 'version'> & { version?: number }): Uint8Array {
  const text = Buffer.from(`${hello.model};${hello.firmware};${hello.serialNo}`, 'latin1');
  const payload = new Uint8Array(2 + text.length);
  payload[0] = hello.version ?? PROTOCOL_VERSION;
  payload[1] = hello.keyCount;
  payload.set(text, 2);
  return encodeFrame(CMD.HELLO, seq, payload);
}

export function keyCodeByte(key: KeyCode): number {
  return key.kind === 'position' ? key.position : key.kind === 'invite' ? KEY_INVITE : KEY_PAUSE;
}

export function encodeKey(seq: number, key: KeyCode): Uint8Array {
  return encodeFrame(CMD.KEY, seq, Uint8Array.of(keyCodeByte(key)));
}

export function encodeHeartbeat(seq: number, stuckKey: boolean): Uint8Array {
  return encodeFrame(CMD.HEARTBEAT, seq, Uint8Array.of(stuckKey ? 0x01 : 0x00));
}

// --- terminal → keypad ---

export function encodeAck(seq: number, ackedSeq: number): Uint8Array {
  return encodeFrame(CMD.ACK, seq, Uint8Array.of(ackedSeq & 0xff));
}

export function encodeQuery(seq: number): Uint8Array {
  return encodeFrame(CMD.QUERY, seq);
}

/** mask: bit 0 = position 1 … bit 4 = position 5. */
export function encodeLeds(seq: number, mask: number, blink: boolean): Uint8Array {
  return encodeFrame(CMD.LEDS, seq, Uint8Array.of(mask & 0x1f, blink ? 1 : 0));
}

/** The wire counts in 10 ms units, one byte: rounded up, at most 2.55 s. */
export function beepUnits(ms: number): number {
  if (!Number.isFinite(ms) || ms <= 0) return 0;
  return Math.min(255, Math.ceil(ms / 10));
}

export function encodeBeep(seq: number, ms: number): Uint8Array {
  return encodeFrame(CMD.BEEP, seq, Uint8Array.of(beepUnits(ms)));
}

export function encodeArm(seq: number, on: boolean): Uint8Array {
  return encodeFrame(CMD.ARM, seq, Uint8Array.of(on ? 1 : 0));
}

/** What the terminal sent, as a keypad (the simulator, test equipment) reads it. */
export type TerminalCommand =
  | { cmd: 'ack'; seq: number; acked: number }
  | { cmd: 'query'; seq: number }
  | { cmd: 'leds'; seq: number; mask: number; blink: boolean }
  | { cmd: 'beep'; seq: number; units: number }
  | { cmd: 'arm'; seq: number; on: boolean };

export function decodeTerminalCommand(frame: Frame): TerminalCommand | null {
  const p = frame.payload;
  switch (frame.cmd) {
    case CMD.ACK:
      return p.length >= 1 ? { cmd: 'ack', seq: frame.seq, acked: p[0] as number } : null;
    case CMD.QUERY:
      return { cmd: 'query', seq: frame.seq };
    case CMD.LEDS:
      return p.length >= 2 ? { cmd: 'leds', seq: frame.seq, mask: p[0] as number, blink: p[1] === 1 } : null;
    case CMD.BEEP:
      return p.length >= 1 ? { cmd: 'beep', seq: frame.seq, units: p[0] as number } : null;
    case CMD.ARM:
      return p.length >= 1 ? { cmd: 'arm', seq: frame.seq, on: p[0] === 1 } : null;
    default:
      return null;
  }
}
