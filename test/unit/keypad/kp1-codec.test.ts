import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  beepUnits,
  CMD,
  crc16,
  decodeHeartbeat,
  decodeHello,
  decodeKey,
  decodeTerminalCommand,
  encodeAck,
  encodeArm,
  encodeBeep,
  encodeFrame,
  encodeHeartbeat,
  encodeHello,
  encodeKey,
  encodeLeds,
  encodeQuery,
  type Frame,
  FrameParser,
  MAX_FRAME,
  SOF,
} from '../../../drivers/keypad/kp1-codec.js';

const ascii = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const cat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));
const plain = (frames: Frame[]) => frames.map((f) => ({ cmd: f.cmd, seq: f.seq, payload: hex(f.payload) }));

describe('CRC-16/CCITT-FALSE', () => {
  it('has the check value 0x29B1 for "123456789"', () => {
    expect(crc16(ascii('123456789'))).toBe(0x29b1);
  });

  it('starts from 0xFFFF with no final xor', () => {
    expect(crc16(new Uint8Array(0))).toBe(0xffff);
  });
});

describe('frame encoding', () => {
  it('lays out SOF, LEN, CMD, SEQ, PAYLOAD and a big-endian CRC over LEN..PAYLOAD', () => {
    const f = encodeFrame(0x02, 0x07, Uint8Array.of(0x03));
    expect([...f.subarray(0, 5)]).toEqual([0xa5, 0x03, 0x02, 0x07, 0x03]);
    const crc = crc16(Uint8Array.of(0x03, 0x02, 0x07, 0x03));
    expect([...f.subarray(5)]).toEqual([crc >> 8, crc & 0xff]);
    expect(f.length).toBe(7);
  });

  it('encodes every terminal command exactly', () => {
    const frame = (b: Uint8Array) => new FrameParser().push(b)[0];
    expect(frame(encodeAck(9, 200))).toMatchObject({ cmd: 0x80, seq: 9, payload: Uint8Array.of(200) });
    expect(frame(encodeQuery(10))).toMatchObject({ cmd: 0x81, seq: 10, payload: new Uint8Array(0) });
    expect(frame(encodeLeds(11, 0b10101, true))).toMatchObject({
      cmd: 0x82,
      seq: 11,
      payload: Uint8Array.of(0b10101, 1),
    });
    expect(frame(encodeLeds(11, 0xff, false))?.payload).toEqual(Uint8Array.of(0x1f, 0));
    expect(frame(encodeBeep(12, 150))).toMatchObject({ cmd: 0x83, payload: Uint8Array.of(15) });
    expect(frame(encodeArm(13, true))).toMatchObject({ cmd: 0x84, payload: Uint8Array.of(1) });
    expect(frame(encodeArm(14, false))).toMatchObject({ cmd: 0x84, payload: Uint8Array.of(0) });
    expect(encodeQuery(0)[1]).toBe(2);
    expect(encodeQuery(256)[3]).toBe(0);
  });

  it('rounds beeps up to 10 ms units and clamps to one byte', () => {
    expect([beepUnits(0), beepUnits(1), beepUnits(10), beepUnits(11), beepUnits(99_999)]).toEqual([
      0, 1, 1, 2, 255,
    ]);
  });

  it('refuses a payload longer than 64 bytes', () => {
    expect(() => encodeFrame(1, 0, new Uint8Array(65))).toThrow(RangeError);
    expect(encodeFrame(1, 0, new Uint8Array(64))[1]).toBe(66);
  });

  it('round-trips through the parser', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 255 }),
        fc.uint8Array({ maxLength: 64 }),
        (cmd, seq, payload) => {
          expect(plain(new FrameParser().push(encodeFrame(cmd, seq, payload)))).toEqual(
            plain([{ cmd, seq, payload }]),
          );
        },
      ),
    );
  });
});

