// docs/kp1.md is what keypad makers build to: its check value and example frames must be
// what the terminal's own codec computes.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  crc16,
  encodeAck,
  encodeArm,
  encodeBeep,
  encodeHeartbeat,
  encodeHello,
  encodeKey,
  encodeLeds,
  encodeQuery,
} from '../../../drivers/keypad/kp1-codec.js';

const page = readFileSync(new URL('../../../docs/kp1.md', import.meta.url), 'utf8');
const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).toUpperCase().padStart(2, '0')).join(' ');

function example(name: string): string {
  const row = page.split('\n').find((line) => line.startsWith(`| ${name} |`));
  const bytes = row ? /`([0-9A-F ]+)`/.exec(row.split('|')[2] ?? '')?.[1] : undefined;
  if (!bytes) throw new Error(`docs/kp1.md has no example row "${name}"`);
  return bytes;
}

describe('docs/kp1.md', () => {
  it('gives the CRC check value the codec computes', () => {
    const value = crc16(new TextEncoder().encode('123456789'));
    expect(value).toBe(0x29b1);
    expect(page).toContain(`give \`0x${value.toString(16).toUpperCase()}\``);
  });

  it('shows example frames byte for byte as the codec encodes them', () => {
    expect(example('HELLO, SEQ 0, 5 keys, `KP5;1.2;A001`')).toBe(
      hex(encodeHello(0, { keyCount: 5, model: 'KP5', firmware: '1.2', serialNo: 'A001' })),
    );
    expect(example('KEY position 1, SEQ 7')).toBe(hex(encodeKey(7, { kind: 'position', position: 1 })));
    expect(example('KEY INVITE, SEQ 8')).toBe(hex(encodeKey(8, { kind: 'invite' })));
    expect(example('HEARTBEAT, SEQ 9, nothing stuck')).toBe(hex(encodeHeartbeat(9, false)));
    expect(example("ACK of SEQ 7, terminal's SEQ 3")).toBe(hex(encodeAck(3, 7)));
    expect(example('QUERY, SEQ 0')).toBe(hex(encodeQuery(0)));
    expect(example('LEDS position 1 blinking, SEQ 4')).toBe(hex(encodeLeds(4, 0b00001, true)));
    expect(example('BEEP 100 ms, SEQ 5')).toBe(hex(encodeBeep(5, 100)));
    expect(example('ARM on, SEQ 6')).toBe(hex(encodeArm(6, true)));
  });
});
