// The durability driver's judge: reads the child's journal (what the citizens were told)
// and checks the stores and the platform simulator against it after every cut.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createSealer } from '../../src/store/seal.js';
import { RatingStore } from '../../src/store/store.js';
import { citizenOf, PATHS, storePaths, type WritePath } from './durability-spec.js';
import type { PlatformSim } from './platform-sim.js';

interface Ack {
  folder: string;
  tid: string;
  realName: boolean;
  ids: string[];
}

/** A template store of the previous schema: its ratings, acknowledged wherever it is copied. */
export interface TemplateRatings {
  ratings: { tid: string; realName: boolean; ids: string[]; sealed: [string, string][] }[];
}

const PATH_SET = new Set<string>(PATHS);

export class Journal {
  private offset = 0;
  /** Orders deliveries and prunes across runs. */
  private line = 0;
  readonly acks = new Map<string, Ack>();
  private readonly ackOfRecord = new Map<string, Ack>();
  private readonly sealed = new Map<string, string>();
  private readonly delivered = new Map<string, number>();
  /** Accepted by the platform, told to the store: delivered, or not if the cut came first. */
  private readonly delivering = new Map<string, number>();
  private readonly erased = new Set<string>();
  /** Erased before a compaction by the folder's owner had finished: no copy may be left at all. */
  private readonly compactedErased = new Set<string>();
  /** Every prune each folder began, by journal line: prunes land one after another, in order. */
  private readonly pruneLines = new Map<string, number[]>();
  /** The last prune each folder began whose answer came before the cut: it has landed. */
  private readonly prunedAt = new Map<string, number>();
  /** The prune line of the run being read, until its write ends. */
  private pruning: { folder: string; line: number } | null = null;
  readonly folders = new Set<string>();
  /** Compactions the owners finished. */
  compactions = 0;
  private readonly configs = new Set<string>();

  constructor(
    readonly file: string,
    private readonly template: TemplateRatings | null,
  ) {}

  /** The journal's length now: what a cut that follows cannot have been answered after. */
  size(): number {
    return statSync(this.file).size;
  }

  /** Whether a write of `op` ended in the journal past byte `from` (it was answered). */
  answeredSince(from: number, op: string): boolean {
    // `from` is a line's start: the journal is written a whole line at a time.
    return `\n${readFileSync(this.file).subarray(from).toString('utf8')}`.includes(`\ne ${op}\n`);
  }

