// The durability workload: the real Terminal owning its store and the real forwarding
// attached to it, walking one write path (Spec.path) over and over until it is killed —
// by a power cut and SIGKILL, or by SIGKILL alone (test/sim/durability-run.ts).
//
// It keeps a journal in a file outside the cut filesystem: the citizen's view of what
// was acknowledged (a rating's thank-you, a delivery the platform confirmed, an erase),
// and which write it was in (`b PATH` before a write, `e PATH` after it, `x PATH` when
// it failed), so the driver can tell which path each cut landed in. Journal lines:
//   b|e|x OP                      a write began, ended, failed
//   folder F                      a terminal folder joined
//   ack F TX REAL RID,...         a rating acknowledged (thank-you shown / API said rated)
//   sealed F RID HEX              a real-name record's sealed personal data as committed
//   config F                      the Electron shell's config.yaml is in place
//   mig F                         an old-schema store (the template's ratings) is in place
//   delivering F RID,...          the platform accepted them; the store is told
//   delivered F RID,...           … and said it has them delivered
//   erased F RID,...              … and their personal data is gone from the WAL too
//   prune F                       a retention prune began (delivered records may go)
// stdout carries only `go` (the path's loop has begun) and, in drain mode, `drained`.
// (`go` in the prune path: the first prune is next.)
//
// Usage: durability-child.ts SPEC_JSON (see Spec)
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { ensureFolder, writeFileDurable } from '../../src/base/durable-file.js';
import { silentLogger } from '../../src/base/logger.js';
import type { PromptRequest } from '../../src/core/events.js';
import { type Forwarding, startForwarding } from '../../src/engine/forwarding.js';
import { Terminal } from '../../src/engine/terminal.js';
import { resolveConfigFile } from '../../src/shells/electron/config-file.js';
import type { RecordKey } from '../../src/store/outbox.js';
import { RatingStore } from '../../src/store/store.js';
import { coreConfig, request } from '../helpers/core-fixture.js';
import { citizenOf, DEPARTMENTS, type Spec, storePaths, type WritePath } from './durability-spec.js';

const spec = JSON.parse(process.argv[2] as string) as Spec;
const journal = openSync(spec.journal, 'a');
const note = (line: string) => writeSync(journal, `${line}\n`);
const say = (line: string) => writeSync(1, `${line}\n`);
const DAY_MS = 86_400_000;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * The path's loop begins. With `holdAfterGo` the child stops here until the driver has
 * read the journal's length, as a child does that loses its core to the driver it woke.
 */
function go(): void {
  say('go');
  if (spec.holdAfterGo) while (!existsSync(spec.holdAfterGo)) Atomics.wait(sleeper, 0, 0, 1);
}

/** Runs one write, marked in the journal; rethrows so the code under test sees its failure. */
function write<T>(op: string, run: () => T): T {
  note(`b ${op}`);
  try {
    const result = run();
    note(`e ${op}`);
    return result;
  } catch (err) {
    note(`x ${op}`);
    throw err;
  }
}

/** The negative control's switch: reaches the connection directly, as no config can. */
function withoutFsync(store: RatingStore): void {
  (Reflect.get(store, 'db') as Database.Database).pragma('synchronous = OFF');
}

interface Live {
  folder: string;
  terminal: Terminal;
  owner: RatingStore | null;
  reader: Database.Database | null;
  forwarding: Forwarding | null;
}

function startTerminal(folder: string): Live {
  const files = storePaths(folder);
  const live: Live = {
    folder,
    terminal: null as unknown as Terminal,
    owner: null,
    reader: null,
    forwarding: null,
  };
  live.terminal = new Terminal({
    config: coreConfig({ mode: 'kiosk', channel: 5 }),
    openStore: () => {
      const store = RatingStore.open(files);
      if (spec.syncOff) withoutFsync(store);
      const checkpoint = store.checkpointIfDue.bind(store);
      store.checkpointIfDue = () => write('checkpoint', checkpoint);
      // Every erase journalled before this line is covered: none of it may be left anywhere.
      const compact = store.compact.bind(store);
      store.compact = (...a) => {
        const result = write('compact', () => compact(...a));
        note(`compacted ${folder}`);
        return result;
      };
      live.owner = store;
      return store;
    },
    log: silentLogger,
  });
  live.terminal.start();
  return live;
}

