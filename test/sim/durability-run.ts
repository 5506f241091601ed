// The durability driver: runs the workload child (durability-child.ts) on one write path
// at a time and ends each run at a random moment — a power cut (the loop disk shut down
// without a log flush, then SIGKILL, re-mount) or SIGKILL alone — then restarts the store
// and checks it against the child's journal. Each run is aimed at the path with the
// fewest cuts landed so far, so every path gets its share; where each cut really landed
// (the write in flight) is read from the journal and counted.
// Used by test/integration/crash/*.test.ts (short) and test/bench/durability.ts (soak).
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import Database from 'better-sqlite3';
import { silentLogger } from '../../src/base/logger.js';
import { Terminal } from '../../src/engine/terminal.js';
import { migrate } from '../../src/store/migrations/index.js';
import { RatingStore } from '../../src/store/store.js';
import { freePort, waitFor } from '../helpers/cli.js';
import { coreConfig, request } from '../helpers/core-fixture.js';
import { type DiskKind, type LoopDisk, makeLoopDisk } from '../helpers/loop-disk.js';
import { Journal, type TemplateRatings } from './durability-check.js';
import { citizenOf, PATHS, type Spec, storePaths, type WritePath } from './durability-spec.js';
import { PlatformSim } from './platform-sim.js';

const CHILD = new URL('./durability-child.ts', import.meta.url).pathname;
const APP_MARK = 'HA-APP';
const SECRET = 'durability-secret';

export interface DurabilityOptions {
  /** A loop disk of that filesystem to cut, or 'none' for SIGKILLs alone on a temp folder. */
  disk: DiskKind | 'none';
  runs: number;
  /**
   * Keep going past `runs` (up to `maxRuns`) until every path has had this many cuts land
   * in it: a cut aimed at a short write may come just after it.
   */
  landedPerPath?: number;
  maxRuns?: number;
  paths?: readonly WritePath[];
  /** The negative control: the store's connections without fsync. */
  syncOff?: boolean;
  /** A negative control: first starts write the key file without fsync, as old versions did. */
  legacyKey?: boolean;
  /** Deliver everything at the end and check it reached the platform once (default true). */
  drain?: boolean;
  /**
   * The busy machine's schedule, made certain: the journal's length is read while the
   * child is held just after `go` (it lost its core to the driver it woke), and the power
   * goes only once the path's next write has been answered (xfs_io waited for a core).
   * The judge must then take that write as maybe landed: it is past the cut's mark.
   */
  lateCut?: boolean;
  /** A line per run, for a long soak. */
  progress?: (line: string) => void;
  /**
   * Where a run that found problems leaves its evidence: the folders it touched as the
   * re-mount left them (before the judge's restart), the journal and the child's stderr.
   */
  evidence?: string;
}

export interface DurabilityReport {
  runs: number;
  /** Runs aimed at each path, and the path of the write each cut or kill landed in. */
  aimed: Record<string, number>;
  landed: Record<string, number>;
  acknowledged: number;
  lost: number;
  problems: string[];
  /** Erased blobs seen in a live page's unused middle, erased since the owner's last compaction. */
  residue: string[];
  /** Compactions the owners finished (journalled), which clear such blobs. */
  compactions: number;
  ms: number;
}

/** One line: runs, time, losses, and the cuts aimed at and landed in each path. */
export function summary(label: string, r: DurabilityReport): string {
  const per = (counts: Record<string, number>) =>
    Object.entries(counts)
      .sort()
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
  return `${label}: ${r.runs} runs in ${(r.ms / 1000).toFixed(0)} s; lost ${r.lost} of ${r.acknowledged} acknowledged; ${r.problems.length} problems; ${r.residue.length} erased blobs in page gaps awaiting the owner's compaction, ${r.compactions} compactions; aimed: ${per(r.aimed)}; landed in: ${per(r.landed)}`;
}

const random = (min: number, max: number) => min + Math.floor(Math.random() * (max - min + 1));

/** How long after the path's loop began a cut may come: a few of its writes, at random. */
const SPREAD_MS: Record<WritePath, number> = {
  'first-start': 1_500,
  rating: 600,
  parallel: 600,
  package: 600,
  reasons: 600,
  deliver: 0,
  erase: 0,
  prune: 3,
  checkpoint: 600,
  migration: 150,
};

