// The soak's terminal (test/bench/engine-soak-child.ts), short: a counter's ratings
// through the engine in a process of its own, forwarded as they come in batches to
// the reference simulator; every one accepted once, and the memory samples it reports
// (the soak compares RSS at 10 000 and 100 000 ratings) are there.
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/temp.js';
import { PlatformSim } from '../../sim/platform-sim.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

describe('the soak terminal', () => {
  it('rates, forwards every rating once, and reports its memory', async () => {
    const sim = await PlatformSim.start({ appMark: 'HA-APP', secret: 'sim-secret-密钥', maxSkewMs: null });
    cleanup.push(() => sim.close());
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        new URL('../../bench/engine-soak-child.ts', import.meta.url).pathname,
        tempDir(),
        sim.url,
        '200',
        '50',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(err).toBe('');
    expect(code).toBe(0);
    const lines = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.n ?? l.done)).toEqual([0, 50, 100, 150, 200, 200]);
    expect(lines.at(-1)).toEqual({ done: 200, pending: 0 });
    for (const l of lines.slice(0, -1)) expect(l.rss).toBeGreaterThan(l.heapUsed);
    expect(sim.accepted.size).toBe(200);
    expect(sim.acceptedTwice()).toEqual([]);
  }, 120_000);
});
