// The ascii driver over a real pty pair: a "keypad" that writes single bytes.
import { SerialPort } from 'serialport';
import { describe, expect, it } from 'vitest';
import { createSerialPort } from '../../../drivers/keypad/serial-link.js';
import { clerk, request } from '../../helpers/core-fixture.js';
import { FakeClock } from '../../helpers/fake-clock.js';
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

async function openRaw(path: string): Promise<SerialPort> {
  const port = new SerialPort({ path, baudRate: 9600, autoOpen: false, lock: false });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  port.on('error', () => {});
  onCleanup(() => new Promise<void>((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve())));
  return port;
}

/**
 * The driver runs on a fake clock, so the 300 ms debounce passes when the test says so;
 * every byte the terminal writes to the (real) port is kept.
 */
async function rig() {
  const pty = await ptyPair();
  const { terminal, dir } = startTerminal({ thanksMs: 100 });
  const clock = new FakeClock();
  const log = collectingLogger();
  const written: Uint8Array[] = [];
  const keypad = await wireKeypad(
    keypadSection({ driver: 'ascii', path: pty.a, debounceMs: 300 }),
    terminal,
    log,
    {
      timers: clock,
      serial: {
        createPort: (settings) => {
          const port = createSerialPort(settings);
          const write = port.write.bind(port);
          port.write = (data: Uint8Array) => {
            written.push(data);
            return write(data);
          };
          return port;
        },
      },
    },
  );
  await waitUntil(() => terminal.health().keypad === 'online', 'the port to open');
  const line = await openRaw(pty.b);
  const send = (s: string) => line.write(Buffer.from(s, 'latin1'));
  /** Presses the driver took, in order ('pause', 'invite' or a position). */
  const pressed = () => log.lines.filter((l) => l.event === 'keypad_key').map((l) => l.fields.code);
  return { pty, terminal, dir, keypad, line, send, clock, written, pressed };
}

const clerkStatus = (screen: unknown) => (screen as { clerkStatus?: string }).clerkStatus;

describe('a single-byte keypad on a serial line', () => {
  it('is online while its port is open, and never sent a byte', async () => {
    const { keypad, terminal, dir, send, written } = await rig();
    expect(keypad.info()).toMatchObject({ driver: 'ascii', state: 'online', hello: null, portOpen: true });
    // A prompt would ARM and light a KP/1 keypad; this one is told nothing. (A press
    // during a prompt is never logged: the rating it made is the proof it arrived.)
    terminal.signIn(clerk);
    terminal.openPrompt(request());
    send('3');
    await waitUntil(() => recordsInFile(dir).length === 1, 'the press');
    expect(written).toEqual([]);
  });

  it("rates with '1'–'5' as positions 1–5, ignoring CR, LF and other bytes", async () => {
    const { terminal, dir, send, clock } = await rig();
    terminal.signIn(clerk);
    for (const [i, digit] of ['1', '2', '3'].entries()) {
      terminal.openPrompt(request({ transactionId: `TX-${digit}` }));
      send(`\r\n0x${digit}\r\n`);
      await waitUntil(() => recordsInFile(dir).length === i + 1, `the rating of '${digit}'`);
      await waitUntil(() => terminal.view().screen.kind === 'idle', 'the thank-you to end');
    }
    expect(recordsInFile(dir).map((r) => r.level)).toEqual([5, 4, 3]);
    for (const [digit, level] of [
      ['4', 2],
      ['5', 1],
    ] as const) {
      terminal.openPrompt(request({ transactionId: `TX-${digit}` }));
      clock.advance(300); // past the debounce: '5' may follow '5'
      send(digit);
      await waitUntil(() => terminal.view().screen.kind === 'reasons', `the reasons screen of '${digit}'`);
      expect(terminal.view().screen).toMatchObject({ kind: 'reasons', level });
      clock.advance(300);
      send('5'); // submit, on the reasons screen
      await waitUntil(() => terminal.view().screen.kind !== 'reasons', 'the reasons to be submitted');
      await waitUntil(() => terminal.view().screen.kind === 'idle', 'the thank-you to end');
    }
    expect(recordsInFile(dir)).toEqual([5, 4, 3, 2, 1].map((level) => ({ state: 'pending', level })));
  });

  it("opens a prompt with '6' and toggles pause with '7'", async () => {
    const { terminal, dir, send, clock } = await rig();
    terminal.signIn(clerk);
    send('6');
    await waitUntil(() => terminal.view().screen.kind === 'rate', 'the invited prompt');
    send('2');
    await waitUntil(() => recordsInFile(dir).length === 1, 'the rating');
    await waitUntil(() => terminal.view().screen.kind === 'idle', 'idle');
    send('7');
    await waitUntil(() => clerkStatus(terminal.view().screen) === 'paused', 'paused');
    clock.advance(300);
    send('7');
    await waitUntil(() => clerkStatus(terminal.view().screen) === 'serving', 'serving');
  });

  it('counts a byte repeated within debounceMs as one press', async () => {
    const { terminal, send, clock, pressed } = await rig();
    terminal.signIn(clerk);
    // Two PAUSE bytes 100 ms apart: one toggle, so the clerk ends paused (two would undo it).
    send('7');
    await waitUntil(() => pressed().length === 1, 'the first PAUSE');
    clock.advance(100);
    send('7');
    // A rating key while idle changes nothing; once it is taken, the second '7' has been read.
    send('1');
    await waitUntil(() => pressed().length === 2, 'the key after the repeat');
    expect(pressed()).toEqual(['pause', 1]);
    expect(clerkStatus(terminal.view().screen)).toBe('paused');
    clock.advance(300);
    send('7');
    await waitUntil(() => clerkStatus(terminal.view().screen) === 'serving', 'serving');
  });

  it('is offline while the port is gone, and online again once it is back', async () => {
    const { terminal, pty, keypad, clock } = await rig();
    await pty.kill();
    await waitUntil(() => terminal.health().keypad === 'offline', 'offline');
    expect(keypad.info().portOpen).toBe(false);
    await pty.restart();
    // The next try is due within a second of the driver's clock.
    await waitUntil(() => keypad.info().portOpen || clock.pending().some((ms) => ms <= 1_000), 'a retry');
    clock.advance(1_000);
    await waitUntil(() => terminal.health().keypad === 'online', 'online');
  });
});
