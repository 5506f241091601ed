import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SerialPort } from 'serialport';
import { describe, expect, it } from 'vitest';
import { clerk, request } from '../../helpers/core-fixture.js';
import { socatPath } from '../../helpers/socat.js';
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

describe('the pty helper', () => {
  it('fails, naming socat, when socat is not installed', () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      expect(() => socatPath()).toThrow(/socat is not installed/);
    } finally {
      process.env.PATH = path;
    }
  });
});

describe('startKeypad', () => {
  for (const driver of ['hid', 'none'] as const) {
    it(`reports the keypad as none for driver ${driver} and opens nothing`, async () => {
      const { terminal } = startTerminal();
      const keypad = await wireKeypad(
        keypadSection({ driver, path: '/dev/does-not-exist' }),
        terminal,
        collectingLogger(),
      );
      expect(terminal.health()).toMatchObject({ keypad: 'none', keypadFault: null });
      expect(keypad.info()).toMatchObject({ driver, state: 'none', portOpen: false, path: null });
      expect(terminal.view().keypadBanner).toBeNull();
    });
  }

  it('arms a keypad for a prompt that was open before the keypad started', async () => {
    const pty = await ptyPair();
    const { terminal } = startTerminal();
    terminal.signIn(clerk);
    terminal.openPrompt(request());
    const sim = new KeypadSim({ path: pty.b });
    await sim.open();
    onCleanup(() => sim.close());
    await wireKeypad(keypadSection({ driver: 'frame', path: pty.a }), terminal, collectingLogger());
    await sim.waitFor((r) => r.some((c) => c.cmd === 'arm' && c.on), 'ARM 1');
    await sim.waitFor((r) => r.some((c) => c.cmd === 'leds' && c.mask === 0b11111), 'LEDS on');
  });

  it('lets go of the port and of the terminal on stop', async () => {
    const pty = await ptyPair();
    const { terminal } = startTerminal();
    const keypad = await wireKeypad(
      keypadSection({ driver: 'frame', path: pty.a }),
      terminal,
      collectingLogger(),
    );
    await waitUntil(() => keypad.info().portOpen, 'the port to open');
    await keypad.stop();
    expect(keypad.info().portOpen).toBe(false);
    // Another program can take the port (it is no longer locked), and engine commands go nowhere.
    const port = new SerialPort({ path: pty.a, baudRate: 9600, autoOpen: false, lock: true });
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    await new Promise<void>((resolve) => port.close(() => resolve()));
    terminal.signIn(clerk);
    expect(terminal.openPrompt(request()).ok).toBe(true);
  });

  it('runs the simulator by hand: keys typed on its console become presses', async () => {
    const pty = await ptyPair();
    const { terminal, dir } = startTerminal();
    await wireKeypad(keypadSection({ driver: 'frame', path: pty.a }), terminal, collectingLogger());
    const script = fileURLToPath(new URL('../../sim/keypad-sim.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, pty.b], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    onCleanup(() => {
      child.kill('SIGKILL');
    });
    await waitUntil(() => terminal.health().keypad === 'online', 'the simulator to say HELLO', 10_000);
    terminal.signIn(clerk);
    terminal.openPrompt(request());
    child.stdin.write('3');
    await waitUntil(() => recordsInFile(dir).length === 1, 'the rating typed on the console');
    expect(recordsInFile(dir)).toEqual([{ state: 'pending', level: 3 }]);
    await waitUntil(() => /ACKed/.test(out), 'the simulator to show the ACK');
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.stdin.write('q');
    expect(await exit).toBe(0);
  });
});
