// Kill points: the same workload and checks as the power cuts (test/sim/durability-run.ts)
// ended by SIGKILL alone at a random moment in one of the write paths, 100 times. A kill
// leaves the page cache, so this is about the process dying between and inside writes:
// every acknowledged rating is there once, in a sound database, and everything reaches the
// platform once at the end. `npm run bench -- soak` runs 1 000 (test/bench/durability.ts).
import { describe, expect, it } from 'vitest';
import { runDurability, summary } from '../../sim/durability-run.js';
import { PATHS } from '../../sim/durability-spec.js';

const KILLS = 100;

describe('durability under SIGKILL', () => {
  it(`${KILLS} kills over every write path: no acknowledged rating lost, nothing accepted twice`, {
    timeout: 900_000,
  }, async () => {
    const r = await runDurability({ disk: 'none', runs: KILLS });
    console.log(summary('kills', r));
    expect(r.problems, r.problems.slice(0, 20).join('\n')).toEqual([]);
    expect(r.lost).toBe(0);
    for (const path of PATHS) expect(r.aimed[path] ?? 0, path).toBeGreaterThanOrEqual(KILLS / PATHS.length);
    expect(r.acknowledged).toBeGreaterThan(KILLS * 10);
  });
});