describe('typed decoders', () => {
  it('reads HELLO: version, key count and MODEL;FIRMWARE;SERIALNO', () => {
    const [f] = new FrameParser().push(
      encodeHello(0, { keyCount: 5, model: 'KP-5', firmware: '2.1', serialNo: 'SN42' }),
    );
    expect(f?.cmd).toBe(CMD.HELLO);
    expect(decodeHello(f?.payload as Uint8Array)).toEqual({
      version: 1,
      keyCount: 5,
      model: 'KP-5',
      firmware: '2.1',
      serialNo: 'SN42',
    });
    expect(decodeHello(Uint8Array.of(1, 5))).toEqual({
      version: 1,
      keyCount: 5,
      model: '',
      firmware: '',
      serialNo: '',
    });
    expect(decodeHello(Uint8Array.of(1))).toBeNull();
  });

  it('reads KEY positions 1–5, INVITE 0x10 and PAUSE 0x11, and nothing else', () => {
    for (const p of [1, 2, 3, 4, 5])
      expect(decodeKey(Uint8Array.of(p))).toEqual({ kind: 'position', position: p });
    expect(decodeKey(Uint8Array.of(0x10))).toEqual({ kind: 'invite' });
    expect(decodeKey(Uint8Array.of(0x11))).toEqual({ kind: 'pause' });
    for (const b of [0, 6, 0x0f, 0x12, 0x31, 0xff]) expect(decodeKey(Uint8Array.of(b))).toBeNull();
    expect(decodeKey(new Uint8Array(0))).toBeNull();
    expect([...encodeKey(3, { kind: 'invite' }).subarray(2, 5)]).toEqual([0x02, 3, 0x10]);
  });

  it('reads HEARTBEAT bit 0 as a stuck key', () => {
    expect(decodeHeartbeat(Uint8Array.of(0))).toEqual({ flags: 0, stuckKey: false });
    expect(decodeHeartbeat(Uint8Array.of(1))).toEqual({ flags: 1, stuckKey: true });
    expect(decodeHeartbeat(Uint8Array.of(0xfe))).toEqual({ flags: 0xfe, stuckKey: false });
    expect(decodeHeartbeat(new Uint8Array(0))).toBeNull();
    expect([...encodeHeartbeat(4, true).subarray(2, 5)]).toEqual([0x03, 4, 1]);
  });

  it('reads terminal commands as a keypad would', () => {
    const p = new FrameParser();
    const frames = p.push(
      cat(encodeAck(1, 7), encodeLeds(2, 3, false), encodeBeep(3, 50), encodeArm(4, true)),
    );
    expect(frames.map(decodeTerminalCommand)).toEqual([
      { cmd: 'ack', seq: 1, acked: 7 },
      { cmd: 'leds', seq: 2, mask: 3, blink: false },
      { cmd: 'beep', seq: 3, units: 5 },
      { cmd: 'arm', seq: 4, on: true },
    ]);
  });
});

