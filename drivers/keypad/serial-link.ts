// The serial line under the frame and ascii drivers: opens `keypad.path` (or finds the
// keypad among the USB-serial ports with "auto"), and keeps trying, with a new port
// object each time, whenever the device is missing or vanishes (cable pulled, USB
// re-enumerated). The protocol on top only sees open / bytes / closed.

import { SerialPort } from 'serialport';
import { type Clock, systemClock } from '../../src/base/clock.js';
import { type Logger, silentLogger } from '../../src/base/logger.js';
import type { KeypadDriverEvents } from './keypad-driver.js';

/** What serialport's list() tells of one port. */
export type PortInfo = Awaited<ReturnType<typeof SerialPort.list>>[number];

/** Where a protocol writes; the serial link, a test, or a simulator provides it. */
export interface BytePort {
  write(bytes: Uint8Array): void;
}

/**
 * A question put to an "auto" candidate (KP/1: QUERY, answered by HELLO). It writes
 * through the port it is given, is handed every chunk that comes back, and calls
 * `answered` once the answer shows the candidate is the keypad.
 */
export interface PortProbe {
  receive(chunk: Uint8Array): void;
  stop(): void;
}

/** The part of serialport's SerialPort this link uses, so tests can stand in for it. */
export interface SerialPortLike {
  readonly isOpen: boolean;
  open(callback: (err: Error | null) => void): void;
  write(data: Uint8Array): unknown;
  close(callback?: (err?: Error | null) => void): void;
  // biome-ignore lint/suspicious/noExplicitAny: the shape of Node's EventEmitter.on, which SerialPort is
  on(event: string, listener: (...args: any[]) => void): unknown;
  removeAllListeners(event?: string): unknown;
}

export interface SerialPortSettings {
  path: string;
  baudRate: number;
}

/** Retries come at least once a second, as the contract asks. */
export const DEFAULT_RETRY_MS = 500;
/** How long an "auto" candidate has to answer QUERY with HELLO. */
export const DEFAULT_PROBE_MS = 700;

export interface SerialLinkOptions {
  /** A device name, or "auto". */
  path: string;
  /** Lower-case "vid:pid" pairs that "auto" may open. */
  autoIds: string[];
  baudRate: number;
  /**
   * With "auto": how to ask a candidate whether it is the keypad (frame driver: the
   * KP/1 link's QUERY/HELLO); null takes the first candidate that opens, writing nothing.
   */
  probe: ((port: BytePort, answered: () => void) => PortProbe) | null;
  retryMs?: number;
  probeMs?: number;
  timers?: Clock;
  log?: Logger;
  list?: () => Promise<PortInfo[]>;
  createPort?: (settings: SerialPortSettings) => SerialPortLike;
  onOpen(port: BytePort, path: string): void;
  onData(chunk: Uint8Array): void;
  onClose(): void;
  /** Each attempt that found no port (so ascii can say offline at once). */
  onOpenFailed?(message: string): void;
}

export interface SerialKeypadOptions {
  /** A device name, or "auto". */
  path: string;
  autoIds: string[];
  baudRate: number;
  events: KeypadDriverEvents;
  timers?: Clock;
  log?: Logger;
  /** Test seams and timings of the serial line. */
  serial?: Partial<Pick<SerialLinkOptions, 'list' | 'createPort' | 'retryMs' | 'probeMs'>>;
}

export function createSerialPort(settings: SerialPortSettings): SerialPortLike {
  // 8N1 without flow control is fixed by the contract; lock keeps us off ports another program holds.
  return new SerialPort({
    path: settings.path,
    baudRate: settings.baudRate,
    dataBits: 8,
    parity: 'none',
    stopBits: 1,
    rtscts: false,
    xon: false,
    xoff: false,
    xany: false,
    lock: true,
    autoOpen: false,
  });
}

/** "1A86", "0x1a86" → "1a86". */
export function normalizeUsbId(id: string | undefined): string {
  return (id ?? '').trim().toLowerCase().replace(/^0x/, '');
}

export function isCandidate(info: PortInfo, autoIds: readonly string[]): boolean {
  const vid = normalizeUsbId(info.vendorId);
  const pid = normalizeUsbId(info.productId);
  if (!vid || !pid) return false;
  return autoIds.map((id) => id.toLowerCase()).includes(`${vid}:${pid}`);
}

export class SerialLink {
  private readonly timers: Clock;
  private readonly log: Logger;
  private readonly list: () => Promise<PortInfo[]>;
  private readonly createPort: (settings: SerialPortSettings) => SerialPortLike;
  private port: SerialPortLike | null = null;
  private currentPath: string | null = null;
  private retryTimer: unknown = null;
  private attempt: Promise<void> | null = null;
  private stopped = false;
  private lastFailure: string | null = null;

  constructor(private readonly opts: SerialLinkOptions) {
    this.timers = opts.timers ?? systemClock;
    this.log = opts.log ?? silentLogger;
    this.list = opts.list ?? (() => SerialPort.list());
    this.createPort = opts.createPort ?? createSerialPort;
  }

  start(): void {
    this.tryNow();
  }

  get path(): string | null {
    return this.currentPath;
  }

