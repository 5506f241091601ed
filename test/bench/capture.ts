// Durable capture, three figures:
// - whole prompts, sustained: prompts per second through the engine with the real store,
//   from the first prompt's opening to the last one's rating committed and the WAL
//   checkpoints it defers done (each prompt is two commits: the opening, then the rating
//   with its record); against bare better-sqlite3 writing the same rows in the same two
//   commits per prompt, with the same pragmas and schema (the store's own opener) and the
//   same PASSIVE checkpoint every 32 commits (the store's cadence), in the same folder: the
//   same work minus the engine;
// - the rating commit's latency alone (press to committed), against the bare loop's own
//   second commit (the same record insert and prompt update in one transaction);
// - that bare SQLite's single-row commits against raw write + fdatasync.
import { randomUUID } from 'node:crypto';
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Terminal } from '../../src/engine/terminal.js';
import { openDatabase } from '../../src/store/open.js';
import { CHECKPOINT_EVERY_COMMITS, RatingStore } from '../../src/store/store.js';
import { coreConfig, request } from '../helpers/core-fixture.js';
import { type Figure, median, percentile } from './format.js';

const PROMPTS = 300;
const ROUNDS = 5;

interface PromptRun {
  promptsPerSecond: number;
  /** Each prompt's rating commit, ms. */
  ratingCommitMs: number[];
}

const nextTurn = () => new Promise((r) => setImmediate(r));

async function engineRun(dir: string, round: number): Promise<PromptRun> {
  const path = join(dir, `engine-${round}.db`);
  const terminal = new Terminal({
    config: coreConfig({ mode: 'kiosk' }),
    openStore: () => RatingStore.open({ path, keyFile: join(dir, 'terminal.key') }),
  });
  terminal.start();
  const ratingCommitMs: number[] = [];
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < PROMPTS; i++) {
    const opened = terminal.openPrompt(request({ transactionId: `B-${round}-${i}` }));
    if (!opened.ok) throw new Error(`bench: prompt ${i} refused: ${opened.message}`);
    const t1 = process.hrtime.bigint();
    terminal.intent({ type: 'rate', level: 5 });
    ratingCommitMs.push(Number(process.hrtime.bigint() - t1) / 1e6);
    // The engine checkpoints from a zero-delay timer, as between citizens; yielding a
    // turn (no waiting) lets it run whenever it is due.
    await nextTurn();
  }
  // This timer fires after the engine's pending one: the last deferred checkpoint is in.
  await new Promise((r) => setTimeout(r, 0));
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  terminal.stop();
  expectRows(path);
  return { promptsPerSecond: PROMPTS / s, ratingCommitMs };
}

/** The rows the engine writes for a kiosk prompt with one department and no citizen. */
function promptRows(round: number, i: number, seq: number) {
  const id = randomUUID();
  const at = 1_790_000_000_000 + i * 1000;
  const service = { code: 'S-1', name: '个体工商户登记' };
  const department = { code: 'D-MKT', name: '县市场监管局' };
  const prompt = {
    id,
    transaction_id: `B-${round}-${i}`,
    mode: 'single',
    service: JSON.stringify(service),
    departments: JSON.stringify([department]),
    clerk: null,
    citizen_sealed: null,
    status: 'open',
    opened_at: at,
    expires_at: at + 60_000,
  };
  const body = {
    id: randomUUID(),
    promptId: id,
    transactionId: prompt.transaction_id,
    assessNumber: 1,
    channel: 4,
    level: 5,
    reasons: [],
    comment: '',
    ratedAt: at + 2,
    areaCode: '350521',
    service,
    department,
    clerk: null,
    scope: 'single',
    terminalId: 'HA-0001',
    windowNo: '12',
    flags: ['fast', 'burst'],
    catalogueVersion: '2026.1',
  };
  const record = {
    prompt_id: id,
    id: body.id,
    seq,
    state: 'pending',
    body: JSON.stringify(body),
    personal_sealed: null,
    rated_at: body.ratedAt,
    final_at: body.ratedAt,
  };
  return { prompt, record, end: ['rated', body.ratedAt, id] as const };
}

