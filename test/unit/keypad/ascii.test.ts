import { describe, expect, it } from 'vitest';
import { AsciiDecoder, asciiKey } from '../../../drivers/keypad/ascii.js';
import type { KeypadPress } from '../../../drivers/keypad/keypad-driver.js';
import { FakeClock } from '../../helpers/fake-clock.js';

const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));

function rig(debounceMs = 300) {
  const clock = new FakeClock();
  const presses: KeypadPress[] = [];
  const decoder = new AsciiDecoder(debounceMs, clock, (k) => presses.push(k));
  return { clock, presses, decoder };
}

describe('single-byte keypads', () => {
  it("maps '1'–'5' to positions, '6' to INVITE, '7' to PAUSE, and ignores every other byte", () => {
    expect([0x31, 0x32, 0x33, 0x34, 0x35].map(asciiKey)).toEqual(
      [1, 2, 3, 4, 5].map((position) => ({ kind: 'position', position })),
    );
    expect(asciiKey(0x36)).toEqual({ kind: 'invite' });
    expect(asciiKey(0x37)).toEqual({ kind: 'pause' });
    for (let b = 0; b < 256; b++) if (b < 0x31 || b > 0x37) expect(asciiKey(b), `byte ${b}`).toBeNull();
  });

  it('reads a stream, skipping CR, LF and other bytes', () => {
    const r = rig();
    r.decoder.receive(bytes('1\r\n2\r\n0 8a\xa56\r\n7'));
    expect(r.presses).toEqual([
      { kind: 'position', position: 1 },
      { kind: 'position', position: 2 },
      { kind: 'invite' },
      { kind: 'pause' },
    ]);
  });

  it('counts two identical bytes within debounceMs as one press', () => {
    const r = rig(300);
    r.decoder.receive(bytes('33'));
    r.clock.advance(299);
    r.decoder.receive(bytes('3'));
    expect(r.presses).toHaveLength(1);
    // Measured from the previous identical byte: a key that keeps chattering stays one press.
    r.clock.advance(299);
    r.decoder.receive(bytes('\r\n3'));
    expect(r.presses).toHaveLength(1);
    r.clock.advance(300);
    r.decoder.receive(bytes('3'));
    expect(r.presses).toHaveLength(2);
  });

  it('takes a different byte at once, however soon', () => {
    const r = rig(300);
    r.decoder.receive(bytes('1212'));
    expect(r.presses.map((p) => (p.kind === 'position' ? p.position : p.kind))).toEqual([1, 2, 1, 2]);
  });
});
