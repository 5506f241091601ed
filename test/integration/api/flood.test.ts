// A flood from one business system (one address, as fast as it can) against the running
// terminal with its default api.rateLimit: it is held to the limit (429), while another
// workstation's system is answered as usual and the citizen's keypad — the KP/1 driver on a
// socat pty, a keypad simulator in a process of its own — has every press ACKed and every
// rating committed. Behaviour only: what was refused, answered and kept, never how fast.
import { Agent, fetch as undiciFetch } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { runChild } from '../../bench/child-ipc.js';
import { type LineRig, startLineRig } from '../../bench/line-rig.js';
import type { RaterResult, RaterSpec } from '../../bench/rater-child.js';
import type { FloodResult, FloodSpec } from './flood-child.js';

let rig: LineRig | null = null;
const agents: Agent[] = [];
afterEach(async () => {
  await rig?.close();
  rig = null;
  for (const a of agents.splice(0)) await a.close();
});

describe('a flood from one client', { timeout: 120_000 }, () => {
  it('is held to api.rateLimit, while another client and the keypad go on: every press committed', async () => {
    rig = await startLineRig({ rateLimit: 50 });
    const api = rig.api;
    const floodSpec: FloodSpec = { api, localAddress: '127.0.0.3', durationMs: 4_000, maxRequests: 200_000 };
    const flood = runChild<FloodResult>('../integration/api/flood-child.ts', floodSpec);
    // The window's own system: the keypad's prompts come from 127.0.0.1, at a window's pace.
    const raterSpec: RaterSpec = {
      mode: 'terminal',
      path: rig.pty.b,
      api,
      durationMs: 3_000,
      gapMs: 100,
      prefix: 'FLOOD',
    };
    const rater = runChild<RaterResult>('./rater-child.ts', raterSpec);
    // A third workstation's system, from 127.0.0.2, asking now and then meanwhile.
    const agent = new Agent({ localAddress: '127.0.0.2' });
    agents.push(agent);
    const other: number[] = [];
    const asking = (async () => {
      const until = Date.now() + 3_000;
      while (Date.now() < until) {
        const res = await undiciFetch(`${api}/clerk`, { dispatcher: agent });
        await res.arrayBuffer();
        other.push(res.status);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    let flooded: FloodResult;
    let rated: RaterResult;
    try {
      [flooded, rated] = await Promise.all([flood.done, rater.done, asking]);
    } catch (err) {
      for (const { child } of [flood, rater]) if (child.exitCode === null) child.kill();
      throw err;
    }

    // The flood was held back: refused with 429, never failed, never a 5xx.
    expect(flooded.errors).toEqual([]);
    expect(Object.keys(flooded.statuses).sort()).toEqual(['200', '429']);
    // At most the limit in each one-second window it sent in (+1 for a window straddling each end).
    expect(flooded.statuses['200']).toBeLessThanOrEqual(50 * (Math.floor(flooded.elapsedMs / 1000) + 2));
    expect(flooded.statuses['429']).toBeGreaterThan(0);
    // The other workstation was answered every time.
    expect(other.length).toBeGreaterThan(0);
    expect(other.every((s) => s === 200)).toBe(true);
    // The citizen's keypad: every prompt opened, every press ACKed and committed.
    expect(rated.refused).toEqual([]);
    expect(rated.presses.length).toBeGreaterThan(0);
    expect(rated.presses.filter((p) => p.ackedAt === null)).toEqual([]);
    const committed = rig.committed;
    expect(rated.presses.filter((p) => !committed.has(p.transactionId)).map((p) => p.transactionId)).toEqual(
      [],
    );
    expect(rig.running.terminal.health().queue?.pending).toBe(rated.presses.length);
  });
});
