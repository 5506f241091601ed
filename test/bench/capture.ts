// Durable capture: ratings per second through the engine with the real store (one
// commit per rating, timed from the press to the committed rating; the engine's WAL
// checkpoints run in idle time between citizens, outside the timing), against a bare better-sqlite3 loop of single-row WAL/FULL
// commits in the same folder; and that bare loop against raw write + fdatasync.
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Terminal } from '../../src/engine/terminal.js';
import { RatingStore } from '../../src/store/store.js';
import { coreConfig, request } from '../helpers/core-fixture.js';
import { type Figure, median } from './format.js';

const N = 300;
const ROUNDS = 5;

async function engineRate(dir: string, round: number): Promise<number> {
  const terminal = new Terminal({
    config: coreConfig({ mode: 'kiosk' }),
    openStore: () =>
      RatingStore.open({ path: join(dir, `engine-${round}.db`), keyFile: join(dir, 'terminal.key') }),
  });
  terminal.start();
  let busy = 0;
  for (let i = 0; i < N; i++) {
    terminal.openPrompt(request({ transactionId: `B-${round}-${i}` }));
    const t0 = process.hrtime.bigint();
    terminal.intent({ type: 'rate', level: 5 });
    busy += Number(process.hrtime.bigint() - t0);
    // The engine's upkeep (WAL checkpoints) runs when it is idle, as between citizens.
    await new Promise((r) => setTimeout(r, 0));
  }
  terminal.stop();
  return N / (busy / 1e9);
}

function bareRate(dir: string, round: number): number {
  const db = new Database(join(dir, `bare-${round}.db`));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE t (id TEXT PRIMARY KEY, body TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO t (id, body) VALUES (?, ?)');
  const body = 'x'.repeat(600);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) insert.run(`r-${i}`, body);
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  db.close();
  return N / s;
}

function rawSyncRate(dir: string, round: number): number {
  const fd = openSync(join(dir, `raw-${round}.bin`), 'w');
  const block = Buffer.alloc(4096, 1);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) {
    writeSync(fd, block);
    fdatasyncSync(fd);
  }
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  closeSync(fd);
  return N / s;
}

export async function captureFigures(): Promise<Figure[]> {
  const dir = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'hcp-bench-'));
  try {
    const engine: number[] = [];
    const bare: number[] = [];
    const raw: number[] = [];
    // Interleaved rounds, so a slow moment of the disk weighs on all three alike.
    for (let r = 0; r < ROUNDS; r++) {
      engine.push(await engineRate(dir, r));
      bare.push(bareRate(dir, r));
      raw.push(rawSyncRate(dir, r));
    }
    return [
      {
        name: 'durable capture',
        value: median(engine),
        unit: 'ratings/s',
        limit: median(bare),
        limitUnit: 'commits/s',
        limitWhat: 'bare better-sqlite3 single-row WAL/FULL commits, same folder',
        better: 'higher',
      },
      {
        name: 'bare WAL/FULL commit',
        value: median(bare),
        unit: 'commits/s',
        limit: median(raw),
        limitUnit: 'writes/s',
        limitWhat: 'raw 4 KiB write + fdatasync, same folder',
        better: 'higher',
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