/** The forwarder's own connection, its writes marked; acknowledgements of delivery and erase. */
function startForwarder(live: Live, realNames: Set<string>): void {
  const files = storePaths(live.folder);
  live.forwarding = startForwarding(
    {
      platform: {
        url: spec.platformUrl,
        profile: 'reference',
        appMark: spec.appMark,
        secret: spec.secret,
        channel: 5,
        timeoutSeconds: 5,
      },
      store: { ...files, retentionDays: 90 },
    },
    live.terminal,
    silentLogger,
    {
      // Records leased by a forwarder the cut killed are free again soon after the restart.
      leaseMs: 3_000,
      openStore: () => {
        const store = RatingStore.attach(files);
        if (spec.syncOff) withoutFsync(store);
        const outbox = store.outbox();
        const claim = outbox.claim.bind(outbox);
        const release = outbox.release.bind(outbox);
        const markDelivered = outbox.markDelivered.bind(outbox);
        outbox.claim = (...a) => {
          const items = write('claim', () => claim(...a));
          // Records of earlier runs too: their delivery is an erase when they carry a citizen.
          for (const i of items) if (i.record.citizen) realNames.add(i.record.id);
          return items;
        };
        outbox.release = (...a) => write('release', () => release(...a));
        outbox.markDelivered = (keys: readonly RecordKey[], now: number) => {
          const ids = keys.map((k) => k.id);
          const op = ids.some((id) => realNames.has(id)) ? 'erase' : 'deliver';
          // A cut after the commit but inside the erase's checkpoint leaves them delivered
          // without the acknowledgement below: the judge knows they may be.
          note(`delivering ${live.folder} ${ids.join(',')}`);
          write(op, () => markDelivered(keys, now));
          note(`delivered ${live.folder} ${ids.join(',')}`);
          // The erase left no older copy behind once the WAL is empty (truncated).
          if (walSize(files.path) === 0) note(`erased ${live.folder} ${ids.join(',')}`);
        };
        return store;
      },
    },
  );
}

function walSize(db: string): number {
  try {
    return statSync(`${db}-wal`).size;
  } catch {
    return 0;
  }
}

let n = 0;
/** One citizen's rating on `live`; journals it once the terminal says it is rated. */
function rateOne(live: Live, kind: WritePath, realName: boolean, realNames: Set<string>): boolean {
  const transactionId = `${spec.runId}-${n++}`;
  const mode: PromptRequest['mode'] =
    kind === 'parallel' ? 'parallel' : kind === 'package' ? 'package' : 'single';
  const departments = mode === 'single' ? DEPARTMENTS.slice(0, 1) : DEPARTMENTS;
  const t = live.terminal;
  const opened = t.openPrompt(
    request({ transactionId, mode, departments, citizen: realName ? citizenOf(transactionId) : null }),
    { replace: true },
  );
  // After the cut every write fails: the terminal says so, and we wait for the kill.
  if (!opened.ok) return false;
  if (realName) t.intent({ type: 'real_name', on: true });
  if (mode === 'parallel') {
    t.intent({ type: 'choose_scope', scope: 'department' });
    for (const _ of departments) t.intent({ type: 'rate', level: 5 });
  } else if (kind === 'reasons') {
    t.intent({ type: 'rate', level: 2 });
    t.intent({ type: 'toggle_reason', code: '207' });
    t.intent({ type: 'submit_reasons' });
  } else {
    t.intent({ type: 'rate', level: 5 });
  }
  const prompt = t.getPrompt(opened.promptId as string);
  const expected = mode === 'parallel' ? departments.length : 1;
  if (
    prompt?.status !== 'rated' ||
    prompt.records.length !== expected ||
    !prompt.records.every((r) => r.final)
  )
    return false;
  const ids = prompt.records.map((r) => r.id);
  note(`ack ${live.folder} ${transactionId} ${realName ? 1 : 0} ${ids.join(',')}`);
  if (realName) {
    for (const id of ids) realNames.add(id);
    try {
      live.reader ??= new Database(storePaths(live.folder).path, { readonly: true });
      const rows = live.reader
        .prepare('SELECT id, hex(personal_sealed) AS hex FROM records WHERE prompt_id = ?')
        .all(opened.promptId) as { id: string; hex: string }[];
      for (const r of rows) if (r.hex) note(`sealed ${live.folder} ${r.id} ${r.hex}`);
    } catch {
      // The cut came between the commit and this read: the blob is not known, only not checked.
    }
  }
  return true;
}

const tick = () => new Promise<void>((r) => setTimeout(r, 0));
const keepAlive = setInterval(() => {}, 1_000);

/** Ratings one after another, each a write of its path, until the kill. */
async function ratingLoop(live: Live, kind: WritePath, realNames: Set<string>): Promise<never> {
  for (let i = 0; ; i++) {
    const realName = kind === 'checkpoint' || i % 2 === 0;
    note(`b ${kind === 'checkpoint' ? 'rating' : kind}`);
    note(
      `${rateOne(live, kind, realName, realNames) ? 'e' : 'x'} ${kind === 'checkpoint' ? 'rating' : kind}`,
    );
    // The idle work (a checkpoint when due) runs between citizens, as in a hall.
    await tick();
  }
}