/** A store of the previous schema (user_version 1) holding real ratings, and its key. */
function buildTemplate(dir: string, count: number): { template: Spec['template']; ratings: TemplateRatings } {
  const files = storePaths(join(dir, 'current'));
  const terminal = new Terminal({
    config: coreConfig({ mode: 'kiosk', channel: 5 }),
    openStore: () => RatingStore.open(files),
    log: silentLogger,
  });
  terminal.start();
  for (let i = 0; i < count; i++) {
    const transactionId = `tpl-${i}`;
    const realName = i % 2 === 0;
    terminal.openPrompt(request({ transactionId, citizen: realName ? citizenOf(transactionId) : null }), {
      replace: true,
    });
    if (realName) terminal.intent({ type: 'real_name', on: true });
    terminal.intent({ type: 'rate', level: 5 });
  }
  terminal.stop();
  const old = join(dir, 'schema-1.db');
  const db = new Database(old);
  try {
    db.pragma('journal_mode = WAL');
    migrate(db, 1);
    db.exec(`ATTACH '${files.path}' AS cur`);
    db.exec(`
      INSERT INTO main.prompts SELECT id, transaction_id, mode, service, departments, clerk, citizen_sealed,
        status, opened_at, expires_at, ended_at FROM cur.prompts;
      INSERT INTO main.records SELECT prompt_id, id, seq, state, body, personal_sealed, rated_at, final_at,
        attempts, next_attempt_at, lease_until, last_error, reject_code, reject_message, delivered_at FROM cur.records;
    `);
    db.exec('DETACH cur');
    const rows = db
      .prepare(
        `SELECT p.transaction_id AS tid, r.id, hex(r.personal_sealed) AS hex
         FROM prompts p JOIN records r ON r.prompt_id = p.id WHERE r.state <> 'draft'`,
      )
      .all() as { tid: string; id: string; hex: string }[];
    const byTid = new Map<string, TemplateRatings['ratings'][number]>();
    for (const r of rows) {
      const entry = byTid.get(r.tid) ?? { tid: r.tid, realName: false, ids: [], sealed: [] };
      entry.ids.push(r.id);
      if (r.hex) {
        entry.realName = true;
        entry.sealed.push([r.id, r.hex]);
      }
      byTid.set(r.tid, entry);
    }
    return {
      template: { db: old, keyFile: files.keyFile, transactionIds: [...byTid.keys()] },
      ratings: { ratings: [...byTid.values()] },
    };
  } finally {
    db.close();
  }
}

interface Run {
  child: ChildProcess;
  exited: Promise<void>;
  /** Resolves at the child's `go` (or `drained`); rejects if it ends first. */
  said(line: string): Promise<void>;
  err(): string;
}

function startChild(spec: Spec, children: Set<ChildProcess>): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(spec)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let out = '';
  let err = '';
  const listeners: (() => void)[] = [];
  const wake = () => {
    for (const l of listeners.splice(0)) l();
  };
  child.stdout?.on('data', (d) => {
    out += d;
    wake();
  });
  child.stderr?.on('data', (d) => {
    err += d;
  });
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      children.delete(child);
      wake();
      resolve();
    }),
  );
  const said = (line: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (out.split('\n').includes(line)) return resolve();
        if (child.exitCode !== null || child.signalCode !== null)
          return reject(new Error(`the workload (${spec.path}) ended before "${line}": ${err.trim()}`));
        listeners.push(check);
      };
      check();
    });
  return { child, exited, said, err: () => err };
}

