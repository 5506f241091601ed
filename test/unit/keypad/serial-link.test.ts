import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import {
  isCandidate,
  normalizeUsbId,
  SerialLink,
  type SerialLinkOptions,
  type SerialPortLike,
} from '../../../drivers/keypad/serial-link.js';
import { FakeClock } from '../../helpers/fake-clock.js';

class FakePort extends EventEmitter implements SerialPortLike {
  isOpen = false;
  written: Uint8Array[] = [];
  constructor(
    readonly path: string,
    private readonly fail: string | null,
  ) {
    super();
  }
  open(cb: (err: Error | null) => void) {
    setImmediate(() => {
      if (this.fail) cb(new Error(this.fail));
      else {
        this.isOpen = true;
        cb(null);
      }
    });
  }
  write(data: Uint8Array) {
    this.written.push(data);
    return true;
  }
  close(cb?: (err?: Error | null) => void) {
    this.isOpen = false;
    this.emit('close');
    cb?.(null);
  }
  /** The device vanishes: serialport says so with a close event carrying an error. */
  unplug() {
    this.isOpen = false;
    this.emit('close', Object.assign(new Error('bad file descriptor'), { disconnected: true }));
  }
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

function rig(failures: string[], extra: Partial<SerialLinkOptions> = {}) {
  const ports: FakePort[] = [];
  const events: string[] = [];
  const log: string[] = [];
  const link = new SerialLink({
    path: '/dev/ttyUSB0',
    autoIds: [],
    baudRate: 9600,
    probe: null,
    retryMs: 20,
    log: { log: (_level, event) => log.push(event) },
    createPort: ({ path }) => {
      const p = new FakePort(path, failures.shift() ?? null);
      ports.push(p);
      return p;
    },
    onOpen: (_port, path) => events.push(`open ${path}`),
    onData: () => {},
    onClose: () => events.push('close'),
    onOpenFailed: (m) => events.push(`failed ${m}`),
    ...extra,
  });
  return { link, ports, events, log };
}

describe('the serial link', () => {
  it('keeps trying with a new port object each time until the device is there', async () => {
    const r = rig(['ENOENT', 'ENOENT', 'EBUSY']);
    r.link.start();
    await vi.waitFor(() => expect(r.link.isOpen).toBe(true));
    expect(r.events).toEqual([
      'failed /dev/ttyUSB0: ENOENT',
      'failed /dev/ttyUSB0: ENOENT',
      'failed /dev/ttyUSB0: EBUSY',
      'open /dev/ttyUSB0',
    ]);
    expect(new Set(r.ports).size).toBe(4);
    // One log line per change of cause, not one per attempt.
    expect(r.log.filter((e) => e === 'keypad_port_unavailable')).toHaveLength(2);
    expect(r.link.isOpen).toBe(true);
    await r.link.stop();
    expect(r.ports[3]?.isOpen).toBe(false);
  });

  it('reopens on its own when the device vanishes', async () => {
    const r = rig([]);
    r.link.start();
    await vi.waitFor(() => expect(r.link.isOpen).toBe(true));
    r.ports[0]?.unplug();
    expect(r.link.isOpen).toBe(false);
    await vi.waitFor(() => expect(r.link.isOpen).toBe(true));
    expect(r.events).toEqual(['open /dev/ttyUSB0', 'close', 'open /dev/ttyUSB0']);
    expect(r.ports).toHaveLength(2);
    await r.link.stop();
  });

  it('stops trying once stopped, and closes a port that opened too late', async () => {
    const r = rig(['ENOENT']);
    r.link.start();
    await r.link.stop();
    await wait(60);
    expect(r.ports.every((p) => !p.isOpen)).toBe(true);
    expect(r.ports.length).toBe(1);
  });

  it('tries again when a retry falls due before the failed attempt has wound up', async () => {
    // A fake clock can run the retry timer in the microtasks between a failure and the
    // end of its attempt; that retry must not be lost.
    const clock = new FakeClock();
    let looked = 0;
    let advanced = false;
    const link = new SerialLink({
      path: 'auto',
      autoIds: ['1a86:7523'],
      baudRate: 9600,
      probe: null,
      timers: clock,
      list: async () => {
        looked++;
        return [];
      },
      onOpen() {},
      onData() {},
      onClose() {},
      onOpenFailed() {
        if (advanced) return;
        advanced = true;
        queueMicrotask(() => clock.advance(1_000));
      },
    });
    link.start();
    await vi.waitFor(() => expect(looked).toBe(2));
    await link.stop();
  });

  it('matches VID:PID whatever their case or 0x prefix', () => {
    expect(normalizeUsbId('0x1A86')).toBe('1a86');
    const info = (vendorId?: string, productId?: string) => ({
      path: '/dev/ttyUSB0',
      vendorId,
      productId,
      manufacturer: undefined,
      serialNumber: undefined,
      pnpId: undefined,
      locationId: undefined,
    });
    expect(isCandidate(info('1A86', '7523'), ['1a86:7523'])).toBe(true);
    expect(isCandidate(info('1a86', '7522'), ['1a86:7523'])).toBe(false);
    expect(isCandidate(info(undefined, undefined), ['1a86:7523'])).toBe(false);
    expect(isCandidate(info('10c4', 'ea60'), ['10C4:EA60'])).toBe(true);
  });
});
