// The window at work, in a process of its own: the business system opens a prompt over
// the local API, the KP/1 keypad (the reference simulator on the pty's far end) waits
// for ARM and sends a KEY, and the press and its ACK are stamped on the shared
// monotonic clock. Mode `echo` is the baseline: the same KEY bytes over the same kind
// of pty, sent back by a bare echo. Usage: node --import tsx rater-child.ts SPEC_JSON

import { SerialPort } from 'serialport';
import { encodeKey, FrameParser } from '../../drivers/keypad/kp1-codec.js';
import { KeypadSim } from '../sim/keypad-sim.js';
import { childMain, nowNs } from './child-ipc.js';

export interface RaterSpec {
  mode: 'terminal' | 'echo';
  /** The keypad's end of the pty. */
  path: string;
  /** The API base (mode terminal). */
  api?: string;
  /** Stop after this many presses … */
  rounds?: number;
  /** … or once this long has passed (whichever comes first). */
  durationMs?: number;
  /** Pause between a commit's ACK and the next prompt: the window's pace. */
  gapMs?: number;
  /** Transaction ids are PREFIX-N. */
  prefix?: string;
}

export interface Press {
  transactionId: string;
  /** hrtime ns, as text (JSON has no bigint). */
  pressedAt: string;
  ackedAt: string | null;
}

export interface RaterResult {
  presses: Press[];
  /** Prompts the API refused (each a short line), which should never happen. */
  refused: string[];
}

async function call(api: string, method: string, path: string, body?: unknown): Promise<number> {
  const res = await fetch(api + path, {
    method,
    ...(body !== undefined
      ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }
      : {}),
  });
  await res.arrayBuffer();
  return res.status;
}

function more(spec: RaterSpec, done: number, start: number): boolean {
  if (spec.rounds !== undefined && done >= spec.rounds) return false;
  if (spec.durationMs !== undefined && Date.now() - start >= spec.durationMs) return false;
  return true;
}

async function terminalRounds(spec: RaterSpec): Promise<RaterResult> {
  const api = spec.api;
  if (!api) throw new Error('mode terminal needs spec.api');
  const sim = new KeypadSim({ path: spec.path });
  await sim.open();
  const presses: Press[] = [];
  const refused: string[] = [];
  try {
    // The terminal answers HELLO with ARM/LEDS; before that, the line is not up yet.
    const deadline = Date.now() + 15_000;
    const keypadState = async () =>
      ((await (await fetch(`${api}/health`)).json()) as { keypad: string }).keypad;
    while ((await keypadState()) !== 'online') {
      if (Date.now() > deadline) throw new Error('the terminal never saw the keypad online');
      await new Promise((r) => setTimeout(r, 50));
    }
    const start = Date.now();
    for (let i = 0; more(spec, presses.length, start); i++) {
      const transactionId = `${spec.prefix ?? 'TX'}-${i}`;
      const seen = sim.received.length;
      const status = await call(api, 'POST', '/prompts', {
        transactionId,
        service: { code: 'S-1', name: '个体工商户登记' },
        departments: [{ code: 'D-MKT', name: '县市场监管局' }],
        mode: 'single',
      });
      if (status !== 201) {
        refused.push(`POST /prompts ${transactionId}: ${status}`);
        if (refused.length > 20) throw new Error(`the API refused prompts: ${refused.join('; ')}`);
        continue;
      }
      await sim.waitFor(
        (r) => r.slice(seen).some((c) => c.cmd === 'arm' && c.on),
        `ARM for ${transactionId}`,
        15_000,
      );
      const pressedAt = nowNs();
      const r = await sim.press(1);
      const ackedAt = r.acked ? nowNs() : null;
      presses.push({
        transactionId,
        pressedAt: String(pressedAt),
        ackedAt: ackedAt === null ? null : String(ackedAt),
      });
      if (spec.gapMs) await new Promise((res) => setTimeout(res, spec.gapMs));
    }
  } finally {
    await sim.close();
  }
  return { presses, refused };
}

async function echoRounds(spec: RaterSpec): Promise<RaterResult> {
  const port = new SerialPort({ path: spec.path, baudRate: 9600, autoOpen: false, lock: false });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  const parser = new FrameParser();
  let waiter: (() => void) | null = null;
  port.on('data', (chunk: Buffer) => {
    if (parser.push(chunk).length > 0) waiter?.();
  });
  const presses: Press[] = [];
  try {
    const start = Date.now();
    for (let i = 0; more(spec, presses.length, start); i++) {
      const back = new Promise<void>((resolve) => {
        waiter = resolve;
      });
      const pressedAt = nowNs();
      port.write(Buffer.from(encodeKey(i & 0xff, { kind: 'position', position: 1 })));
      const timeout = new Promise<'lost'>((resolve) => setTimeout(() => resolve('lost'), 5_000).unref());
      const lost = (await Promise.race([back, timeout])) === 'lost';
      presses.push({
        transactionId: `ECHO-${i}`,
        pressedAt: String(pressedAt),
        ackedAt: lost ? null : String(nowNs()),
      });
      if (spec.gapMs) await new Promise((res) => setTimeout(res, spec.gapMs));
    }
  } finally {
    await new Promise<void>((resolve) => port.close(() => resolve()));
  }
  return { presses, refused: [] };
}

childMain<RaterSpec, RaterResult>((spec) => (spec.mode === 'echo' ? echoRounds(spec) : terminalRounds(spec)));
