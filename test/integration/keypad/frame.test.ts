// The frame driver over a real pty pair, a KP/1 keypad simulator at the other end,
// and a real Terminal with its store: the whole path from a press to a stored rating.
import { describe, expect, it } from 'vitest';
import { encodeHeartbeat } from '../../../drivers/keypad/kp1-codec.js';
import { OFFLINE_AFTER_MS } from '../../../drivers/keypad/kp1-link.js';
import { KEYPAD_OFFLINE_BANNER } from '../../../src/core/view.js';
import type { Terminal } from '../../../src/engine/terminal.js';
import { clerk, request } from '../../helpers/core-fixture.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { KeypadSim } from '../../sim/keypad-sim.js';
import {
  collectingLogger,
  keypadSection,
  onCleanup,
  ptyPair,
  recordsInFile,
  startTerminal,
  waitUntil,
  wireKeypad,
} from './fixture.js';

/** With a clock: the driver's timers (liveness, retries) move only when the test moves them. */
async function rig(clock?: FakeClock) {
  const pty = await ptyPair();
  const { terminal, dir } = startTerminal({ thanksMs: 200 });
  const log = collectingLogger();
  const sim = new KeypadSim({ path: pty.b, model: 'KP-SIM', firmware: '3.1.4', serialNo: 'HA-KP-0042' });
  await sim.open();
  onCleanup(() => sim.close());
  // On a fake clock the driver's own retry interval applies (it is the clock that is fast).
  const keypad = await wireKeypad(
    keypadSection({ driver: 'frame', path: pty.a }),
    terminal,
    log,
    clock ? { timers: clock } : { serial: { retryMs: 200 } },
  );
  await waitUntil(() => terminal.health().keypad === 'online', 'the keypad to come online');
  return { pty, terminal, dir, sim, keypad, log };
}

function rated(terminal: Terminal, promptId: string) {
  return () => terminal.getPrompt(promptId)?.status === 'rated';
}