export async function runDurability(options: DurabilityOptions): Promise<DurabilityReport> {
  const started = Date.now();
  const paths = options.paths ?? PATHS;
  // SIGKILLs alone leave the page cache as it was: memory (/dev/shm) is disk enough for
  // them, and many more kills fit in the time.
  const kills = options.disk === 'none';
  // A kill alone loses nothing that was answered: there is no later moment for it to wait for.
  if (kills && options.lateCut) throw new Error('a late cut needs a disk to cut');
  const work = mkdtempSync(join(kills && existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'hcp-durability-'));
  const children = new Set<ChildProcess>();
  let disk: LoopDisk | null = null;
  let sim: PlatformSim | null = null;
  let answered: (() => void) | null = null;
  try {
    disk = kills ? null : makeLoopDisk(512, options.disk as DiskKind);
    const base = disk ? disk.dir : join(work, 'disk');
    mkdirSync(base, { recursive: true });
    sim = await PlatformSim.start({
      appMark: APP_MARK,
      secret: SECRET,
      maxSkewMs: 300_000,
      log: () => answered?.(),
    });
    const { template, ratings } = paths.includes('migration')
      ? buildTemplate(join(work, 'template'), 300)
      : { template: null, ratings: null };
    const journalFile = join(work, 'journal');
    writeFileSync(journalFile, '');
    const journal = new Journal(journalFile, ratings);
    const main = join(base, 'main');
    // The forwarding paths each on a terminal of their own, so a delivery is an erase only there.
    const folderOf = (path: Spec['path']) =>
      path === 'deliver' || path === 'erase' || path === 'prune' ? join(base, path) : main;
    const forwarded = new Set<string>([main]);
    const down = `http://127.0.0.1:${await freePort()}/`;
    const aimed: Record<string, number> = {};
    const landed: Record<string, number> = {};
    const problems: string[] = [];
    const lost = new Set<string>();
    const residue = new Set<string>();
    const spec = (path: Spec['path'], runId: string): Spec => ({
      folder: folderOf(path),
      drainFolders: [...forwarded],
      base,
      journal: journalFile,
      path,
      runId,
      platformUrl: ['deliver', 'erase', 'prune', 'drain'].includes(path) ? (sim as PlatformSim).url : down,
      appMark: APP_MARK,
      secret: SECRET,
      template,
      syncOff: options.syncOff ?? false,
      quick: kills,
      legacyKey: options.legacyKey ?? false,
      ...(options.lateCut ? { holdAfterGo: join(work, `go-${runId}`) } : {}),
    });
    const checkAll = (folders: Iterable<string>, label: string) => {
      for (const folder of folders) {
        const found = journal.check(folder);
        for (const p of found.problems) problems.push(`${label}: ${p}`);
        for (const l of found.lost) lost.add(l);
        for (const r of found.residue) residue.add(r);
      }
      for (const p of journal.platformProblems(sim as PlatformSim)) problems.push(`${label}: ${p}`);
    };

    const short = () => paths.some((p) => (landed[p] ?? 0) < (options.landedPerPath ?? 0));
    let i = 0;
    for (; i < options.runs || (short() && i < (options.maxRuns ?? options.runs)); i++) {
      // A cut: the path with the fewest cuts landed so far (then the fewest aimed). A kill
      // on memory-fast writes mostly lands between them, so kills go round the paths.
      const count = kills || options.lateCut ? aimed : landed;
      const path = [...paths].sort(
        (a, b) =>
          (count[a] ?? 0) - (count[b] ?? 0) || (aimed[a] ?? 0) - (aimed[b] ?? 0) || Math.random() - 0.5,
      )[0] as WritePath;
      aimed[path] = (aimed[path] ?? 0) + 1;
      forwarded.add(folderOf(path));
      const t0 = Date.now();
      const run = startChild(spec(path, `r${i}`), children);
      const cut = disk?.armCut();
      await run.said('go').catch(async (err) => {
        // The armed xfs_io holds the mount: let it go (the disk is torn down anyway).
        await cut?.().catch(() => {});
        throw err;
      });
      let cutAt: number | undefined;
      if (options.lateCut) {
        cutAt = journal.size();
        writeFileSync(join(work, `go-r${i}`), '');
        await waitFor(
          () => journal.answeredSince(cutAt as number, path) || run.child.exitCode !== null,
          `the ${path} write after go`,
          60_000,
        );
      } else if (path === 'deliver' || path === 'erase') {
        // Right after the platform answered: the forwarder is marking the records delivered.
        await Promise.race([new Promise<void>((r) => (answered = r)), run.exited]);
        answered = null;
        await new Promise((r) => setTimeout(r, random(0, 4)));
      } else {
        await new Promise((r) => setTimeout(r, random(0, SPREAD_MS[path] * (kills ? 0.3 : 1))));
      }
      const t1 = Date.now();
      if (run.child.exitCode !== null || run.child.signalCode !== null)
        throw new Error(`the workload (${path}) ended by itself before the cut: ${run.err().trim()}`);
      if (!options.lateCut) cutAt = cut ? journal.size() : undefined;
      await cut?.();
      run.child.kill('SIGKILL');
      await run.exited;
      // After a cut the child may end by itself (a write failed where it does not expect one).
      if (!cut && run.child.signalCode !== 'SIGKILL')
        throw new Error(`the workload (${path}) ended by itself before the cut: ${run.err().trim()}`);
      disk?.remount();
      const t2 = Date.now();
      const found = journal.readRun(cutAt);
      landed[found.landed] = (landed[found.landed] ?? 0) + 1;
      const before = problems.length;
      const touched = new Set([folderOf(path), ...found.folders]);
      const kept = options.evidence ? join(options.evidence, `run-${i}-${path}`) : null;
      if (kept) {
        for (const f of touched) if (existsSync(f)) cpSync(f, join(kept, basename(f)), { recursive: true });
        writeFileSync(join(kept, 'child-stderr'), run.err());
        writeFileSync(join(kept, 'cut-at'), `${cutAt ?? ''}\n`);
      }
      checkAll(touched, `run ${i} (${path}, landed in ${found.landed})`);
      if (kept) {
        if (problems.length === before) rmSync(kept, { recursive: true, force: true });
        else {
          cpSync(journalFile, join(kept, 'journal'));
          writeFileSync(join(kept, 'problems'), `${problems.slice(before).join('\n')}\n`);
        }
      }
      options.progress?.(
        `run ${i + 1}: ${path}, landed in ${found.landed}, ${problems.length - before} problems (${t1 - t0} ms to the cut, ${Date.now() - t2} ms to check)${problems
          .slice(before, before + 3)
          .map((p) => `\n  ${p}`)
          .join('')}`,
      );
    }

    if (options.drain ?? true) {
      const run = startChild(spec('drain', 'drain'), children);
      await run.said('drained');
      await run.exited;
      checkAll(new Set([...journal.folders, ...forwarded]), 'after the drain');
      for (const folder of forwarded)
        for (const p of journal.deliveredOnce(folder, sim)) problems.push(`after the drain: ${p}`);
    }
    return {
      runs: i,
      aimed,
      landed,
      acknowledged: journal.acks.size,
      lost: lost.size,
      problems,
      residue: [...residue],
      compactions: journal.compactions,
      ms: Date.now() - started,
    };
  } finally {
    for (const c of children) c.kill('SIGKILL');
    await Promise.all([...children].map((c) => new Promise((r) => c.once('exit', r))));
    disk?.destroy();
    await sim?.close();
    rmSync(work, { recursive: true, force: true });
  }
}
