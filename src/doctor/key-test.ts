// doctor --keys: the technician presses each key in turn (positions 1..5, INVITE,
// PAUSE) and sees each press arrive. A key that never arrives is a FAIL naming it; the
// test goes on with the next key, so one run finds every dead key.

import { AsciiDecoder } from '../../drivers/keypad/ascii.js';
import type { KeyCode } from '../../drivers/keypad/kp1-codec.js';
import { systemClock } from '../base/clock.js';
import { type Keymap, levelAtPosition, levelInfo } from '../core/levels.js';
import type { KeypadLine } from './keypad-check.js';
import { type Finding, fail, ok } from './report.js';

/** Per key; long enough to read the prompt and find the key. */
export const DEFAULT_KEY_SECONDS = 20;

/**
 * Overrides the per-key time (seconds) — for the tests, which should not wait 20 s for
 * a key that is meant never to come.
 */
export const KEY_SECONDS_ENV = 'HAOCHAPING_DOCTOR_KEY_SECONDS';

interface Target {
  label: string;
  hint: string;
  matches(key: KeyCode): boolean;
}

export function keySeconds(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env[KEY_SECONDS_ENV]);
  return Number.isFinite(value) && value > 0 ? value : DEFAULT_KEY_SECONDS;
}

export function keyLabel(key: KeyCode): string {
  return key.kind === 'position' ? String(key.position) : key.kind === 'invite' ? 'INVITE' : 'PAUSE';
}

function targets(keymap: Keymap): Target[] {
  const positions = ([1, 2, 3, 4, 5] as const).map((position) => {
    const level = levelAtPosition(keymap, position);
    const side = position === 1 ? 'leftmost, ' : position === 5 ? 'rightmost, ' : '';
    return {
      label: String(position),
      hint: `${side}${level === null ? '?' : levelInfo(level).label}`,
      matches: (key: KeyCode) => key.kind === 'position' && key.position === position,
    };
  });
  return [
    ...positions,
    { label: 'INVITE', hint: "the clerk's 请评价 key", matches: (key) => key.kind === 'invite' },
    { label: 'PAUSE', hint: "the clerk's pause key", matches: (key) => key.kind === 'pause' },
  ];
}

/** Presses as they arrive, from either driver; keys pressed before their prompt are dropped. */
class PressQueue {
  private queue: KeyCode[] = [];
  private wake: (() => void) | null = null;

  push(key: KeyCode): void {
    this.queue.push(key);
    this.wake?.();
  }

  clear(): void {
    this.queue = [];
  }

  async next(deadline: number): Promise<KeyCode | null> {
    while (this.queue.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0) return null;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
    return this.queue.shift() ?? null;
  }
}

export async function testKeys(
  line: KeypadLine,
  options: { keymap: Keymap; debounceMs: number; seconds: number },
  say: (text: string) => void,
  emit: (finding: Finding) => void,
): Promise<void> {
  const presses = new PressQueue();
  const stop =
    line.driver === 'frame'
      ? line.kp1.onKey((key) => presses.push(key))
      : (() => {
          const decoder = new AsciiDecoder(options.debounceMs, systemClock, (key) => presses.push(key));
          return line.serial.onData((chunk) => decoder.receive(chunk));
        })();
  try {
    const all = targets(options.keymap);
    say(`keys: press each key in turn when asked (${options.seconds} s for each)`);
    const missing: string[] = [];
    for (const target of all) {
      presses.clear();
      say(`  press ${target.label} (${target.hint}) …`);
      const deadline = Date.now() + options.seconds * 1000;
      let arrived = false;
      for (let key = await presses.next(deadline); key !== null; key = await presses.next(deadline)) {
        if (target.matches(key)) {
          arrived = true;
          break;
        }
        say(`  key ${keyLabel(key)} (waiting for ${target.label})`);
      }
      if (arrived) {
        say(`  key ${target.label} ✓`);
      } else {
        missing.push(target.label);
        emit(
          fail(
            'keypad-keys',
            `key ${target.label} did not arrive within ${options.seconds} s`,
            'press it firmly; if it never arrives, the key or the keypad is faulty',
          ),
        );
      }
    }
    if (missing.length === 0) {
      emit(ok('keypad-keys', `all ${all.length} keys arrived (1–5, INVITE, PAUSE)`));
    }
  } finally {
    stop();
  }
}
