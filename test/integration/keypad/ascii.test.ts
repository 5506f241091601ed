// The ascii driver over a real pty pair: a "keypad" that writes single bytes.
import { SerialPort } from 'serialport';
import { describe, expect, it } from 'vitest';
import { clerk, request } from '../../helpers/core-fixture.js';
import {
  collectingLogger,
  keypadSection,
  onCleanup,
  ptyPair,
  recordsInFile,
  sleep,
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

async function rig() {
  const pty = await ptyPair();
  const { terminal, dir } = startTerminal({ thanksMs: 100 });
  const keypad = await wireKeypad(
    keypadSection({ driver: 'ascii', path: pty.a, debounceMs: 300 }),
    terminal,
    collectingLogger(),
    {
      serial: { retryMs: 200 },
    },
  );
  await waitUntil(() => terminal.health().keypad === 'online', 'the port to open');
  const line = await openRaw(pty.b);
  const send = (s: string) => line.write(Buffer.from(s, 'latin1'));
  return { pty, terminal, dir, keypad, line, send };
}

const clerkStatus = (screen: unknown) => (screen as { clerkStatus?: string }).clerkStatus;

describe('a single-byte keypad on a serial line', () => {
  it('is online while its port is open, and never sent a byte', async () => {
    const { keypad, line } = await rig();
    const written: Buffer[] = [];
    line.on('data', (d: Buffer) => written.push(d));
    expect(keypad.info()).toMatchObject({ driver: 'ascii', state: 'online', hello: null, portOpen: true });
    await sleep(200);
    expect(written).toEqual([]);
  });

  it("rates with '1'–'5' as positions 1–5, ignoring CR, LF and other bytes", async () => {
    const { terminal, dir, send } = await rig();
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
      await sleep(350); // past the debounce: '5' may follow '5'
      send(digit);
      await waitUntil(() => terminal.view().screen.kind === 'reasons', `the reasons screen of '${digit}'`);
      expect(terminal.view().screen).toMatchObject({ kind: 'reasons', level });
      await sleep(350);
      send('5'); // submit, on the reasons screen
      await waitUntil(() => terminal.view().screen.kind !== 'reasons', 'the reasons to be submitted');
      await waitUntil(() => terminal.view().screen.kind === 'idle', 'the thank-you to end');
    }
    expect(recordsInFile(dir)).toEqual([5, 4, 3, 2, 1].map((level) => ({ state: 'pending', level })));
  });

  it("opens a prompt with '6' and toggles pause with '7'", async () => {
    const { terminal, dir, send } = await rig();
    terminal.signIn(clerk);
    send('6');
    await waitUntil(() => terminal.view().screen.kind === 'rate', 'the invited prompt');
    send('2');
    await waitUntil(() => recordsInFile(dir).length === 1, 'the rating');
    await waitUntil(() => terminal.view().screen.kind === 'idle', 'idle');
    send('7');
    await waitUntil(() => clerkStatus(terminal.view().screen) === 'paused', 'paused');
    await sleep(350);
    send('7');
    await waitUntil(() => clerkStatus(terminal.view().screen) === 'serving', 'serving');
  });

  it('counts a byte repeated within debounceMs as one press', async () => {
    const { terminal, send } = await rig();
    terminal.signIn(clerk);
    // Two PAUSE bytes 100 ms apart: one toggle, so the clerk ends paused (two would undo it).
    send('7');
    await sleep(100);
    send('7');
    await sleep(200);
    expect(clerkStatus(terminal.view().screen)).toBe('paused');
    await sleep(350);
    send('7');
    await waitUntil(() => clerkStatus(terminal.view().screen) === 'serving', 'serving');
  });

  it('is offline while the port is gone, and online again once it is back', async () => {
    const { terminal, pty, keypad } = await rig();
    await pty.kill();
    await waitUntil(() => terminal.health().keypad === 'offline', 'offline', 2_000);
    expect(keypad.info().portOpen).toBe(false);
    await pty.restart();
    await waitUntil(() => terminal.health().keypad === 'online', 'online', 2_000);
  });
});
