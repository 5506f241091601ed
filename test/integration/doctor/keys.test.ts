// doctor --keys: the technician presses each key when asked; here the keypad
// simulator presses as the prompts appear on the child's stdout.
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../helpers/cli.js';
import type { SimKey } from '../../sim/keypad-sim.js';
import { lineOf, start, startRig } from './rig.js';

const KEYS: [string, SimKey][] = [
  ['1', 1],
  ['2', 2],
  ['3', 3],
  ['4', 4],
  ['5', 5],
  ['INVITE', 'invite'],
  ['PAUSE', 'pause'],
];

describe('haochaping-terminal doctor --keys', () => {
  it('asks for each key in turn and shows each press as it arrives', async () => {
    const rig = await startRig({ config: { platform: null } });
    const r = start(['doctor', '--config', rig.configFile, '--keys'], {
      HAOCHAPING_DOCTOR_KEY_SECONDS: '10',
    });
    for (const [label, key] of KEYS) {
      await waitFor(() => r.stdout().includes(`press ${label} (`), `the prompt for ${label}`);
      // A key before its prompt's turn is not taken for it: press a wrong one first.
      if (label === '3') {
        await rig.keypad.press(5);
        await waitFor(() => r.stdout().includes('key 5 (waiting for 3)'), 'the wrong key shown');
      }
      const pressed = await rig.keypad.press(key);
      expect(pressed.acked).toBe(true);
      await waitFor(() => r.stdout().includes(`key ${label} ✓`), `key ${label} to arrive`);
    }
    expect(await r.exit).toBe(0);
    const lines = r.stdout().trim().split('\n');
    expect(lines).toContain('  press 1 (leftmost, 非常满意) …');
    expect(lines).toContain('  press 5 (rightmost, 非常不满意) …');
    expect(lineOf(lines, 'keypad-keys')).toBe('ok   keypad-keys: all 7 keys arrived (1–5, INVITE, PAUSE)');
    // The checks came first, all ok.
    expect(lines.slice(0, 6).every((l) => l.startsWith('ok   '))).toBe(true);
  });

  it('fails a key that never arrives, naming it, and goes on with the next', async () => {
    const rig = await startRig({ config: { platform: null } });
    const r = start(['doctor', '--config', rig.configFile, '--keys'], {
      HAOCHAPING_DOCTOR_KEY_SECONDS: '2',
    });
    for (const [label, key] of KEYS) {
      await waitFor(() => r.stdout().includes(`press ${label} (`), `the prompt for ${label}`);
      if (label === '4') continue; // key 4 is dead
      await rig.keypad.press(key);
      await waitFor(() => r.stdout().includes(`key ${label} ✓`), `key ${label} to arrive`);
    }
    expect(await r.exit).toBe(1);
    const lines = r.stdout().trim().split('\n');
    const fails = lines.filter((l) => l.startsWith('FAIL'));
    expect(fails).toEqual([
      'FAIL keypad-keys: key 4 did not arrive within 2 s — press it firmly; if it never arrives, the key or the keypad is faulty',
    ]);
    expect(lines).toContain('  key PAUSE ✓');
  });

  it('explains that a hid keypad cannot be seen here', async () => {
    const rig = await startRig({ config: { keypad: { driver: 'hid', path: null }, platform: null } });
    const r = start(['doctor', '--config', rig.configFile, '--keys']);
    expect(await r.exit).toBe(0);
    const lines = r.stdout().trim().split('\n');
    expect(lineOf(lines, 'keypad-keys')).toMatch(/^warn keypad-keys: a hid keypad types into the screen/);
  });

  it('reads a single-byte (ascii) keypad: "1"–"5", "6" INVITE, "7" PAUSE', async () => {
    // Silent: the simulator's own frames would be bytes on an ascii line; only raw bytes go out.
    const rig = await startRig({
      silentKeypad: true,
      config: { keypad: { driver: 'ascii' }, platform: null },
    });
    const r = start(['doctor', '--config', rig.configFile, '--keys'], {
      HAOCHAPING_DOCTOR_KEY_SECONDS: '10',
    });
    for (const [i, [label]] of KEYS.entries()) {
      await waitFor(() => r.stdout().includes(`press ${label} (`), `the prompt for ${label}`);
      rig.keypad.sendRaw(Uint8Array.of(0x31 + i));
      await waitFor(() => r.stdout().includes(`key ${label} ✓`), `key ${label} to arrive`);
    }
    expect(await r.exit).toBe(0);
    expect(lineOf(r.stdout().trim().split('\n'), 'keypad-keys')).toMatch(/^ok {3}keypad-keys: all 7 keys/);
  });
});