  /**
   * Reads what the last run wrote; returns the folders it touched and the write the cut
   * landed in. Past `cutAt` (the journal's size when the power went) an answer is no
   * promise: a commit in flight when the filesystem is shut down may still be answered,
   * where with the power gone nobody would have seen the thank-you. What only lets a
   * record go (the platform's acceptance, a prune begun) counts wherever it is: the
   * shutdown takes effect some time after the journal was read, and on a busy machine a
   * prune the child began after that moment can commit before the power goes.
   */
  readRun(cutAt = Number.POSITIVE_INFINITY): { folders: Set<string>; landed: WritePath | 'other' | 'none' } {
    const bytes = readFileSync(this.file).subarray(this.offset);
    const end = bytes.lastIndexOf(0x0a) + 1;
    const text = bytes.subarray(0, end).toString('utf8');
    let at = this.offset;
    this.offset += end;
    const folders = new Set<string>();
    const open: string[] = [];
    let landed: string | null = null;
    for (const l of text.split('\n')) {
      if (l === '') continue;
      this.line++;
      at += Buffer.byteLength(l) + 1;
      const [kind, a = '', b = '', c = '', d = ''] = l.split(' ');
      const late = at > cutAt;
      if (late && !['b', 'e', 'x', 'folder', 'delivering', 'prune'].includes(kind as string)) continue;
      switch (kind) {
        case 'b':
          open.push(a);
          break;
        case 'e':
          open.splice(open.lastIndexOf(a), 1);
          if (a === 'prune' && this.pruning) {
            if (!late) this.prunedAt.set(this.pruning.folder, this.pruning.line);
            this.pruning = null;
          }
          break;
        case 'x':
          // The first write that failed is the one the cut came in (or just before).
          landed ??= a;
          open.splice(open.lastIndexOf(a), 1);
          if (a === 'prune') this.pruning = null;
          break;
        case 'folder':
          this.folders.add(a);
          folders.add(a);
          break;
        case 'ack':
          this.addAck({ folder: a, tid: b, realName: c === '1', ids: d.split(',') });
          folders.add(a);
          break;
        case 'sealed':
          this.sealed.set(`${a}|${b}`, c);
          break;
        case 'config':
          this.configs.add(a);
          break;
        case 'mig':
          for (const r of this.template?.ratings ?? []) {
            this.addAck({ folder: a, tid: r.tid, realName: r.realName, ids: r.ids });
            for (const [id, hex] of r.sealed) this.sealed.set(`${a}|${id}`, hex);
          }
          break;
        case 'delivering':
          for (const id of b.split(',')) this.delivering.set(`${a}|${id}`, this.line);
          break;
        case 'delivered':
          for (const id of b.split(',')) this.delivered.set(`${a}|${id}`, this.line);
          folders.add(a);
          break;
        case 'erased':
          for (const id of b.split(',')) this.erased.add(`${a}|${id}`);
          break;
        case 'compacted':
          this.compactions++;
          for (const key of this.erased) if (key.startsWith(`${a}|`)) this.compactedErased.add(key);
          break;
        case 'prune':
          this.pruneLines.set(a, [...(this.pruneLines.get(a) ?? []), this.line]);
          this.pruning = { folder: a, line: this.line };
          break;
      }
    }
    // Killed inside a write that had not failed yet: that is where the cut came.
    landed ??= open.at(-1) ?? null;
    // A prune the kill left unanswered may have landed or not; the next run's is its own.
    this.pruning = null;
    const path = landed === null ? 'none' : PATH_SET.has(landed) ? (landed as WritePath) : 'other';
    return { folders, landed: path };
  }

  private addAck(ack: Ack): void {
    this.acks.set(`${ack.folder}|${ack.tid}`, ack);
    for (const id of ack.ids) this.ackOfRecord.set(`${ack.folder}|${id}`, ack);
  }

  /** The sealed blob journalled for a record (by its folder, or as a template's). */
  private sealedOf(folder: string, id: string): string | undefined {
    return this.sealed.get(`${folder}|${id}`);
  }