/** A backlog of ratings, sent while the path's writes (deliveries, prunes) go on. */
async function forwardingLoop(live: Live, kind: 'deliver' | 'erase' | 'prune'): Promise<never> {
  const realNames = new Set<string>();
  const backlog = (count: number) => {
    for (let i = 0; i < count; i++) {
      note('b rating');
      note(`${rateOne(live, 'rating', kind === 'erase', realNames) ? 'e' : 'x'} rating`);
    }
  };
  const delivered = async () => {
    while ((live.forwarding as Forwarding).status().pending > 0) await new Promise((r) => setTimeout(r, 20));
  };
  backlog(spec.quick ? 120 : kind === 'prune' ? 300 : 250);
  startForwarder(live, realNames);
  if (kind !== 'prune') go();
  for (let round = 0; ; round++) {
    await delivered();
    if (kind === 'prune') {
      // As if 91 days had passed: every record delivered so far is past the retention.
      const store = RatingStore.attach(storePaths(live.folder));
      if (spec.syncOff) withoutFsync(store);
      if (round === 0) go();
      note(`prune ${live.folder}`);
      try {
        write('prune', () => store.outbox().prune(Date.now() + 91 * DAY_MS, 90));
      } finally {
        store.close();
      }
    }
    backlog(60);
  }
}

/** What the old loadOrCreateKey did: a plain write, never fsynced. */
function writeKeyTheOldWay(keyFile: string): void {
  ensureFolder(dirname(keyFile));
  writeFileSync(keyFile, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
}

async function firstStarts(): Promise<never> {
  for (let i = 0; ; i++) {
    const folder = join(spec.base, `${spec.runId}-f${i}`);
    note(`folder ${folder}`);
    note('b first-start');
    if (spec.legacyKey) writeKeyTheOldWay(storePaths(folder).keyFile);
    const live = startTerminal(folder);
    if (live.terminal.health().store !== 'ok') {
      // The cut came: nothing more can be written; wait for the kill.
      note('x first-start');
      return new Promise<never>(() => {});
    }
    // The Electron shell's first start: config.yaml from the template.
    const userData = join(folder, 'user-data');
    ensureFolder(userData);
    resolveConfigFile([], userData);
    note(`config ${folder}`);
    const ok = rateOne(live, 'first-start', true, new Set());
    live.reader?.close();
    live.terminal.stop();
    note(`${ok ? 'e' : 'x'} first-start`);
    await tick();
  }
}

async function migrations(): Promise<never> {
  const template = spec.template;
  if (!template) throw new Error('the migration path needs a template store');
  const db = readFileSync(template.db);
  const key = readFileSync(template.keyFile);
  // The old stores first, so that the cuts come among the migrations themselves.
  const folders: string[] = [];
  for (let i = 0; i < (spec.quick ? 4 : 12); i++) {
    const folder = join(spec.base, `${spec.runId}-m${i}`);
    const files = storePaths(folder);
    note(`folder ${folder}`);
    write('setup', () => {
      writeFileDurable(files.keyFile, key, { mode: 0o600 });
      writeFileDurable(files.path, db);
    });
    note(`mig ${folder}`);
    folders.push(folder);
  }
  go();
  for (const folder of folders) {
    // The new version's first start on the old store: migrations 2 and 3.
    write('migration', () => {
      const store = RatingStore.open(storePaths(folder));
      if (spec.syncOff) withoutFsync(store);
      store.close();
    });
    await tick();
  }
  say('done');
  return new Promise<never>(() => {});
}

async function drain(): Promise<void> {
  const all = spec.drainFolders.map((folder) => startTerminal(folder));
  for (const live of all) startForwarder(live, new Set());
  for (;;) {
    await new Promise((r) => setTimeout(r, 50));
    const done = all.every((live) => {
      const s = live.forwarding?.status();
      return s?.state === 'online' && s.pending === 0;
    });
    if (done) break;
  }
  for (const live of all) {
    await live.forwarding?.stop();
    live.terminal.stop();
  }
  say('drained');
  clearInterval(keepAlive);
  closeSync(journal);
}

switch (spec.path) {
  case 'drain':
    await drain();
    break;
  case 'first-start':
    go();
    await firstStarts();
    break;
  case 'migration':
    await migrations();
    break;
  case 'deliver':
  case 'erase':
  case 'prune':
    await forwardingLoop(startTerminal(spec.folder), spec.path);
    break;
  default: {
    const live = startTerminal(spec.folder);
    go();
    await ratingLoop(live, spec.path, new Set());
  }
}
