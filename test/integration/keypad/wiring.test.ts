import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SerialPort } from 'serialport';
import { describe, expect, it } from 'vitest';
import { encodeHeartbeat, encodeHello } from '../../../drivers/keypad/kp1-codec.js';
import { OFFLINE_AFTER_MS } from '../../../drivers/keypad/kp1-link.js';
import { clerk, request } from '../../helpers/core-fixture.js';
import { FakeClock } from '../../helpers/fake-clock.js';
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

  it('lights only the two choice keys for a 并联审批 prompt open before the keypad started', async () => {
    const pty = await ptyPair();
    const { terminal } = startTerminal();
    terminal.signIn(clerk);
    terminal.openPrompt(
      request({
        mode: 'parallel',
        departments: [
          { code: 'D-A', name: '县市场监管局' },
          { code: 'D-B', name: '县税务局' },
        ],
      }),
    );
    expect(terminal.view().screen.kind).toBe('choose_scope');
    const sim = new KeypadSim({ path: pty.b });
    await sim.open();
    onCleanup(() => sim.close());
    await wireKeypad(keypadSection({ driver: 'frame', path: pty.a }), terminal, collectingLogger());
    await sim.waitFor((r) => r.some((c) => c.cmd === 'leds'), 'LEDS');
    // The state may be sent again when the keypad's HELLO arrives (a busy machine can let
    // the port's open and the HELLO fall apart): every frame lights only the two keys.
    expect([...new Set(sim.commands('leds').map((c) => c.mask))]).toEqual([0b00011]);
    expect([...new Set(sim.commands('arm').map((c) => c.on))]).toEqual([true]);
  });

  it('logs the keypad coming and going, one line each, with who it is (its HELLO)', async () => {
    const pty = await ptyPair();
    const { terminal } = startTerminal();
    // No heartbeat for a minute: the first frame the terminal hears is the HELLO.
    const sim = new KeypadSim({
      path: pty.b,
      model: 'KP-SIM',
      firmware: '3.1.4',
      serialNo: 'HA-KP-0042',
      heartbeatMs: 60_000,
    });
    await sim.open();
    onCleanup(() => sim.close());
    const clock = new FakeClock();
    const log = collectingLogger();
    const keypad = await wireKeypad(keypadSection({ driver: 'frame', path: pty.a }), terminal, log, {
      timers: clock,
    });
    const lines = (event: string) => log.lines.filter((l) => l.event === event);
    const who = { model: 'KP-SIM', firmware: '3.1.4', serialNo: 'HA-KP-0042', keyCount: 5 };

    await waitUntil(() => lines('keypad_online').length === 1, 'the online line');
    expect(lines('keypad_online')[0]).toEqual({
      level: 'info',
      event: 'keypad_online',
      fields: { driver: 'frame', path: pty.a, fault: null, ...who },
    });

    // The same keypad saying HELLO again (a restart) is no news; another one is.
    sim.sendHello();
    sim.sendRaw(
      encodeHello(200, { keyCount: 5, model: 'KP-SIM', firmware: '3.2.0', serialNo: 'HA-KP-0099' }),
    );
    // A stuck key comes after them on the line, so once it is seen they have been read.
    sim.sendRaw(encodeHeartbeat(201, true));
    await waitUntil(() => lines('keypad_fault').length === 1, 'the stuck-key line');
    expect(lines('keypad_hello')).toEqual([
      {
        level: 'info',
        event: 'keypad_hello',
        fields: {
          driver: 'frame',
          path: pty.a,
          model: 'KP-SIM',
          firmware: '3.2.0',
          serialNo: 'HA-KP-0099',
          keyCount: 5,
        },
      },
    ]);
    expect(lines('keypad_fault')[0]).toMatchObject({
      level: 'warn',
      fields: { fault: 'stuck_key', serialNo: 'HA-KP-0099' },
    });

    // Unplugged: no frame can come any more, so the 6 s of silence are the clock's alone.
    await pty.kill();
    await waitUntil(() => !keypad.info().portOpen, 'the port to close');
    clock.advance(OFFLINE_AFTER_MS - 1);
    expect(lines('keypad_offline')).toEqual([]);
    clock.advance(1);
    expect(lines('keypad_offline')).toEqual([
      {
        level: 'warn',
        event: 'keypad_offline',
        fields: {
          driver: 'frame',
          path: pty.a,
          fault: 'stuck_key',
          model: 'KP-SIM',
          firmware: '3.2.0',
          serialNo: 'HA-KP-0099',
          keyCount: 5,
        },
      },
    ]);
    expect(lines('keypad_online')).toHaveLength(1);
  });

  it('logs a single-byte keypad online while its port is open, offline when it is gone', async () => {
    const pty = await ptyPair();
    const { terminal } = startTerminal();
    const log = collectingLogger();
    await wireKeypad(keypadSection({ driver: 'ascii', path: pty.a }), terminal, log, {
      serial: { retryMs: 200 },
    });
    const lines = (event: string) => log.lines.filter((l) => l.event === event);
    await waitUntil(() => lines('keypad_online').length === 1, 'the online line');
    expect(lines('keypad_online')[0]).toMatchObject({
      level: 'info',
      fields: { driver: 'ascii', path: pty.a, fault: null, model: null, serialNo: null },
    });
    await pty.kill();
    await waitUntil(() => lines('keypad_offline').length === 1, 'the offline line');
    expect(lines('keypad_offline')[0]).toMatchObject({ level: 'warn', fields: { driver: 'ascii' } });
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
    await waitUntil(() => terminal.health().keypad === 'online', 'the simulator to say HELLO', 20_000);
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