describe('a KP/1 keypad on a serial line', () => {
  it('asks for HELLO on open and shows who the keypad is', async () => {
    const { sim, keypad, pty } = await rig();
    // Online may come from the keypad's power-up HELLO before the QUERY has reached it.
    await sim.waitFor((r) => r.some((c) => c.cmd === 'query'), 'QUERY');
    await waitUntil(() => keypad.info().hello !== null, 'HELLO');
    expect(keypad.info()).toMatchObject({
      driver: 'frame',
      state: 'online',
      fault: null,
      hello: { model: 'KP-SIM', firmware: '3.1.4', serialNo: 'HA-KP-0042', keyCount: 5, version: 1 },
      path: pty.a,
      portOpen: true,
    });
  });

  it('ACKs a press and makes it exactly one rating in the store', async () => {
    const { sim, terminal, dir } = await rig();
    terminal.signIn(clerk);
    const { promptId } = terminal.openPrompt(request());
    // The keypad is armed and lit for the prompt.
    await sim.waitFor((r) => r.some((c) => c.cmd === 'arm' && c.on), 'ARM 1');
    await sim.waitFor((r) => r.some((c) => c.cmd === 'leds' && c.mask === 0b11111), 'LEDS');
    const press = await sim.press(2);
    expect(press).toMatchObject({ acked: true, sent: 1 });
    await waitUntil(rated(terminal, promptId as string), 'the rating');
    expect(recordsInFile(dir)).toEqual([{ state: 'pending', level: 4 }]);
    await sim.waitFor((r) => r.some((c) => c.cmd === 'arm' && !c.on), 'ARM 0 after the rating');
    expect(sim.acks()).toEqual([press.seq]);
  });

  it('ACKs every retransmission of a press but counts it once', async () => {
    const { sim, terminal, dir } = await rig();
    terminal.signIn(clerk);
    const { promptId } = terminal.openPrompt(request());
    sim.deafToAcks = true; // the ACKs are "lost": the keypad sends the KEY 1 + 5 times
    const press = await sim.press(1);
    expect(press.sent).toBe(6);
    await sim.waitFor((r) => r.filter((c) => c.cmd === 'ack').length === 6, 'six ACKs');
    expect(sim.acks()).toEqual(Array(6).fill(press.seq));
    await waitUntil(rated(terminal, promptId as string), 'the rating');
    expect(recordsInFile(dir)).toEqual([{ state: 'pending', level: 5 }]);
  });

  it('ACKs a duplicate frame and counts it once', async () => {
    const { sim, terminal, dir } = await rig();
    terminal.signIn(clerk);
    terminal.openPrompt(request());
    const press = await sim.press(3, { duplicate: true });
    expect(press.acked).toBe(true);
    // A KEY is acted on in the same turn as its ACK is written: both ACKs here, both frames done.
    await sim.waitFor((r) => r.filter((c) => c.cmd === 'ack').length === 2, 'two ACKs');
    expect(recordsInFile(dir)).toEqual([{ state: 'pending', level: 3 }]);
  });

  it('ACKs a rating key while no prompt is open and ignores it', async () => {
    const { sim, terminal, dir } = await rig();
    terminal.signIn(clerk);
    const press = await sim.press(1);
    // ACKed: the press has been handled.
    expect(press.acked).toBe(true);
    expect(recordsInFile(dir)).toEqual([]);
    expect(terminal.view().screen).toMatchObject({ kind: 'idle', clerkStatus: 'serving' });
  });

  it('opens a prompt with INVITE while the clerk serves, and PAUSE toggles paused', async () => {
    const { sim, terminal, dir } = await rig();
    // No clerk: INVITE does nothing.
    expect((await sim.press('invite')).acked).toBe(true);
    expect(terminal.view().screen.kind).toBe('idle');

    terminal.signIn(clerk);
    await sim.press('invite');
    await waitUntil(() => terminal.view().screen.kind === 'rate', 'the invited prompt');
    await sim.press(1);
    await waitUntil(() => recordsInFile(dir).length === 1, 'the rating');
    await waitUntil(() => terminal.view().screen.kind === 'idle', 'the thank-you to end');

    await sim.press('pause');
    await waitUntil(
      () =>
        terminal.view().screen.kind === 'idle' &&
        (terminal.view().screen as { clerkStatus: string }).clerkStatus === 'paused',
      'paused',
    );
    // Paused: INVITE does nothing.
    expect((await sim.press('invite')).acked).toBe(true);
    expect(terminal.view().screen.kind).toBe('idle');
    await sim.press('pause');
    await waitUntil(
      () => (terminal.view().screen as { clerkStatus?: string }).clerkStatus === 'serving',
      'serving',
    );
  });

  it('finds frames among noise on the line', async () => {
    const { sim, terminal, dir } = await rig();
    terminal.signIn(clerk);
    terminal.openPrompt(request());
    sim.sendNoise(200);
    // A stray SOF with a large LEN right before the press must not hold it back.
    sim.sendRaw(Uint8Array.of(0xa5, 60, 0x02));
    const press = await sim.press(2);
    expect(press.acked).toBe(true);
    await waitUntil(() => recordsInFile(dir).length === 1, 'the rating');
    expect(recordsInFile(dir)).toEqual([{ state: 'pending', level: 4 }]);
  });

  it('shows a stuck key until the keypad clears the flag', async () => {
    const { sim, terminal } = await rig();
    sim.stuckKey = true;
    sim.sendHeartbeat();
    await waitUntil(() => terminal.health().keypadFault === 'stuck_key', 'the stuck key');
    expect(terminal.health().keypad).toBe('online');
    sim.stuckKey = false;
    sim.sendHeartbeat();
    await waitUntil(() => terminal.health().keypadFault === null, 'the flag to clear');
  });

  it('shows the keypad offline after 6 s of silence, and online again when it speaks', async () => {
    const clock = new FakeClock();
    const { sim, terminal, keypad } = await rig(clock);
    sim.silent = true;
    // One last frame by hand: once it is seen, every frame before it has been read.
    sim.sendRaw(encodeHeartbeat(0, true));
    await waitUntil(() => terminal.health().keypadFault === 'stuck_key', 'the last frame');
    clock.advance(OFFLINE_AFTER_MS - 1);
    expect(terminal.health().keypad).toBe('online');
    clock.advance(1);
    expect(terminal.health().keypad).toBe('offline');
    expect(terminal.view().keypadBanner).toBe(KEYPAD_OFFLINE_BANNER);
    expect(keypad.info()).toMatchObject({ state: 'offline', portOpen: true });
    sim.silent = false;
    sim.sendHeartbeat();
    await waitUntil(() => terminal.health().keypad === 'online', 'online again');
    expect(terminal.view().keypadBanner).toBeNull();
  });

  it('comes back on its own within a second when the device is unplugged and plugged back in', async () => {
    const clock = new FakeClock();
    const { sim, terminal, keypad, pty, dir } = await rig(clock);
    const queries = sim.commands('query').length;
    await pty.kill();
    await sim.close();
    await waitUntil(() => !keypad.info().portOpen, 'the port to close');
    // Nothing can arrive any more: the silence is the clock's.
    clock.advance(OFFLINE_AFTER_MS);
    expect(terminal.health().keypad).toBe('offline');
    expect(terminal.view().keypadBanner).toBe(KEYPAD_OFFLINE_BANNER);

    await pty.restart();
    await sim.open();
    // The contract's "at least once a second": a second on the driver's clock is enough.
    await waitUntil(
      () => keypad.info().portOpen || clock.pending().some((ms) => ms <= 1_000),
      'the next try to be due',
    );
    clock.advance(1_000);
    await waitUntil(() => terminal.health().keypad === 'online', 'online after the replug');
    expect(keypad.info().portOpen).toBe(true);
    // The keypad was asked for HELLO after the reopen.
    await sim.waitFor((r) => r.filter((c) => c.cmd === 'query').length > queries, 'QUERY after reopen');

    terminal.signIn(clerk);
    terminal.openPrompt(request());
    expect((await sim.press(1)).acked).toBe(true);
    await waitUntil(() => recordsInFile(dir).length === 1, 'a rating after the replug');
  });
});
