// One serial port held for the length of a doctor run: opened the way the terminal
// opens it (8N1, locked, so a port another program holds is reported, not shared),
// read by whoever listens, closed at the end. Opening problems become a technician's
// "what is wrong — what to do".

import { SerialPort } from 'serialport';
import {
  createSerialPort,
  isCandidate,
  type PortInfo,
  type SerialPortLike,
} from '../../drivers/keypad/serial-link.js';

export interface OpenProblem {
  what: string;
  todo: string;
}

export type Opened = { ok: true; session: SerialSession } | { ok: false; problem: OpenProblem };

export class SerialSession {
  /** Bytes received so far, to tell a silent line from one that speaks another protocol. */
  bytesIn = 0;
  private readonly listeners = new Set<(chunk: Uint8Array) => void>();

  private constructor(
    readonly path: string,
    private readonly port: SerialPortLike,
  ) {
    port.on('data', (chunk: Uint8Array) => {
      this.bytesIn += chunk.length;
      for (const listener of [...this.listeners]) listener(chunk);
    });
  }

  static async open(path: string, baudRate: number): Promise<Opened> {
    const port = createSerialPort({ path, baudRate });
    // A late error from a vanishing device must end in a finding, never a crash.
    port.on('error', () => {});
    const err = await new Promise<Error | null>((resolve) => port.open(resolve));
    if (err) return { ok: false, problem: openProblem(path, err.message) };
    return { ok: true, session: new SerialSession(path, port) };
  }

  onData(listener: (chunk: Uint8Array) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  write(bytes: Uint8Array): void {
    if (this.port.isOpen) this.port.write(bytes);
  }

  close(): Promise<void> {
    this.listeners.clear();
    return new Promise((resolve) => {
      if (!this.port.isOpen) {
        resolve();
        return;
      }
      this.port.close(() => resolve());
    });
  }
}

/** The ports "auto" may open: USB-serial bridges whose VID:PID is in keypad.autoIds, as serve picks them. */
export async function autoCandidates(autoIds: readonly string[]): Promise<PortInfo[]> {
  try {
    return (await SerialPort.list()).filter((info) => isCandidate(info, autoIds));
  } catch {
    return [];
  }
}

/** serialport's messages differ by platform; these are the causes a technician can fix. */
export function openProblem(path: string, message: string): OpenProblem {
  if (/no such file|not found|cannot find|ENOENT/i.test(message)) {
    return {
      what: `${path} does not exist`,
      todo: 'plug the keypad in, and check keypad.path (ls /dev/serial/by-id/ lists the serial devices)',
    };
  }
  if (/permission denied|access denied|EACCES|EPERM/i.test(message)) {
    return {
      what: `no permission to open ${path}`,
      todo: 'add the user the terminal runs as to the dialout group, then log in again',
    };
  }
  if (/lock|temporarily unavailable|busy|EBUSY/i.test(message)) {
    return {
      what: `${path} is in use by another program`,
      todo: 'stop that program (another terminal, a serial console) and run doctor again',
    };
  }
  if (/not a tty|inappropriate ioctl/i.test(message)) {
    return { what: `${path} is not a serial port`, todo: 'check keypad.path' };
  }
  return {
    what: `cannot open ${path} (${message.replace(/^Error:?\s*/, '')})`,
    todo: 'check keypad.path and the cable',
  };
}
