// The short version of the bench's `keypad` group (test/bench/keypad.ts): the running
// terminal with its KP/1 driver on a socat pty and its local API, the keypad and the
// business system each in a process of their own. While the API takes 500 requests a
// second in a window's mix (event streams open), ratings keep coming by keypad: every
// press is ACKed and its rating committed, every request is answered as the contract
// says (no 5xx, no failure), and every request due was sent. No timing is asserted: the
// figures are the bench's to report.
import { afterEach, describe, expect, it } from 'vitest';
import { echoRoundTrips, RATE, ratePhase, TRICKLE_RATE } from '../../bench/keypad.js';
import { type LineRig, startLineRig } from '../../bench/line-rig.js';

let rig: LineRig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

describe('the keypad line and the local API under load', { timeout: 180_000 }, () => {
  it('echoes every KEY frame on the bare pty (the baseline the bench sets key → ACK beside)', async () => {
    const trips = await echoRoundTrips(20);
    expect(trips).toHaveLength(20);
    expect(trips.every((ms) => ms > 0)).toBe(true);
  });

  it('commits every rating pressed while the API takes 500 requests a second, and answers them all', async () => {
    rig = await startLineRig();
    const quiet = await ratePhase(rig, { prefix: 'QUIET', durationMs: 1_500, rate: TRICKLE_RATE });
    const loaded = await ratePhase(rig, { prefix: 'LOAD', durationMs: 3_000, rate: RATE });
    for (const phase of [quiet, loaded]) {
      expect(phase.refused).toEqual([]);
      expect(phase.lost).toEqual([]);
      expect(phase.presses).toBeGreaterThan(0);
      expect(phase.keyToAck).toHaveLength(phase.presses);
      expect(phase.pressToCommit).toHaveLength(phase.presses);
    }
    const { load } = loaded;
    expect(load.samples).toEqual([]);
    expect(load.unexpected).toBe(0);
    expect(load.sent).toBe(RATE * 3);
    expect(load.answered).toBe(load.sent);
    expect(Object.keys(load.statuses).filter((s) => Number(s) >= 500)).toEqual([]);
    // The business system heard of prompts on its event streams meanwhile (how many depends
    // on when its process started, beside the keypad's) and polled them.
    expect(load.promptEvents).toBeGreaterThan(0);
    expect(load.statuses['200']).toBeGreaterThan(0);
    // Each rating is in the store, queued for the platform: none was lost to the load.
    expect(rig.running.terminal.health().queue?.pending).toBe(quiet.presses + loaded.presses);
  });
});