  get isOpen(): boolean {
    return this.port !== null;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer !== null) this.timers.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    await this.attempt;
    const port = this.port;
    this.port = null;
    if (port) await closePort(port);
  }

  private tryNow(): void {
    if (this.stopped || this.attempt || this.port) return;
    this.attempt = this.connect()
      .catch((err: unknown) => this.failed(err instanceof Error ? err.message : String(err)))
      .finally(() => {
        this.attempt = null;
      });
  }

  private scheduleRetry(): void {
    if (this.stopped || this.retryTimer !== null) return;
    this.retryTimer = this.timers.setTimeout(() => {
      this.retryTimer = null;
      // The attempt that failed may not have wound up yet (a fast clock): try after it.
      void (this.attempt ?? Promise.resolve()).then(() => this.tryNow());
    }, this.opts.retryMs ?? DEFAULT_RETRY_MS);
  }

  private failed(message: string): void {
    // One line per change, not one per second while a cable stays out.
    if (message !== this.lastFailure) {
      this.log.log('warn', 'keypad_port_unavailable', { path: this.opts.path, message });
      this.lastFailure = message;
    }
    this.opts.onOpenFailed?.(message);
    this.scheduleRetry();
  }

  private async connect(): Promise<void> {
    const found = this.opts.path === 'auto' ? await this.findAuto() : await this.openAt(this.opts.path);
    if (this.stopped) {
      if (found.port) await closePort(found.port);
      return;
    }
    if (!found.port) {
      this.failed(found.message);
      return;
    }
    this.adopt(found.port, found.path);
  }

  private async openAt(path: string): Promise<Found> {
    const port = this.createPort({ path, baudRate: this.opts.baudRate });
    // Errors before adoption (a probe's write into a dying port) must not be unhandled.
    port.on('error', () => {});
    const err = await new Promise<Error | null>((resolve) => port.open(resolve));
    if (err) return { port: null, path, message: `${path}: ${err.message}` };
    return { port, path, message: '' };
  }

  /** Only ports whose VID:PID is listed are ever opened, and only candidates are written to. */
  private async findAuto(): Promise<Found> {
    const ports = await this.list();
    const candidates = ports.filter((p) => isCandidate(p, this.opts.autoIds));
    if (candidates.length === 0) {
      return {
        port: null,
        path: 'auto',
        message: `no serial port with an id in ${this.opts.autoIds.join(', ')}`,
      };
    }
    const tried: string[] = [];
    for (const info of candidates) {
      if (this.stopped) break;
      const found = await this.openAt(info.path);
      if (!found.port) {
        // Most often another program holds it (the lock): leave it alone.
        tried.push(found.message);
        continue;
      }
      if (this.opts.probe === null) return found;
      if (await this.answers(found.port, this.opts.probe)) return found;
      tried.push(`${info.path}: no HELLO`);
      await closePort(found.port);
    }
    return { port: null, path: 'auto', message: `no keypad answered (${tried.join('; ')})` };
  }

  private answers(port: SerialPortLike, probe: NonNullable<SerialLinkOptions['probe']>): Promise<boolean> {
    return new Promise((resolve) => {
      let done = false;
      let asking: PortProbe | null = null;
      const finish = (ok: boolean) => {
        if (done) return;
        done = true;
        this.timers.clearTimeout(timer);
        port.removeAllListeners('data');
        asking?.stop();
        resolve(ok);
      };
      const timer = this.timers.setTimeout(() => finish(false), this.opts.probeMs ?? DEFAULT_PROBE_MS);
      port.on('data', (chunk: Uint8Array) => {
        if (!done) asking?.receive(chunk);
      });
      port.on('close', () => finish(false));
      asking = probe(
        {
          write: (bytes) => {
            if (!done && port.isOpen) port.write(bytes);
          },
        },
        () => finish(true),
      );
      if (done) asking.stop();
    });
  }

  private adopt(port: SerialPortLike, path: string): void {
    this.port = port;
    this.currentPath = path;
    this.lastFailure = null;
    this.log.log('info', 'keypad_port_opened', { path });
    let gone = false;
    const lost = (reason: string) => {
      if (gone || this.port !== port) return;
      gone = true;
      this.port = null;
      port.removeAllListeners();
      // Keep an error listener: a late error from a dead port must not crash the process.
      port.on('error', () => {});
      this.log.log('warn', 'keypad_port_closed', { path, message: reason });
      if (port.isOpen) port.close();
      this.opts.onClose();
      this.scheduleRetry();
    };
    port.on('data', (chunk: Uint8Array) => {
      if (this.port === port) this.opts.onData(chunk);
    });
    port.on('close', (err?: Error | null) => lost(err?.message ?? 'closed'));
    port.on('error', (err: Error) => {
      if (!port.isOpen) lost(err.message);
      else this.log.log('warn', 'keypad_port_error', { path, message: err.message });
    });
    this.opts.onOpen(
      {
        write: (bytes) => {
          if (this.port === port && port.isOpen) port.write(bytes);
        },
      },
      path,
    );
  }
}

interface Found {
  port: SerialPortLike | null;
  path: string;
  message: string;
}

function closePort(port: SerialPortLike): Promise<void> {
  return new Promise((resolve) => {
    if (!port.isOpen) {
      resolve();
      return;
    }
    port.close(() => resolve());
  });
}