async function bareRun(dir: string, round: number): Promise<PromptRun> {
  const path = join(dir, `bare-prompts-${round}.db`);
  const { db } = openDatabase(path);
  if (
    db.pragma('journal_mode', { simple: true }) !== 'wal' ||
    db.pragma('synchronous', { simple: true }) !== 2
  )
    throw new Error('bench: the store no longer opens WAL/FULL; fix the limit description');
  // The store's statements (store.ts), verbatim.
  const promptInsert = db.prepare(
    `INSERT INTO prompts (id, transaction_id, mode, service, departments, clerk, citizen_sealed, status, opened_at, expires_at)
     VALUES (@id, @transaction_id, @mode, @service, @departments, @clerk, @citizen_sealed, @status, @opened_at, @expires_at)`,
  );
  const recordPut = db.prepare(
    `INSERT INTO records (prompt_id, id, seq, state, body, personal_sealed, rated_at, final_at)
     VALUES (@prompt_id, @id, @seq, @state, @body, @personal_sealed, @rated_at, @final_at)
     ON CONFLICT (prompt_id, id) DO UPDATE SET state = excluded.state, body = excluded.body,
       personal_sealed = excluded.personal_sealed, rated_at = excluded.rated_at, final_at = excluded.final_at
     WHERE records.state = 'draft'`,
  );
  const promptEnd = db.prepare(
    'UPDATE prompts SET status = ?, ended_at = ?, citizen_sealed = NULL WHERE id = ?',
  );
  const open = db.transaction((p: ReturnType<typeof promptRows>['prompt']) => promptInsert.run(p));
  const rate = db.transaction((rows: ReturnType<typeof promptRows>) => {
    recordPut.run(rows.record);
    promptEnd.run(...rows.end);
  });
  // Made beforehand: building the rows is the engine's part of the work.
  const all = Array.from({ length: PROMPTS }, (_, i) => promptRows(round, i, i + 1));
  const ratingCommitMs: number[] = [];
  let commits = 0;
  const t0 = process.hrtime.bigint();
  for (const rows of all) {
    open(rows.prompt);
    const t1 = process.hrtime.bigint();
    rate(rows);
    ratingCommitMs.push(Number(process.hrtime.bigint() - t1) / 1e6);
    commits += 2;
    if (commits >= CHECKPOINT_EVERY_COMMITS) {
      db.pragma('wal_checkpoint(PASSIVE)');
      commits = 0;
    }
    // The same turn of the event loop the engine's run yields, so neither side gets the other's slack.
    await nextTurn();
  }
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  db.close();
  expectRows(path);
  return { promptsPerSecond: PROMPTS / s, ratingCommitMs };
}

/** Both sides must have written the same rows, or the limit measured other work. */
function expectRows(path: string): void {
  const db = new Database(path, { readonly: true });
  const prompts = db.prepare(`SELECT COUNT(*) FROM prompts WHERE status = 'rated'`).pluck().get();
  const records = db.prepare(`SELECT COUNT(*) FROM records WHERE state = 'pending'`).pluck().get();
  db.close();
  if (prompts !== PROMPTS || records !== PROMPTS)
    throw new Error(
      `bench: ${path} holds ${prompts} rated prompts and ${records} records, not ${PROMPTS} each`,
    );
}

const COMMITS = 300;

function bareCommitRate(dir: string, round: number): number {
  const db = new Database(join(dir, `bare-${round}.db`));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE t (id TEXT PRIMARY KEY, body TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO t (id, body) VALUES (?, ?)');
  const body = 'x'.repeat(600);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < COMMITS; i++) insert.run(`r-${i}`, body);
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  db.close();
  return COMMITS / s;
}

function rawSyncRate(dir: string, round: number): number {
  const fd = openSync(join(dir, `raw-${round}.bin`), 'w');
  const block = Buffer.alloc(4096, 1);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < COMMITS; i++) {
    writeSync(fd, block);
    fdatasyncSync(fd);
  }
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  closeSync(fd);
  return COMMITS / s;
}

export async function captureFigures(): Promise<Figure[]> {
  const dir = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'hcp-bench-'));
  try {
    const engine: PromptRun[] = [];
    const bare: PromptRun[] = [];
    const bareCommits: number[] = [];
    const raw: number[] = [];
    // Interleaved rounds, the engine and its limit taking turns to go first, so a slow
    // moment of the disk weighs on all alike.
    for (let r = 0; r < ROUNDS; r++) {
      if (r % 2 === 0) {
        engine.push(await engineRun(dir, r));
        bare.push(await bareRun(dir, r));
      } else {
        bare.push(await bareRun(dir, r));
        engine.push(await engineRun(dir, r));
      }
      bareCommits.push(bareCommitRate(dir, r));
      raw.push(rawSyncRate(dir, r));
    }
    return [
      {
        name: 'whole prompts, sustained',
        value: median(engine.map((e) => e.promptsPerSecond)),
        unit: 'prompts/s',
        limit: median(bare.map((b) => b.promptsPerSecond)),
        limitUnit: 'prompts/s',
        limitWhat: `bare better-sqlite3: same rows in the same 2 commits per prompt, same pragmas, checkpoint every ${CHECKPOINT_EVERY_COMMITS} commits, same folder`,
        better: 'higher',
      },
      {
        name: 'rating commit latency (p50)',
        value: percentile(
          engine.flatMap((e) => e.ratingCommitMs),
          50,
        ),
        unit: 'ms',
        limit: percentile(
          bare.flatMap((b) => b.ratingCommitMs),
          50,
        ),
        limitUnit: 'ms',
        limitWhat: 'bare better-sqlite3: the same record insert + prompt update in one WAL/FULL commit, p50',
        better: 'lower',
      },
      {
        name: 'bare WAL/FULL commit',
        value: median(bareCommits),
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
