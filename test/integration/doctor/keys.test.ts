// doctor --keys: the technician presses each key when asked; here the keypad
// simulator presses as the prompts appear on the child's stdout.
import { describe, expect, it } from 'vitest';
import { SOF } from '../../../drivers/keypad/kp1-codec.js';
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

  it('counts a retransmitted KEY (same SEQ) once, and ACKs it again', async () => {
    const rig = await startRig({ config: { platform: null } });
    const r = start(['doctor', '--config', rig.configFile, '--keys'], {
      HAOCHAPING_DOCTOR_KEY_SECONDS: '10',
    });
    const seen = (text: string) =>
      r
        .stdout()
        .split('\n')
        .filter((l) => l === text).length;

    // A wrong key whose ACK got lost, sent again while the same prompt waits.
    await waitFor(() => r.stdout().includes('press 1 ('), 'the prompt for 1');
    const wrong = await rig.keypad.press(5);
    await waitFor(() => seen('  key 5 (waiting for 1)') === 1, 'the wrong key shown');
    rig.keypad.resendKey(wrong.seq);
    const one = await rig.keypad.press(1);
    await waitFor(() => r.stdout().includes('key 1 ✓'), 'key 1 to arrive');

    // The right key sent again once its prompt has passed: not a press for the next one.
    await waitFor(() => r.stdout().includes('press 2 ('), 'the prompt for 2');
    rig.keypad.resendKey(one.seq);
    await rig.keypad.press(2);
    await waitFor(() => r.stdout().includes('key 2 ✓'), 'key 2 to arrive');
    // Frames are handled in the order they came, so anything the resent ones caused is printed by now.
    expect(seen('  key 5 (waiting for 1)')).toBe(1);
    expect(r.stdout()).not.toContain('key 1 (waiting for 2)');
    // Every KEY frame is ACKed, the resent ones too.
    await rig.keypad.waitFor(
      () => rig.keypad.acks().filter((s) => s === wrong.seq).length === 2,
      'the second ACK of the resent KEY',
    );
    expect(rig.keypad.acks().filter((s) => s === one.seq)).toHaveLength(2);
    r.child.kill('SIGKILL');
  });

  it('hears a key that follows the start of a frame whose rest never came', async () => {
    const rig = await startRig({ config: { platform: null } });
    const r = start(['doctor', '--config', rig.configFile, '--keys'], {
      HAOCHAPING_DOCTOR_KEY_SECONDS: '10',
    });
    await waitFor(() => r.stdout().includes('press 1 ('), 'the prompt for 1');
    // A keypad that sends each KEY once: nothing comes after it to push the broken frame out.
    rig.keypad.retransmit = false;
    rig.keypad.sendRaw(Uint8Array.of(SOF, 66));
    const press = await rig.keypad.press(1);
    // The terminal gives a half frame up once the line is quiet; only heartbeats would fill it (18 s).
    await waitFor(() => r.stdout().includes('key 1 ✓'), 'key 1 to arrive');
    await rig.keypad.waitFor(() => rig.keypad.acks().includes(press.seq), 'the ACK of key 1');
    r.child.kill('SIGKILL');
  });

  it('fails a key that never arrives, naming it, and goes on with the next', async () => {
    const rig = await startRig({ config: { platform: null } });
    const r = start(['doctor', '--config', rig.configFile, '--keys'], {
      // Each key that does come must come within this, from a child process on a busy machine.
      HAOCHAPING_DOCTOR_KEY_SECONDS: '5',
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
      'FAIL keypad-keys: key 4 did not arrive within 5 s — press it firmly; if it never arrives, the key or the keypad is faulty',
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