describe('the stream parser', () => {
  const hello = encodeHello(1, { keyCount: 5, model: 'M', firmware: 'F', serialNo: 'S' });
  const key = encodeKey(2, { kind: 'position', position: 4 });
  const beat = encodeHeartbeat(3, false);
  const stream = cat(
    Uint8Array.of(0x00, 0x13),
    hello,
    Uint8Array.of(0x42),
    key,
    beat,
    Uint8Array.of(0x0d, 0x0a),
  );
  const expected = plain(new FrameParser().push(cat(hello, key, beat)));

  it('decodes several frames in one chunk, skipping noise before and between them', () => {
    const p = new FrameParser();
    expect(plain(p.push(stream))).toEqual(expected);
    expect(expected.map((f) => f.cmd)).toEqual([1, 2, 3]);
    expect(p.stats).toMatchObject({ frames: 3, noiseBytes: 5, badCrc: 0, badLength: 0 });
  });

  it('decodes the same whatever the split point', () => {
    for (let k = 0; k <= stream.length; k++) {
      const p = new FrameParser();
      const frames = [...p.push(stream.subarray(0, k)), ...p.push(stream.subarray(k))];
      expect(plain(frames), `split at ${k}`).toEqual(expected);
    }
  });

  it('decodes the same fed one byte at a time, and across every pair of split points', () => {
    const p = new FrameParser();
    const one = [...stream].flatMap((b) => p.push(Uint8Array.of(b)));
    expect(plain(one)).toEqual(expected);
    for (let i = 0; i <= stream.length; i += 3) {
      for (let j = i; j <= stream.length; j += 2) {
        const q = new FrameParser();
        const got = [stream.subarray(0, i), stream.subarray(i, j), stream.subarray(j)].flatMap((c) =>
          q.push(c),
        );
        expect(plain(got)).toEqual(expected);
      }
    }
  });

  it('drops a frame with a bad CRC and finds the next one', () => {
    const bad = key.slice();
    bad[bad.length - 1] = (bad[bad.length - 1] as number) ^ 0x01;
    const p = new FrameParser();
    expect(plain(p.push(cat(bad, beat)))).toEqual(plain(new FrameParser().push(beat)));
    expect(p.stats.badCrc).toBe(1);
  });

  it('drops the SOF of a LEN out of range (0, 1, 67, 255) and scans on', () => {
    for (const len of [0, 1, 67, 255]) {
      const p = new FrameParser();
      expect(plain(p.push(cat(Uint8Array.of(SOF, len), key))), `LEN ${len}`).toEqual(
        plain(new FrameParser().push(key)),
      );
      expect(p.stats.badLength).toBeGreaterThanOrEqual(1);
    }
  });

  it('finds a real frame that starts inside a broken one', () => {
    // A truncated frame claims more bytes than it has; the real frame inside its span must survive.
    const truncated = Uint8Array.of(SOF, 40, 0x02, 0x09);
    const p = new FrameParser();
    expect(plain([...p.push(truncated), ...p.push(cat(key, new Uint8Array(50)))])).toEqual(
      plain(new FrameParser().push(key)),
    );
  });

  it('gives up a partial frame when the line goes quiet, and reads what followed its SOF', () => {
    // A stray SOF claiming 64 bytes would otherwise hold the KEY back until 60 more bytes came.
    const p = new FrameParser();
    expect(p.push(cat(Uint8Array.of(SOF, 66), key))).toEqual([]);
    expect(plain(p.idle())).toEqual(plain(new FrameParser().push(key)));
    expect(p.buffered).toBe(0);
    expect(p.stats.truncated).toBe(1);
    expect(p.idle()).toEqual([]);
    // A frame cut off at the end is dropped as a whole.
    p.push(key.subarray(0, 4));
    expect(p.idle()).toEqual([]);
    expect(p.buffered).toBe(0);
  });

  it('holds at most one partial frame, whatever it is fed', () => {
    const p = new FrameParser();
    p.push(Uint8Array.of(SOF, 66, 1, 2, 3));
    expect(p.buffered).toBe(5);
    p.push(new Uint8Array(1000).fill(SOF));
    expect(p.buffered).toBeLessThan(MAX_FRAME);
    p.push(new Uint8Array(1000).fill(0x11));
    expect(p.buffered).toBe(0);
  });
});

// --- properties over a million bytes ---

/** Bytes that can never start a frame: garbage that cannot swallow a real frame. */
const noSof = (maxLength: number) =>
  fc.uint8Array({ maxLength, size: 'max' }).map((b) => b.map((x) => (x === SOF ? 0x00 : x)));

type Segment = { kind: 'frame'; frame: Frame } | { kind: 'junk'; bytes: Uint8Array };

const validFrame: fc.Arbitrary<Segment> = fc
  .record({
    cmd: fc.integer({ min: 0, max: 255 }),
    seq: fc.integer({ min: 0, max: 255 }),
    payload: fc.uint8Array({ maxLength: 64, size: 'max' }),
  })
  .map((frame) => ({ kind: 'frame' as const, frame }));

const junk: fc.Arbitrary<Segment> = fc.oneof(
  noSof(200).map((bytes) => ({ kind: 'junk' as const, bytes })),
  // SOF with a LEN out of range (never SOF itself, which would start another candidate).
  fc
    .oneof(
      fc.integer({ min: 0, max: 1 }),
      fc.integer({ min: 67, max: 255 }).filter((n) => n !== SOF),
    )
    .map((len) => ({ kind: 'junk' as const, bytes: Uint8Array.of(SOF, len) })),
  // A whole frame with a wrong CRC and no other SOF in it: dropped without hiding what follows.
  fc
    .record({
      cmd: fc.integer({ min: 0, max: 255 }),
      seq: fc.integer({ min: 0, max: 255 }),
      payload: noSof(64),
    })
    .filter((f) => f.cmd !== SOF && f.seq !== SOF)
    .map(({ cmd, seq, payload }) => {
      const bytes = encodeFrame(cmd, seq, payload);
      const n = bytes.length;
      let hi = (bytes[n - 2] as number) ^ 0x5a;
      if (hi === SOF) hi ^= 0x01;
      bytes[n - 2] = hi;
      if (bytes[n - 1] === SOF) bytes[n - 1] = 0x00;
      return { kind: 'junk' as const, bytes };
    }),
);