  /**
   * Every way `folder` disagrees with what its citizens were told; `lost` counts the
   * acknowledged ratings missing or not final. Restarts the store as the terminal would.
   */
  check(folder: string): { problems: string[]; lost: Set<string>; residue: string[] } {
    const problems: string[] = [];
    const lost = new Set<string>();
    const residue: string[] = [];
    const files = storePaths(folder);
    const acks = [...this.acks.values()].filter((a) => a.folder === folder);
    const dataDir = join(folder, 'data');
    if (existsSync(dataDir)) {
      for (const name of readdirSync(dataDir)) {
        if (name.includes('.damaged-')) problems.push(`${folder}: ${name} was moved aside as damaged`);
        // Nothing replaces or deletes the store under the workload: such a file means a
        // fault was taken for a replaced file, and the database the restart opens may not
        // be the one the ratings went to.
        else if (/\.(replaced|old-wal)-|\.saving-/.test(name))
          problems.push(`${folder}: ${name} is there: the store took its file for replaced or deleted`);
      }
    }
    if (acks.length > 0 && !existsSync(files.keyFile)) problems.push(`${folder}: the key file is gone`);
    if (this.configs.has(folder) && !existsSync(join(folder, 'user-data', 'config.yaml')))
      problems.push(`${folder}: config.yaml is gone after the cut`);
    if (!existsSync(dataDir) && acks.length === 0) return { problems, lost, residue };
    // The restart: the owner opens (checks, migrates) the store, as the terminal would.
    try {
      const store = RatingStore.open(files);
      try {
        if (store.movedAside) problems.push(`${folder}: the database was moved aside`);
        if (store.keyFault) problems.push(`${folder}: the key file was damaged`);
        const check = store.integrityCheck();
        if (check !== 'ok') problems.push(`${folder}: integrity_check says ${check}`);
      } finally {
        store.close();
      }
    } catch (err) {
      problems.push(`${folder}: the store did not open after the cut: ${(err as Error).message}`);
      return { problems, lost, residue };
    }
    const sealer = existsSync(files.keyFile)
      ? createSealer(Buffer.from(readFileSync(files.keyFile, 'utf8').trim(), 'base64'))
      : null;
    const db = new Database(files.path, { readonly: true, fileMustExist: true });
    try {
      const rows = new Map(
        (
          db.prepare('SELECT id, state, personal_sealed FROM records').all() as {
            id: string;
            state: string;
            personal_sealed: Buffer | null;
          }[]
        ).map((r) => [r.id, r]),
      );
      // Every prune takes all the records delivered before it (the child prunes as if past
      // the retention), in one transaction. One answered before the cut has landed; those
      // begun after it may have landed or not (in order), but none in part.
      const pruneBegun = this.pruneLines.get(folder)?.at(-1) ?? 0;
      const pruneLanded = this.prunedAt.get(folder) ?? 0;
      const inFlight = { kept: [] as { id: string; at: number }[], gone: [] as { id: string; at: number }[] };
      for (const ack of acks) {
        for (const id of ack.ids) {
          const key = `${folder}|${id}`;
          const row = rows.get(id);
          const deliveredAt = this.delivered.get(key);
          if (deliveredAt !== undefined && deliveredAt > pruneLanded && deliveredAt < pruneBegun)
            inFlight[row ? 'kept' : 'gone'].push({ id, at: deliveredAt });
          if (!row) {
            // Pruned: delivered (or being marked so), then past the retention.
            const sent = this.delivering.get(key);
            if (sent !== undefined && pruneBegun > sent) continue;
            problems.push(`${folder}: ${ack.tid} (record ${id}) was acknowledged and is gone`);
            lost.add(`${folder}|${ack.tid}`);
            continue;
          }
          if (deliveredAt !== undefined && deliveredAt < pruneLanded)
            problems.push(
              `${folder}: record ${id} was delivered before a prune that was answered before the cut, and is still there`,
            );
          if (row.state === 'draft') {
            problems.push(`${folder}: ${ack.tid} (record ${id}) was acknowledged and is a draft again`);
            lost.add(`${folder}|${ack.tid}`);
          }
          if (deliveredAt !== undefined) {
            if (row.state !== 'delivered')
              problems.push(`${folder}: record ${id} was delivered and is ${row.state} again`);
            if (row.personal_sealed !== null)
              problems.push(`${folder}: record ${id}'s erased personal data is back`);
          } else if (ack.realName && row.personal_sealed !== null) {
            // Sealed under the key that is there now: the citizen goes with the rating.
            try {
              const citizen = JSON.parse(sealer?.open(row.personal_sealed) ?? 'null') as { name?: string };
              if (citizen?.name !== citizenOf(ack.tid).name)
                problems.push(`${folder}: record ${id} carries another citizen`);
            } catch {
              problems.push(`${folder}: record ${id}'s personal data cannot be opened with the key`);
            }
          } else if (ack.realName && row.state === 'pending') {
            problems.push(`${folder}: record ${id} lost its citizen before delivery`);
          }
        }
      }
      // The prunes begun but not answered before the cut landed as a prefix, each whole: the
      // records they may have taken are gone up to one prune's line and kept past it.
      const lastGone = Math.max(...inFlight.gone.map((r) => r.at));
      const firstKept = Math.min(...inFlight.kept.map((r) => r.at));
      const boundary = (this.pruneLines.get(folder) ?? []).some((p) => p > lastGone && p <= firstKept);
      if (inFlight.kept.length > 0 && inFlight.gone.length > 0 && !boundary) {
        const ids = (rs: { id: string }[]) =>
          rs
            .slice(0, 3)
            .map((r) => r.id)
            .join(', ');
        problems.push(
          `${folder}: a prune the cut came in landed in part: records ${ids(inFlight.gone)} gone, ${ids(inFlight.kept)} kept (${inFlight.gone.length} gone, ${inFlight.kept.length} kept, no prune between them)`,
        );
      }
    } finally {
      db.close();
    }
    // Erased means overwritten: not in the database's bytes nor its WAL's.
    const files2 = [files.path, `${files.path}-wal`].filter((f) => existsSync(f));
    const raws = files2.map((f) => [f, readFileSync(f)] as const);
    for (const key of this.erased) {
      if (!key.startsWith(`${folder}|`)) continue;
      const id = key.slice(folder.length + 1);
      const hex = this.sealedOf(folder, id);
      if (!hex) continue;
      const blob = Buffer.from(hex, 'hex');
      for (const [f, raw] of raws) {
        const at = raw.indexOf(blob);
        if (at < 0) continue;
        const where = whereIn(f, raw, at);
        // secure_delete does not clear the unused middle of a page rebuilt by a split or
        // merge, where an old copy of a cell can stay until the owner compacts (VACUUM,
        // src/store/compaction.ts: idle, at most every few hours, and at start). A copy
        // erased since the last compaction is counted apart; one erased before a finished
        // compaction, or anywhere but a page's unused middle, means the erase was undone.
        if (where.gap && !this.compactedErased.has(key))
          residue.push(`${folder}: record ${id}: ${where.text}`);
        else
          problems.push(
            `${folder}: record ${id}'s erased personal data is in the raw bytes again (${where.text}${where.gap ? ', after a compaction' : ''})`,
          );
      }
    }
    return { problems, lost, residue };
  }

