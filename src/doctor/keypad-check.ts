// doctor's keypad check. frame: open the port and QUERY; the keypad must answer HELLO
// within 2 s. ascii: the port opens (such keypads say nothing until pressed). hid and
// none: nothing here can see them. With a terminal running on this configuration, the
// port is its to hold: doctor asks it instead.

import type { KeypadSection } from '../config/terminal-config.js';
import { Kp1Session } from './kp1-session.js';
import { type Finding, fail, ok, warn } from './report.js';
import type { Running } from './running-terminal.js';
import { autoCandidates, type Opened, type OpenProblem, SerialSession } from './serial-session.js';

/** How long a keypad has to answer QUERY: HELLO is one short frame, 2 s is generous. */
export const HELLO_TIMEOUT_MS = 2_000;

export const ASKED = '(asked the running terminal)';

/** The keypad line doctor holds open for --keys. */
export type KeypadLine = { driver: 'frame'; kp1: Kp1Session } | { driver: 'ascii'; serial: SerialSession };

export interface KeypadCheck {
  finding: Finding;
  /** Open only when the check passed and the caller asked to keep it (--keys). */
  line: KeypadLine | null;
}

export async function checkKeypad(
  keypad: KeypadSection,
  running: Running,
  keepOpen: boolean,
): Promise<KeypadCheck> {
  if (keypad.driver === 'hid' || keypad.driver === 'none') {
    const what =
      keypad.driver === 'hid' ? 'hid (a keyboard-wedge keypad types into the screen)' : 'none (touch only)';
    return { finding: ok('keypad', `${what}, not checkable`), line: null };
  }
  const path = keypad.path ?? 'auto';
  if (running.kind === 'this') return { finding: fromRunning(keypad, running), line: null };

  const check = keypad.driver === 'frame' ? await checkFrame(keypad, path) : await checkAscii(keypad, path);
  if (check.line !== null && !keepOpen) {
    await closeLine(check.line);
    return { finding: check.finding, line: null };
  }
  return check;
}

export function closeLine(line: KeypadLine): Promise<void> {
  return line.driver === 'frame' ? line.kp1.close() : line.serial.close();
}

function fromRunning(keypad: KeypadSection, running: Extract<Running, { kind: 'this' }>): Finding {
  const { health } = running;
  const where = keypad.path ?? 'auto';
  if (health.keypadFault === 'stuck_key') {
    return fail(
      'keypad',
      `the keypad on ${where} reports a key stuck down ${ASKED}`,
      'free the stuck key (or replace the keypad); the fault clears by itself',
    );
  }
  if (health.keypad === 'online') return ok('keypad', `${keypad.driver} keypad online on ${where} ${ASKED}`);
  if (keypad.driver === 'ascii') {
    return fail(
      'keypad',
      `the running terminal cannot open ${where} ${ASKED}`,
      'plug the keypad in and check keypad.path; the terminal reopens it by itself',
    );
  }
  return fail(
    'keypad',
    `the running terminal hears nothing from the keypad on ${where} ${ASKED}`,
    "check the keypad's cable and power, keypad.path and keypad.baudRate",
  );
}

async function checkFrame(keypad: KeypadSection, path: string): Promise<KeypadCheck> {
  if (path !== 'auto') {
    const opened = await SerialSession.open(path, keypad.baudRate);
    if (!opened.ok) return failed(opened.problem);
    return helloFrom(opened.session, keypad);
  }
  // As serve does: only listed USB-serial bridges are opened, and the one that answers HELLO is the keypad.
  const candidates = await autoCandidates(keypad.autoIds);
  if (candidates.length === 0) return failed(noCandidate(keypad));
  const tried: string[] = [];
  for (const info of candidates) {
    const opened = await SerialSession.open(info.path, keypad.baudRate);
    if (!opened.ok) {
      tried.push(opened.problem.what);
      continue;
    }
    const check = await helloFrom(opened.session, keypad);
    if (check.line !== null) return check;
    tried.push(`${info.path}: no HELLO`);
  }
  return failed({
    what: `keypad.path is auto and no keypad answered (${tried.join('; ')})`,
    todo: "check the keypad's power and cable, or set keypad.path to its device",
  });
}

async function helloFrom(serial: SerialSession, keypad: KeypadSection): Promise<KeypadCheck> {
  const kp1 = new Kp1Session(serial, keypad.baudRate);
  const hello = await kp1.hello(HELLO_TIMEOUT_MS);
  if (hello !== null) {
    const detail = `${hello.model || 'unnamed model'}, firmware ${hello.firmware || '?'}, serial ${hello.serialNo || '?'} on ${serial.path}`;
    const finding =
      hello.version === 1
        ? ok('keypad', detail)
        : warn('keypad', `${detail} speaks KP/${hello.version}, not KP/1; keys may not all work`);
    return { finding, line: { driver: 'frame', kp1 } };
  }
  await kp1.close();
  if (kp1.frames > 0) {
    return failed({
      what: `the keypad on ${serial.path} sends KP/1 frames but did not answer QUERY with HELLO within ${HELLO_TIMEOUT_MS / 1000} s`,
      todo: "update the keypad's firmware or replace the keypad",
    });
  }
  if (serial.bytesIn > 0) {
    return failed({
      what: `${serial.path} sends bytes that are not KP/1 frames`,
      todo: `check keypad.baudRate (now ${keypad.baudRate}), or use keypad.driver: ascii for a single-byte keypad`,
    });
  }
  return failed({
    what: `no answer from the keypad on ${serial.path} within ${HELLO_TIMEOUT_MS / 1000} s`,
    todo: `check that the keypad is powered and its cable is in, and keypad.baudRate (now ${keypad.baudRate})`,
  });
}

async function checkAscii(keypad: KeypadSection, path: string): Promise<KeypadCheck> {
  let opened: Opened;
  if (path === 'auto') {
    // Single-byte keypads accept nothing: as serve does, the first listed port that opens is taken.
    const candidates = await autoCandidates(keypad.autoIds);
    if (candidates.length === 0) return failed(noCandidate(keypad));
    opened = { ok: false, problem: noCandidate(keypad) };
    for (const info of candidates) {
      opened = await SerialSession.open(info.path, keypad.baudRate);
      if (opened.ok) break;
    }
  } else {
    opened = await SerialSession.open(path, keypad.baudRate);
  }
  if (!opened.ok) return failed(opened.problem);
  const { session } = opened;
  return {
    finding: ok(
      'keypad',
      `${session.path} opens (a single-byte keypad is silent until pressed: doctor --keys tests the keys)`,
    ),
    line: { driver: 'ascii', serial: session },
  };
}

function noCandidate(keypad: KeypadSection): OpenProblem {
  return {
    what: `keypad.path is auto and no serial port has an id in ${keypad.autoIds.join(', ')}`,
    todo: 'plug the keypad in, or add its VID:PID to keypad.autoIds, or set keypad.path to its device',
  };
}

function failed(problem: OpenProblem): KeypadCheck {
  return { finding: fail('keypad', problem.what, problem.todo), line: null };
}