function chunked(bytes: Uint8Array, sizes: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let i = 0;
  let k = 0;
  while (i < bytes.length) {
    const n = sizes[k++ % sizes.length] as number;
    out.push(bytes.subarray(i, i + n));
    i += n;
  }
  return out;
}

/** An independent, whole-buffer reading of the contract's resync rule. */
function referenceDecode(bytes: Uint8Array): Frame[] {
  const frames: Frame[] = [];
  let i = 0;
  while (i < bytes.length) {
    const len = bytes[i + 1];
    if (bytes[i] !== SOF || len === undefined || len < 2 || len > 66 || i + 4 + len > bytes.length) {
      i++;
      continue;
    }
    const crc = ((bytes[i + 2 + len] as number) << 8) | (bytes[i + 3 + len] as number);
    if (crc16(bytes.subarray(i + 1, i + 2 + len)) !== crc) {
      i++;
      continue;
    }
    frames.push({
      cmd: bytes[i + 2] as number,
      seq: bytes[i + 3] as number,
      payload: bytes.slice(i + 4, i + 2 + len),
    });
    i += 4 + len;
  }
  return frames;
}

describe('the stream parser, property-tested', () => {
  it('decodes every valid frame among 1 000 000+ random bytes, split anywhere, and never throws', () => {
    let total = 0;
    let decoded = 0;
    fc.assert(
      fc.property(
        fc.array(fc.oneof({ arbitrary: validFrame, weight: 1 }, { arbitrary: junk, weight: 1 }), {
          minLength: 150,
          maxLength: 300,
        }),
        fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 40 }),
        (segments, sizes) => {
          const bytes = cat(
            ...segments.map((s) =>
              s.kind === 'frame' ? encodeFrame(s.frame.cmd, s.frame.seq, s.frame.payload) : s.bytes,
            ),
          );
          total += bytes.length;
          const p = new FrameParser();
          const got: Frame[] = [];
          for (const chunk of chunked(bytes, sizes)) {
            got.push(...p.push(chunk));
            expect(p.buffered).toBeLessThan(MAX_FRAME);
          }
          const want = segments.flatMap((s) => (s.kind === 'frame' ? [s.frame] : []));
          decoded += got.length;
          expect(plain(got)).toEqual(plain(want));
        },
      ),
      { numRuns: 120 },
    );
    expect(total).toBeGreaterThanOrEqual(1_000_000);
    expect(decoded).toBeGreaterThan(10_000);
  });

  it('reads any byte sequence, broken frames and stray SOFs included, as a whole-buffer reading does', () => {
    const soupByte = fc.oneof(
      { arbitrary: fc.integer({ min: 0, max: 255 }), weight: 6 },
      { arbitrary: fc.constant(SOF), weight: 2 },
      { arbitrary: fc.integer({ min: 2, max: 66 }), weight: 2 },
    );
    const piece = fc.oneof(
      fc.array(soupByte, { maxLength: 80 }).map((a) => Uint8Array.from(a)),
      validFrame.map((s) =>
        s.kind === 'frame' ? encodeFrame(s.frame.cmd, s.frame.seq, s.frame.payload) : s.bytes,
      ),
      // A valid frame cut short.
      validFrame.chain((s) => {
        const f =
          s.kind === 'frame' ? encodeFrame(s.frame.cmd, s.frame.seq, s.frame.payload) : new Uint8Array(0);
        return fc.integer({ min: 0, max: Math.max(0, f.length - 1) }).map((n) => f.slice(0, n));
      }),
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 120 }),
        fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 20 }),
        (pieces, sizes) => {
          const bytes = cat(...pieces);
          const p = new FrameParser();
          const got = chunked(bytes, sizes).flatMap((c) => p.push(c));
          // The end of the input is the line going quiet.
          got.push(...p.idle());
          expect(p.buffered).toBe(0);
          expect(plain(got)).toEqual(plain(referenceDecode(bytes)));
          expect(p.buffered).toBeLessThan(MAX_FRAME);
        },
      ),
      { numRuns: 300 },
    );
  });
});
