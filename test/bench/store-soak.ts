// The store at the goal's scale (soak):
// - 100 000 ratings through a terminal on its own in a child process (engine + store +
//   forwarder to the reference simulator, test/bench/engine-soak-child.ts): its RSS at
//   10 000 and at 100 000 ratings, against the goal (150 MB) and against itself (flat
//   after warm-up); then the database's size per rating (file + WAL after a truncating
//   checkpoint), against the same rows copied into bare SQLite tables with the same
//   columns and no index, key or constraint (what the data alone takes);
// - a year of a busy counter (400 ratings a working day, every day) with the default
//   retention (90 days) pruned as the terminal does (test/bench/store-year.ts): the file
//   at the end of the year against its size once the retention is reached.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { PlatformSim } from '../sim/platform-sim.js';
import type { Figure } from './format.js';
import { fileBytes, runYear } from './store-year.js';

const RATINGS = 100_000;
const SAMPLE = 1_000;
const MiB = 2 ** 20;
const RETENTION_DAYS = 90;

interface Sample {
  n: number;
  rss: number;
  heapUsed: number;
}

async function engineRun(dir: string, ratings: number): Promise<Sample[]> {
  const sim = await PlatformSim.start({ appMark: 'HA-APP', secret: 'sim-secret-密钥', maxSkewMs: null });
  try {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        new URL('./engine-soak-child.ts', import.meta.url).pathname,
        dir,
        sim.url,
        String(ratings),
        String(Math.min(SAMPLE, ratings / 10)),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    const lines = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Sample & { done?: number; pending?: number });
    const end = lines.at(-1);
    if (code !== 0 || end?.done !== ratings || end.pending !== 0) {
      throw new Error(`soak: the terminal child ended ${code}: ${JSON.stringify(end)}`);
    }
    if (sim.accepted.size !== ratings || sim.acceptedTwice().length > 0) {
      throw new Error(`soak: ${sim.accepted.size} accepted, ${sim.acceptedTwice().length} twice`);
    }
    return lines.filter((l) => l.done === undefined);
  } finally {
    await sim.close();
  }
}

/** File + WAL after a truncating checkpoint; and the same rows in bare tables. */
function sizes(dir: string): { ours: number; bare: number } {
  const path = join(dir, 'terminal.db');
  const db = new Database(path);
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
    const ours = fileBytes(path);
    const barePath = join(dir, 'bare.db');
    db.prepare('ATTACH DATABASE ? AS bare').run(barePath);
    for (const table of ['prompts', 'records']) {
      db.exec(`CREATE TABLE bare.${table} AS SELECT * FROM main.${table}`);
    }
    db.exec('DETACH DATABASE bare');
    return { ours, bare: fileBytes(barePath) };
  } finally {
    db.close();
  }
}

/** `ratings` and `yearDays` smaller only to try the figures out quickly. */
export async function storeSoakFigures(ratings = RATINGS, yearDays = 365): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'hcp-soak-'));
  let samples: Sample[];
  let size: { ours: number; bare: number };
  try {
    samples = await engineRun(dir, ratings);
    size = sizes(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const at = (n: number) => samples.find((s) => s.n === n) as Sample;
  const warm = ratings / 10;
  const year = runYear({ days: yearDays, perDay: 400, retentionDays: RETENTION_DAYS });
  // Steady state: a month after the retention was reached (the first prunes), for a month.
  const steady = Math.max(...year.sizes.slice(RETENTION_DAYS + 30, RETENTION_DAYS + 60));
  const end = year.sizes.at(-1) as number;
  return [
    {
      name: `RSS of a terminal after ${ratings} ratings (engine + store + forwarder, own process under tsx; ${(at(0).rss / MiB).toFixed(0)} MiB before the first)`,
      value: at(ratings).rss / MiB,
      unit: 'MiB',
      limit: (150 * 1e6) / MiB,
      limitUnit: 'MiB',
      limitWhat: 'the goal, 150 MB',
      better: 'lower',
    },
    {
      name: `RSS of a terminal after ${ratings} ratings, against itself after ${warm}`,
      value: at(ratings).rss / MiB,
      unit: 'MiB',
      limit: at(warm).rss / MiB,
      limitUnit: 'MiB',
      limitWhat: `the same process at ${warm} ratings (flat: ratio ≥ 0.9)`,
      better: 'lower',
    },
    {
      name: `database per rating after ${ratings} ratings (file + WAL after a checkpoint; ${(size.ours / MiB).toFixed(1)} MiB)`,
      value: size.ours / ratings,
      unit: 'B',
      limit: size.bare / ratings,
      limitUnit: 'B',
      limitWhat: 'the same rows in bare tables with the same columns, no index or key',
      better: 'lower',
    },
    {
      name: `database after ${yearDays} simulated days, 400 ratings a day, ${RETENTION_DAYS}-day retention (${year.records} records kept)`,
      value: end / MiB,
      unit: 'MiB',
      limit: steady / MiB,
      limitUnit: 'MiB',
      limitWhat: `its largest size on days ${RETENTION_DAYS + 30}–${RETENTION_DAYS + 60}, the retention reached (bounded: ratio ≥ 0.95)`,
      better: 'lower',
    },
  ];
}