  /** What the platform must never see: a rating accepted twice as new. */
  platformProblems(sim: PlatformSim): string[] {
    const problems = sim.acceptedTwice().map((id) => `the platform accepted ${id} twice`);
    const seen = new Map<string, string>();
    for (const [id, r] of sim.accepted) {
      const key = `${String(r.projectNo)}|${String(r.deptCode)}|${String(r.scope)}`;
      const other = seen.get(key);
      if (other) problems.push(`the platform accepted ${key} as new twice (records ${other} and ${id})`);
      seen.set(key, id);
    }
    return problems;
  }

  /** After the drain: every rating the main terminal acknowledged reached the platform once, with its citizen. */
  deliveredOnce(folder: string, sim: PlatformSim): string[] {
    const problems: string[] = [];
    for (const ack of this.acks.values()) {
      if (ack.folder !== folder) continue;
      for (const id of ack.ids) {
        const accepted = sim.verdictsOf(id).filter((v) => v === 'accepted').length;
        if (accepted !== 1) problems.push(`${ack.tid}: record ${id} accepted ${accepted} times`);
        else if (ack.realName && sim.accepted.get(id)?.userName !== citizenOf(ack.tid).name)
          problems.push(`${ack.tid}: record ${id} reached the platform without its citizen`);
      }
    }
    return problems;
  }
}

/** Where in a database or WAL file a byte offset falls, and whether in a page's unused middle. */
function whereIn(file: string, raw: Buffer, offset: number): { text: string; gap: boolean } {
  const PAGE = 4096;
  if (file.endsWith('-wal')) {
    const frame = Math.floor((offset - 32) / (PAGE + 24));
    const header = raw.subarray(32 + frame * (PAGE + 24), 32 + frame * (PAGE + 24) + 8);
    return {
      text: `WAL frame ${frame} of page ${header.readUInt32BE(0)}, commit size ${header.readUInt32BE(4)}`,
      gap: false,
    };
  }
  const page = Math.floor(offset / PAGE) + 1;
  const data = raw.subarray((page - 1) * PAGE, page * PAGE);
  const base = page === 1 ? 100 : 0;
  const type = data[base] ?? 0;
  const btree = [2, 5, 10, 13].includes(type);
  const pointersEnd = base + (type === 2 || type === 5 ? 12 : 8) + 2 * data.readUInt16BE(base + 3);
  const contentStart = data.readUInt16BE(base + 5) || 65536;
  const at = offset % PAGE;
  const gap = btree && at >= pointersEnd && at < contentStart;
  const db = new Database(file, { readonly: true });
  try {
    const owner = db.prepare('SELECT name, pagetype FROM dbstat WHERE pageno = ?').get(page) as
      | { name: string; pagetype: string }
      | undefined;
    const what = owner ? `${owner.name} (${owner.pagetype})` : 'not in any table (free)';
    return {
      text: `database page ${page}, ${what}, offset ${at}${gap ? ', in its unused middle' : ''}`,
      gap,
    };
  } finally {
    db.close();
  }
}
