// keypad.path "auto": only ports whose VID:PID is listed are opened, ports another
// program holds are left alone, and the frame driver takes the one that answers HELLO.
// The pty pairs stand in for USB-serial bridges: the port list is injected, the ports
// and the locking are real.
import { SerialPort } from 'serialport';
import { describe, expect, it } from 'vitest';
import type { PortInfo } from '../../../drivers/keypad/serial-link.js';
import { KeypadSim } from '../../sim/keypad-sim.js';
import {
  collectingLogger,
  keypadSection,
  onCleanup,
  ptyPair,
  sleep,
  startTerminal,
  waitUntil,
  wireKeypad,
} from './fixture.js';

async function openPort(path: string, lock: boolean): Promise<{ port: SerialPort; received: () => number }> {
  const port = new SerialPort({ path, baudRate: 9600, autoOpen: false, lock });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  port.on('error', () => {});
  let received = 0;
  port.on('data', (d: Buffer) => {
    received += d.length;
  });
  onCleanup(() => new Promise<void>((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve())));
  return { port, received: () => received };
}

function info(path: string, vendorId: string, productId: string): PortInfo {
  return {
    path,
    vendorId,
    productId,
    manufacturer: undefined,
    serialNumber: undefined,
    pnpId: undefined,
    locationId: undefined,
  };
}

describe('finding the keypad with path "auto"', () => {
  it('probes only free candidates with QUERY and takes the one that answers HELLO', async () => {
    const other = await ptyPair(); // some other USB device: never opened
    const held = await ptyPair(); // a candidate another program holds
    const mute = await ptyPair(); // a candidate with no keypad behind it
    const keypadLine = await ptyPair();
    const otherEnd = await openPort(other.b, false);
    await openPort(held.a, true);
    const heldEnd = await openPort(held.b, false);
    const muteEnd = await openPort(mute.b, false);
    const sim = new KeypadSim({ path: keypadLine.b, serialNo: 'AUTO-1' });
    await sim.open();
    onCleanup(() => sim.close());

    const { terminal } = startTerminal();
    const keypad = await wireKeypad(
      keypadSection({ driver: 'frame', path: 'auto' }),
      terminal,
      collectingLogger(),
      {
        serial: {
          retryMs: 200,
          probeMs: 300,
          list: async () => [
            info(other.a, '8087', '0024'),
            info(held.a, '1a86', '7523'),
            info(mute.a, '10C4', 'EA60'),
            info(keypadLine.a, '0403', '6001'),
          ],
        },
      },
    );
    await waitUntil(() => terminal.health().keypad === 'online', 'the keypad found by auto', 5_000);
    expect(keypad.info()).toMatchObject({
      path: keypadLine.a,
      portOpen: true,
      hello: { serialNo: 'AUTO-1' },
    });
    await sleep(100);
    expect(otherEnd.received()).toBe(0);
    expect(heldEnd.received()).toBe(0);
    // The mute candidate was asked (one QUERY frame, 6 bytes) and let go.
    expect(muteEnd.received()).toBe(6);
  });

  it('with the ascii driver takes the first free candidate and writes nothing', async () => {
    const other = await ptyPair();
    const candidate = await ptyPair();
    const otherEnd = await openPort(other.b, false);
    const candidateEnd = await openPort(candidate.b, false);
    const { terminal } = startTerminal();
    const keypad = await wireKeypad(
      keypadSection({ driver: 'ascii', path: 'auto' }),
      terminal,
      collectingLogger(),
      {
        serial: {
          retryMs: 200,
          list: async () => [info(other.a, '046d', 'c52b'), info(candidate.a, '1a86', '7523')],
        },
      },
    );
    await waitUntil(() => terminal.health().keypad === 'online', 'the port found by auto');
    expect(keypad.info()).toMatchObject({ path: candidate.a, portOpen: true });
    await sleep(200);
    expect(otherEnd.received()).toBe(0);
    expect(candidateEnd.received()).toBe(0);
  });

  it('keeps looking while no candidate is there', async () => {
    const line = await ptyPair();
    let listed = false;
    const { terminal } = startTerminal();
    const log = collectingLogger();
    const keypad = await wireKeypad(keypadSection({ driver: 'frame', path: 'auto' }), terminal, log, {
      serial: { retryMs: 200, list: async () => (listed ? [info(line.a, '1a86', '7523')] : []) },
    });
    await sleep(500);
    expect(keypad.info()).toMatchObject({ portOpen: false, path: null });
    expect(log.lines.filter((l) => l.event === 'keypad_port_unavailable')).toHaveLength(1);
    const sim = new KeypadSim({ path: line.b });
    await sim.open();
    onCleanup(() => sim.close());
    listed = true;
    await waitUntil(() => terminal.health().keypad === 'online', 'the keypad once plugged in', 2_000);
  });
});
