// keypad.path "auto": only ports whose VID:PID is listed are opened, ports another
// program holds are left alone, and the frame driver takes the one that answers HELLO.
// The pty pairs stand in for USB-serial bridges: the port list is injected, the ports
// and the locking are real.
import { SerialPort } from 'serialport';
import { describe, expect, it } from 'vitest';
import { createSerialPort, type PortInfo } from '../../../drivers/keypad/serial-link.js';
import { clerk, request } from '../../helpers/core-fixture.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { KeypadSim } from '../../sim/keypad-sim.js';
import {
  collectingLogger,
  keypadSection,
  onCleanup,
  ptyPair,
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
    await waitUntil(() => terminal.health().keypad === 'online', 'the keypad found by auto', 20_000);
    expect(keypad.info()).toMatchObject({
      path: keypadLine.a,
      portOpen: true,
      hello: { serialNo: 'AUTO-1' },
    });
    // The mute candidate was asked (one QUERY frame, 6 bytes) and let go.
    await waitUntil(() => muteEnd.received() >= 6, 'the QUERY on the mute candidate');
    expect(muteEnd.received()).toBe(6);
    // The others were never written to: the port behind "other" was never even opened,
    // and "held" could not be (another program has it).
    expect(otherEnd.received()).toBe(0);
    expect(heldEnd.received()).toBe(0);
  });

  it('with the ascii driver takes the first free candidate and writes nothing', async () => {
    const other = await ptyPair();
    const candidate = await ptyPair();
    const { terminal } = startTerminal();
    // Every port the driver opens, and every byte it writes to one.
    const opened: string[] = [];
    const written: Uint8Array[] = [];
    const keypad = await wireKeypad(
      keypadSection({ driver: 'ascii', path: 'auto' }),
      terminal,
      collectingLogger(),
      {
        serial: {
          retryMs: 200,
          list: async () => [info(other.a, '046d', 'c52b'), info(candidate.a, '1a86', '7523')],
          createPort: (settings) => {
            opened.push(settings.path);
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
    await waitUntil(() => terminal.health().keypad === 'online', 'the port found by auto');
    expect(keypad.info()).toMatchObject({ path: candidate.a, portOpen: true });
    // A prompt would ARM a KP/1 keypad; a single-byte one is told nothing.
    terminal.signIn(clerk);
    terminal.openPrompt(request());
    expect(opened).toEqual([candidate.a]);
    expect(written).toEqual([]);
  });

  it('keeps looking while no candidate is there', async () => {
    const line = await ptyPair();
    let listed = false;
    let looked = 0;
    const { terminal } = startTerminal();
    const log = collectingLogger();
    const clock = new FakeClock();
    const keypad = await wireKeypad(keypadSection({ driver: 'frame', path: 'auto' }), terminal, log, {
      timers: clock,
      serial: {
        list: async () => {
          looked++;
          return listed ? [info(line.a, '1a86', '7523')] : [];
        },
      },
    });
    const unavailable = () => log.lines.filter((l) => l.event === 'keypad_port_unavailable');
    // Three looks, each a second apart on the driver's clock at most.
    for (let n = 1; n <= 3; n++) {
      await waitUntil(() => looked === n && clock.pending().some((ms) => ms <= 1_000), `look ${n} to fail`);
      if (n < 3) clock.advance(1_000);
    }
    expect(keypad.info()).toMatchObject({ portOpen: false, path: null });
    // One line for the cause, not one per look.
    expect(unavailable()).toHaveLength(1);
    const sim = new KeypadSim({ path: line.b });
    await sim.open();
    onCleanup(() => sim.close());
    listed = true;
    clock.advance(1_000);
    await waitUntil(() => terminal.health().keypad === 'online', 'the keypad once plugged in');
  });
});
