// A keypad that floods the line with KEY frames for keys that do not exist once wrote a
// line for each: 27 MB, every rotated file overwritten. Here 100 000 such frames on a real
// serial line (socat pty, KP/1 simulator) into the real file logger, with a short window
// so the test need not wait a minute: the first lines are written, the rest counted in
// one line per window, and the lines around the flood (the history) survive.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CMD, encodeFrame } from '../../../drivers/keypad/kp1-codec.js';
import { fileLogger } from '../../../src/engine/file-logger.js';
import { waitFor } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/temp.js';
import { KeypadSim } from '../../sim/keypad-sim.js';
import { keypadSection, onCleanup, ptyPair, startTerminal, wireKeypad } from '../keypad/fixture.js';

const FRAMES = 100_000;
const BURST = 60;
const WINDOW_MS = 1_500;

type Line = Record<string, unknown> & { event: string };

describe('a keypad flooding the line with unknown keys', { timeout: 120_000 }, () => {
  it('is counted, not written line by line: the log stays small and keeps its history', async () => {
    const dir = tempDir();
    const { logger, file } = fileLogger(join(dir, 'logs'), {
      repeats: { burst: BURST, windowMs: WINDOW_MS },
    });
    logger.log('info', 'history_before', { note: 'a line written before the flood' });
    const pty = await ptyPair();
    const { terminal } = startTerminal();
    await wireKeypad(keypadSection({ driver: 'frame', path: pty.a }), terminal, logger);
    const sim = new KeypadSim({ path: pty.b });
    await sim.open();
    onCleanup(() => sim.close());
    await sim.waitFor((r) => r.some((c) => c.cmd === 'arm'), 'the keypad to be told ARM');

    // Keys 6…255 but INVITE and PAUSE: none exists. Written in chunks, as a broken
    // keypad would send them, each frame acknowledged by the terminal.
    const bytes: Uint8Array[] = [];
    for (let i = 0; i < FRAMES; i++) {
      const code = 0x40 + (i % 0x30);
      bytes.push(encodeFrame(CMD.KEY, i & 0xff, new Uint8Array([code])));
    }
    // Paced by the terminal's ACKs (as a keypad waits for them), so a serial line's buffer
    // never overflows and every frame reaches the terminal.
    const before = sim.received.length;
    for (let i = 0; i < bytes.length; i += 1_000) {
      sim.sendRaw(Buffer.concat(bytes.slice(i, i + 1_000)));
      const sent = Math.min(bytes.length, i + 1_000);
      await sim.waitFor((r) => r.length - before >= sent, `the terminal's ACK of frame ${sent}`, 30_000);
    }

    const lines = () =>
      readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Line);
    const counted = () =>
      lines()
        .filter((l) => l.event === 'log_lines_repeated' && l.repeated === 'keypad_unknown_key')
        .reduce((n, l) => n + (l.count as number), 0);
    const written = () => lines().filter((l) => l.event === 'keypad_unknown_key').length;
    await waitFor(() => written() + counted() === FRAMES, 'the flood counted to its last frame', 10_000);
    logger.log('info', 'history_after', { note: 'a line written after the flood' });

    // Every frame is accounted for, few are written one by one, and the log is small.
    expect(written()).toBeLessThanOrEqual(BURST * 2);
    expect(counted()).toBeGreaterThan(FRAMES - BURST * 2);
    const summaries = lines().filter((l) => l.event === 'log_lines_repeated');
    expect(summaries[0]).toMatchObject({
      level: 'warn',
      repeated: 'keypad_unknown_key',
      since: expect.any(String),
    });
    expect(readdirSync(join(dir, 'logs'))).toEqual(['terminal.log']);
    expect(statSync(file).size).toBeLessThan(64 * 1024);
    expect(lines()[0]).toMatchObject({ event: 'history_before' });
    expect(lines().at(-1)).toMatchObject({ event: 'history_after' });
    // The keypad is still heard: a real key after the flood goes through.
    terminal.signIn({
      id: '0107',
      name: '林晓',
      department: { code: 'D', name: '部门' },
      photo: null,
      stars: null,
    });
    await sim.press('invite');
    await waitFor(() => terminal.currentPromptId() !== null, 'the INVITE key to open a prompt');
  });
});
