// A keypad that sends its next key before the previous ACK arrives and then resends the
// earlier one (SEQ s, s+1, s): over a real pty, with the KP/1 simulator and a real
// Terminal and store, the resent key is ACKed and is not a second press — not on a
// 并联审批 prompt rated per department, not on the 差评 reasons screen.
import { describe, expect, it } from 'vitest';
import { RETRANSMISSION_WINDOW_MS } from '../../../drivers/keypad/kp1-link.js';
import type { Terminal } from '../../../src/engine/terminal.js';
import { clerk, request } from '../../helpers/core-fixture.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { KeypadSim, type SimKey } from '../../sim/keypad-sim.js';
import {
  collectingLogger,
  keypadSection,
  onCleanup,
  ptyPair,
  startTerminal,
  waitUntil,
  wireKeypad,
} from './fixture.js';

const departments = [
  { code: 'D-MKT', name: '县市场监管局' },
  { code: 'D-TAX', name: '县税务局' },
  { code: 'D-NRA', name: '县自然资源局' },
];

/** The driver on a fake clock: the 5 s window passes only when the test moves it. */
async function rig() {
  const clock = new FakeClock(Date.now());
  const pty = await ptyPair();
  const { terminal } = startTerminal({ thanksMs: 200 });
  const sim = new KeypadSim({ path: pty.b });
  await sim.open();
  onCleanup(() => sim.close());
  await wireKeypad(keypadSection({ driver: 'frame', path: pty.a }), terminal, collectingLogger(), {
    timers: clock,
  });
  await waitUntil(() => terminal.health().keypad === 'online', 'the keypad to come online');
  terminal.signIn(clerk);
  /** A press the terminal has ACKed (and so acted on: the ACK is written in the same turn). */
  const press = async (key: SimKey) => {
    const result = await sim.press(key);
    expect(result.acked).toBe(true);
    return result.seq;
  };
  /** Sends an earlier KEY frame again and waits for its ACK, after which it has been handled. */
  const resend = async (seq: number) => {
    const acks = sim.acks().length;
    sim.resendKey(seq);
    await sim.waitFor(
      (r) => r.filter((c) => c.cmd === 'ack').length > acks,
      `the ACK of the resent SEQ ${seq}`,
    );
    expect(sim.acks().at(-1)).toBe(seq);
  };
  return { clock, terminal, sim, press, resend };
}

function ratedDepartments(terminal: Terminal, promptId: string) {
  return (terminal.getPrompt(promptId)?.records ?? []).map((r) => ({
    dept: r.department.code,
    level: r.level,
    scope: r.scope,
  }));
}

function rateStep(terminal: Terminal) {
  const screen = terminal.view().screen;
  return screen.kind === 'rate'
    ? { departments: screen.subject.departments, step: screen.subject.step }
    : screen.kind;
}

describe('a resent earlier key (SEQ s, s+1, s)', () => {
  it('does not rate the next department of a 并联审批 prompt rated per department', async () => {
    const { terminal, sim, press, resend } = await rig();
    const { promptId } = terminal.openPrompt(request({ mode: 'parallel', departments }));
    const id = promptId as string;
    await sim.waitFor(
      (r) => r.some((c) => c.cmd === 'leds' && c.mask === 0b00011),
      'the two choice keys lit',
    );

    const perDepartment = await press(2); // 分部门
    expect(rateStep(terminal)).toMatchObject({ departments: ['县市场监管局'], step: { index: 1, total: 3 } });
    await press(1); // 非常满意 for the first department
    expect(rateStep(terminal)).toMatchObject({ departments: ['县税务局'], step: { index: 2, total: 3 } });

    // The keypad missed the ACK of its key 2 and sends it again.
    await resend(perDepartment);
    expect(ratedDepartments(terminal, id)).toEqual([{ dept: 'D-MKT', level: 5, scope: 'department' }]);
    expect(rateStep(terminal)).toMatchObject({ departments: ['县税务局'], step: { index: 2, total: 3 } });

    // The citizen's next key lands on the second department, as they see it.
    await press(3);
    expect(ratedDepartments(terminal, id)).toEqual([
      { dept: 'D-MKT', level: 5, scope: 'department' },
      { dept: 'D-TAX', level: 3, scope: 'department' },
    ]);
    expect(rateStep(terminal)).toMatchObject({ departments: ['县自然资源局'], step: { index: 3, total: 3 } });
  });

  it('does not throw the citizen back from the 差评 reasons screen to change the level', async () => {
    const { terminal, sim, press, resend } = await rig();
    const { promptId } = terminal.openPrompt(request());
    const id = promptId as string;
    await sim.waitFor((r) => r.some((c) => c.cmd === 'leds' && c.mask === 0b11111), 'the keys lit');

    const bad = await press(4); // 不满意: the reasons screen
    expect(terminal.view().screen).toMatchObject({ kind: 'reasons', level: 2 });
    await press(3); // the reason under the cursor
    const chosen = terminal.view().screen;
    expect(chosen).toMatchObject({ kind: 'reasons', level: 2 });
    const picked =
      chosen.kind === 'reasons' ? chosen.reasons.filter((r) => r.selected).map((r) => r.code) : [];
    expect(picked).toHaveLength(1);

    // Key 4 again is 换一个评价 on this screen: resent, it must not be taken as that.
    await resend(bad);
    expect(terminal.view().screen).toMatchObject({ kind: 'reasons', level: 2 });

    await press(5); // submit
    await waitUntil(() => terminal.view().screen.kind !== 'reasons', 'the reasons to be submitted');
    const records = terminal.getPrompt(id)?.records ?? [];
    expect(records.map((r) => ({ level: r.level, reasons: r.reasons, final: r.final }))).toEqual([
      { level: 2, reasons: picked, final: true },
    ]);
  });

  it('is a press again once 5 s have passed since its SEQ was accepted', async () => {
    const { clock, terminal, sim, press, resend } = await rig();
    const { promptId } = terminal.openPrompt(request({ mode: 'parallel', departments }));
    const id = promptId as string;
    await sim.waitFor(
      (r) => r.some((c) => c.cmd === 'leds' && c.mask === 0b00011),
      'the two choice keys lit',
    );
    const perDepartment = await press(2);
    await press(1);
    clock.advance(RETRANSMISSION_WINDOW_MS);
    await resend(perDepartment);
    expect(ratedDepartments(terminal, id)).toHaveLength(1);
    // Past the window the SEQ is the keypad's counter come round: a new press of key 2.
    clock.advance(1);
    await resend(perDepartment);
    expect(ratedDepartments(terminal, id)).toEqual([
      { dept: 'D-MKT', level: 5, scope: 'department' },
      { dept: 'D-TAX', level: 4, scope: 'department' },
    ]);
  });
});
