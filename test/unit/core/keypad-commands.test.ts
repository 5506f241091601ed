// What a keypad that joins late is told (Terminal.keypadCommands) is what the rules
// told a keypad that was there all along: one computation of ARM and LEDS.
import { describe, expect, it } from 'vitest';
import type { KeypadCommand } from '../../../src/core/effects.js';
import { keypadCommandsFor } from '../../../src/core/keypad-keys.js';
import { clerk, Rig } from '../../helpers/core-fixture.js';

/** The ARM and LEDS a keypad has been sent so far, latest of each. */
class Listening {
  arm: KeypadCommand | null = null;
  leds: KeypadCommand | null = null;
  constructor(private readonly rig: Rig) {}
  send(...args: Parameters<Rig['send']>) {
    this.take(this.rig.send(...args));
  }
  take(result: ReturnType<Rig['send']>) {
    for (const e of result.effects) {
      if (e.type !== 'keypad') continue;
      if (e.command.kind === 'arm') this.arm = e.command;
      if (e.command.kind === 'leds') this.leds = e.command;
    }
  }
  get latest() {
    return [this.arm, this.leds];
  }
}

const departments = [
  { code: 'D-A', name: '县市场监管局' },
  { code: 'D-B', name: '县税务局' },
];

describe('ARM and LEDS for a keypad that starts late', () => {
  it('match what the rules sent, screen after screen', () => {
    const rig = new Rig();
    const keypad = new Listening(rig);
    expect(keypadCommandsFor(rig.state)).toEqual([
      { kind: 'arm', on: false },
      { kind: 'leds', mask: 0, blink: false },
    ]);
    keypad.send({ type: 'clerk_sign_in', clerk });

    // 并联审批: only the two choice keys are lit.
    keypad.take(rig.open({ mode: 'parallel', departments }));
    expect(rig.screen.kind).toBe('choose_scope');
    expect(keypadCommandsFor(rig.state)).toEqual([
      { kind: 'arm', on: true },
      { kind: 'leds', mask: 0b00011, blink: false },
    ]);
    expect(keypadCommandsFor(rig.state)).toEqual(keypad.latest);

    keypad.send({ type: 'key', position: 2 });
    expect(rig.screen.kind).toBe('rate');
    expect(keypadCommandsFor(rig.state)).toEqual(keypad.latest);

    keypad.take(rig.rate(1, 'keypad'));
    expect(rig.screen.kind).toBe('reasons');
    expect(keypadCommandsFor(rig.state)).toEqual(keypad.latest);
    expect(keypad.latest[1]).toEqual({ kind: 'leds', mask: 0b11111, blink: false });

    keypad.send({ type: 'intent', intent: { type: 'submit_reasons' }, source: 'keypad' });
    keypad.take(rig.rate(5, 'keypad'));
    expect(rig.screen.kind).toBe('thanks');
    expect(keypadCommandsFor(rig.state)).toEqual(keypad.latest);
    expect(keypad.latest[0]).toEqual({ kind: 'arm', on: false });
  });

  it('are closed and dark on the fault screen, even with a prompt open', () => {
    const rig = new Rig();
    rig.send({ type: 'clerk_sign_in', clerk });
    rig.open();
    rig.send({ type: 'store_failed', message: 'disk full' });
    expect(rig.screen.kind).toBe('fault');
    expect(keypadCommandsFor(rig.state)).toEqual([
      { kind: 'arm', on: false },
      { kind: 'leds', mask: 0, blink: false },
    ]);
  });
});
