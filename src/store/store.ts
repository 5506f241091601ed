// The rating database's owner and its write path (with its read queries in
// src/store/queries.ts, what a restart picks up in src/store/recovery.ts and the
// forwarder's in src/store/outbox.ts, the only code that touches it). The core describes
// what to keep (StoreOp); this turns each step's ops into one transaction. A record's
// row is written and read only through src/store/record-row.ts.
//
// Every commit first checks that the path still names the file this connection has open
// (src/store/file-identity.ts): a file replaced or deleted under the running terminal is
// a store fault, and the owner writes what it holds back (src/store/replaced-store.ts).

import type Database from 'better-sqlite3';
import type { StoreOp } from '../core/effects.js';
import type { ClockSkewSummary, PromptSummary, QueueCounts } from '../core/summaries.js';
import { COUNT_ERASURE_SQL, type CompactionResult, Compactor } from './compaction.js';
import { identityOf, StoreReplacedError } from './file-identity.js';
import { STATE_WRITTEN } from './local-records.js';
import { attachDatabase, describeIoError, openDatabase, StoreUnavailableError, truncateWal } from './open.js';
import { Outbox } from './outbox.js';
import { StoreQueries } from './queries.js';
import { encodeRecord } from './record-row.js';
import { Recovery, type RecoveryFacts } from './recovery.js';
import { FileWatch } from './replaced-store.js';
import { createSealer, damagedKeyFiles, loadOrCreateKey, readExistingKey, type Sealer } from './seal.js';
import { sealClearWords } from './seal-clear-words.js';
import { SetAside, type SetAsideListener } from './set-aside.js';
import { StatsQueries } from './stats-queries.js';

export interface StoreOptions {
  path: string;
  keyFile: string;
  /** A training terminal's store: the records it writes are marked training, never forwarded. */
  training?: boolean;
}

/** The settings a power cut and an erase depend on, as the connection reports them. */
export interface DurabilitySettings {
  journalMode: string;
  synchronous: 'OFF' | 'NORMAL' | 'FULL' | 'EXTRA';
  secureDelete: boolean;
}

/** What the owner found wrong with the key file, and did about it. */
export interface KeyFault {
  /** Where the damaged key file was moved. */
  movedAside: string;
  /** Records still holding personal data sealed under it: they go out without it. */
  unreadableRecords: number;
}

/** About a hundred pages of WAL: a checkpoint is short, and the WAL stays small. */
export const CHECKPOINT_EVERY_COMMITS = 32;

export class RatingStore {
  readonly movedAside: string | null;
  /** Set when this owner found the key file damaged and moved it aside. */
  readonly keyFault: KeyFault | null;
  readonly path: string;
  private readonly db: Database.Database;
  private readonly sealer: Sealer;
  private readonly training: 0 | 1;
  private readonly stmt;
  private outboxOps: Outbox | null = null;
  private readonly reads: StoreQueries;
  private readonly setAside: SetAside;
  /** A damaged key file is on record: personal data this key cannot open goes without it. */
  private readonly keyFaultKnown: boolean;
  /** Whether the path still names the file this connection opened. */
  private readonly watch: FileWatch;
  /**
   * Drafts the last recovery read whose personal data this key cannot open: made final
   * without the citizen, their sealed data is kept for the forwarder to judge.
   */
  private readonly keepSealed = new Set<string>();

  private constructor(
    path: string,
    db: Database.Database,
    movedAside: string | null,
    sealer: Sealer,
    options: { training: boolean; movedKey: string | null; keyFile: string; role: 'owner' | 'attached' },
  ) {
    this.path = path;
    this.db = db;
    this.movedAside = movedAside;
    this.sealer = sealer;
    this.training = options.training ? 1 : 0;
    let identity: ReturnType<typeof identityOf>;
    try {
      identity = identityOf(path);
    } catch (err) {
      db.close();
      throw new StoreUnavailableError(`cannot look at the database ${path}: ${describeIoError(err)}`);
    }
    if (identity === null) {
      db.close();
      throw new StoreUnavailableError(`the database ${path} went away while it was being opened`);
    }
    this.watch = new FileWatch(db, path, identity, options.role);
    this.keyFaultKnown = options.movedKey !== null || damagedKeyFiles(options.keyFile).length > 0;
    this.applyTx = db.transaction(this.applyAll);
    this.reads = new StoreQueries(db);
    this.setAside = new SetAside(db, sealer);
    this.stmt = {
      promptInsert: db.prepare(
        `INSERT INTO prompts (id, transaction_id, mode, service, departments, clerk, citizen_sealed, status, opened_at, expires_at, facts, source)
         VALUES (@id, @transaction_id, @mode, @service, @departments, @clerk, @citizen_sealed, @status, @opened_at, @expires_at, @facts, @source)`,
      ),
      promptStatus: db.prepare('UPDATE prompts SET status = ? WHERE id = ?'),
      // Once the prompt has left the screen its real-name data is of no more use.
      promptEnd: db.prepare('UPDATE prompts SET status = ?, ended_at = ? WHERE id = ?'),
      promptErase: db.prepare(
        'UPDATE prompts SET citizen_sealed = NULL WHERE id = ? AND citizen_sealed IS NOT NULL',
      ),
      // Only a draft may change: a final record may already be on its way to the platform.
      // `training` is set once, at insert: a draft a training terminal began stays training.
      recordPut: db.prepare(
        `INSERT INTO records (prompt_id, id, seq, state, body, personal_sealed, rated_at, final_at, training)
         VALUES (@prompt_id, @id, @seq, ${STATE_WRITTEN}, @body, @personal_sealed, @rated_at, @final_at, @training)
         ON CONFLICT (prompt_id, id) DO UPDATE SET state = excluded.state, body = excluded.body,
           personal_sealed = excluded.personal_sealed, rated_at = excluded.rated_at, final_at = excluded.final_at
         WHERE records.state = 'draft'`,
      ),
      // A recovered draft whose sealed personal data this key cannot open keeps it.
      recordFinalKeepSealed: db.prepare(
        `UPDATE records SET state = @state, body = @body, rated_at = @rated_at, final_at = @final_at
         WHERE prompt_id = @prompt_id AND id = @id AND state = 'draft'`,
      ),
      settingPut: db.prepare(
        'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ),
      settingDelete: db.prepare('DELETE FROM settings WHERE key = ?'),
      // One statement, so a number is taken once even by two processes on one file.
      sequenceNext: db
        .prepare(
          `INSERT INTO settings (key, value) VALUES (?, '1')
           ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1 RETURNING value`,
        )
        .pluck(),
      countErasure: db.prepare(COUNT_ERASURE_SQL),
      maxSeq: db.prepare('SELECT COALESCE(MAX(seq), 0) FROM records').pluck(),
      sealedRecords: db.prepare('SELECT COUNT(*) FROM records WHERE personal_sealed IS NOT NULL').pluck(),
    };
    // A new key has just been made: everything sealed so far is under the old one.
    this.keyFault = options.movedKey
      ? { movedAside: options.movedKey, unreadableRecords: this.stmt.sealedRecords.get() as number }
      : null;
  }

  /**
   * Opens the store as its owner: makes the key and the database when missing, checks
   * them, moves a damaged one aside, migrates. One owner per database file.
   */
  static open(options: StoreOptions): RatingStore {
    const key = loadOrCreateKey(options.keyFile);
    const { db, movedAside } = openDatabase(options.path);
    const sealer = createSealer(key.key);
    try {
      // Words an earlier version kept in the clear (migration 005).
      sealClearWords(db, sealer);
    } catch (err) {
      db.close();
      throw new StoreUnavailableError(
        `cannot seal the platform's messages in ${options.path}: ${describeIoError(err)}`,
      );
    }
    const store = new RatingStore(options.path, db, movedAside, sealer, {
      training: options.training ?? false,
      movedKey: key.movedAside,
      keyFile: options.keyFile,
      role: 'owner',
    });
    store.seq = store.stmt.maxSeq.get() as number;
    return store;
  }

  /**
   * A further connection to a store its owner has opened (the forwarder's): never
   * creates, checks, migrates or moves a file. Throws until the owner has opened it.
   */
  static attach(options: StoreOptions): RatingStore {
    const sealer = createSealer(readExistingKey(options.keyFile));
    const db = attachDatabase(options.path);
    const store = new RatingStore(options.path, db, null, sealer, {
      training: options.training ?? false,
      movedKey: null,
      keyFile: options.keyFile,
      role: 'attached',
    });
    store.seq = store.stmt.maxSeq.get() as number;
    return store;
  }

  private readonly applyAll = (ops: readonly StoreOp[]) => {
    for (const op of ops) this.applyOne(op);
  };
  private readonly applyTx;
  /** The last seq given; read once at open (a scan there saves an index on every commit). */
  private seq = 0;
  private commitsSinceCheckpoint = 0;
  /** Personal data was erased: the WAL still holds it until a truncating checkpoint. */
  private erasedSinceCheckpoint = false;

  /**
   * Applies one step's ops in one transaction: all of them are on disk, or none. Throws
   * StoreReplacedError, writing nothing, when the path no longer names this file
   * (StoreUnavailableError when it cannot be looked at). `at`:
   * the step's time, kept as final_at of each record that becomes final in it (the
   * moment it is queued, by which the hourly counts place it); without it, the
   * rating's own time.
   */
  apply(ops: readonly StoreOp[], at?: number): void {
    this.guard();
    this.applyAt = at;
    try {
      this.applyTx(ops);
    } finally {
      this.applyAt = undefined;
    }
    this.commitsSinceCheckpoint++;
  }

  private applyAt: number | undefined;

  /**
   * null while the path names the file this connection has open; once it names another
   * file or none, or cannot be looked at, what is wrong, for the store fault
   * (src/store/replaced-store.ts). A stat: cheap enough before every commit.
   */
  checkFile(): string | null {
    return this.watch.check()?.message ?? null;
  }

  /** Throws StoreReplacedError for a replaced or deleted file, StoreUnavailableError for a path that cannot be looked at. */
  private guard(): void {
    const fault = this.watch.check();
    if (fault === null) return;
    throw fault.replaced ? new StoreReplacedError(fault.message) : new StoreUnavailableError(fault.message);
  }

  /** Who hears of records set aside as unusable (start-up recovery, the forwarder's claim). */
  onSetAside(listener: SetAsideListener | null): void {
    this.setAside.listen(listener);
  }

  private applyOne(op: StoreOp): void {
    switch (op.op) {
      case 'prompt_open': {
        const p = op.prompt;
        this.stmt.promptInsert.run({
          id: p.id,
          transaction_id: p.transactionId,
          mode: p.mode,
          service: JSON.stringify(p.service),
          departments: JSON.stringify(p.departments),
          clerk: p.clerk ? JSON.stringify(p.clerk) : null,
          citizen_sealed: p.citizen ? this.sealer.seal(JSON.stringify(p.citizen)) : null,
          status: p.status,
          opened_at: p.openedAt,
          expires_at: p.expiresAt,
          facts: JSON.stringify(p.facts),
          source: p.source,
        });
        return;
      }
      case 'prompt_status':
        this.stmt.promptStatus.run(op.status, op.id);
        return;
      case 'prompt_end':
        this.stmt.promptEnd.run(op.status, op.at, op.id);
        // Once the prompt has left the screen its real-name data is of no more use.
        if (this.stmt.promptErase.run(op.id).changes > 0) {
          this.erasedSinceCheckpoint = true;
          this.stmt.countErasure.run();
        }
        return;
      case 'records_put':
        for (const r of op.records) {
          const row = {
            id: r.id,
            prompt_id: r.promptId,
            state: r.final ? 'pending' : 'draft',
            ...encodeRecord(r, this.sealer),
            rated_at: r.ratedAt,
            final_at: r.final ? (this.applyAt ?? r.ratedAt) : null,
          };
          const key = `${r.promptId}\u0000${r.id}`;
          if (this.keepSealed.delete(key) && r.citizen === null) {
            const { personal_sealed: _dropped, ...kept } = row;
            this.stmt.recordFinalKeepSealed.run(kept);
            continue;
          }
          // seq is only used when the row is new (an update keeps its place in the queue); gaps are harmless.
          this.stmt.recordPut.run({ ...row, seq: ++this.seq, training: this.training });
        }
        return;
      case 'clerk':
        if (op.clerk) this.stmt.settingPut.run('clerk', JSON.stringify(op.clerk));
        else this.stmt.settingDelete.run('clerk');
        return;
      case 'invite_seq':
        this.stmt.settingPut.run('invite_seq', String(op.value));
        return;
    }
  }

  /** The next number of a counter kept in the store (1, 2, …): never given twice, even across restarts. */
  nextSequence(key: string): number {
    return Number(this.stmt.sequenceNext.get(key));
  }

  isTransactionRated(transactionId: string): boolean {
    return this.reads.isTransactionRated(transactionId);
  }

  getPrompt(id: string): PromptSummary | null {
    return this.reads.getPrompt(id);
  }

  /**
   * What a restart must pick up: the clerk, unfinished 差评 and prompts left on screen. A
   * draft that cannot be read is set aside (the listener hears of it), a prompt that
   * cannot be read is ended (`unreadablePrompts`); the rest is picked up as ever.
   */
  recovery(now: number = Date.now()): RecoveryFacts & { unreadablePrompts: string[] } {
    this.guard();
    this.recoveryOps ??= new Recovery(this.db, this.sealer, this.setAside);
    const read = this.recoveryOps.read(now);
    this.keepSealed.clear();
    for (const k of read.keepSealed) this.keepSealed.add(`${k.promptId}\u0000${k.id}`);
    return { ...read.facts, unreadablePrompts: read.endedUnreadable };
  }

  private recoveryOps: Recovery | null = null;

  counts(): QueueCounts {
    return this.reads.counts();
  }

  /** Ratings given before their prompt's serviceTime, rated at or after `since`. */
  clockSkew(since: number): ClockSkewSummary {
    return this.reads.clockSkew(since);
  }

  /** When the oldest record waiting for the platform was committed final; null when none waits. */
  oldestPendingAt(): number | null {
    return this.reads.oldestPendingAt();
  }

  /** Records kept marked training (a training terminal's, or the built-in DEV-0001's): never sent. */
  trainingRecords(): number {
    return this.reads.trainingRecords();
  }

  /** The hall's hourly counts (src/store/stats-queries.ts), on this connection. */
  stats(): StatsQueries {
    this.statsOps ??= new StatsQueries(this.db);
    return this.statsOps;
  }

  private statsOps: StatsQueries | null = null;

  /** The forwarder's operations on the records table, on this connection. */
  outbox(): Outbox {
    this.outboxOps ??= new Outbox(this.db, this.sealer, {
      guard: () => this.guard(),
      keyFaultKnown: this.keyFaultKnown,
      setAside: this.setAside,
    });
    return this.outboxOps;
  }

  /**
   * Copies the WAL back into the database when enough commits have piled up. Called
   * when the terminal is idle, so no citizen's press waits for a checkpoint.
   */
  checkpointIfDue(): boolean {
    if (this.checkFile() !== null) return false;
    if (this.erasedSinceCheckpoint) {
      // Erased data is overwritten in the database (secure_delete), but older copies of
      // its pages stay in the WAL until it is emptied.
      if (truncateWal(this.db)) this.erasedSinceCheckpoint = false;
      this.commitsSinceCheckpoint = 0;
      return true;
    }
    if (this.commitsSinceCheckpoint < CHECKPOINT_EVERY_COMMITS) return false;
    this.db.pragma('wal_checkpoint(PASSIVE)');
    this.commitsSinceCheckpoint = 0;
    return true;
  }

  /** Personal data was erased (here or by the forwarder) since the last compaction. */
  compactionPending(): boolean {
    return this.compactor().pending();
  }

  /**
   * Rebuilds every page so that no old copy of erased personal data survives in a
   * page's unused middle, then empties the WAL (src/store/compaction.ts). The owner
   * only, at an idle moment: it holds the database for the whole rebuild. Throws on
   * SQLITE_BUSY / SQLITE_FULL, with nothing changed; the caller tries again later.
   */
  compact(now: () => number = Date.now): CompactionResult {
    this.guard();
    const result = this.compactor().compact(now);
    this.erasedSinceCheckpoint = false;
    this.commitsSinceCheckpoint = 0;
    return result;
  }

  /** Pages on the free list: none after a compaction. */
  freePages(): number {
    return this.db.pragma('freelist_count', { simple: true }) as number;
  }

  private compactorOps: Compactor | null = null;
  private compactor(): Compactor {
    this.compactorOps ??= new Compactor(this.db);
    return this.compactorOps;
  }

  durability(): DurabilitySettings {
    const sync = ['OFF', 'NORMAL', 'FULL', 'EXTRA'] as const;
    return {
      journalMode: String(this.db.pragma('journal_mode', { simple: true })),
      synchronous: sync[this.db.pragma('synchronous', { simple: true }) as number] ?? 'OFF',
      secureDelete: this.db.pragma('secure_delete', { simple: true }) === 1,
    };
  }

  /** A real write, to learn whether the disk takes data again after a fault. */
  probe(now: number): void {
    this.guard();
    this.stmt.settingPut.run('probe', String(now));
  }

  integrityCheck(): string {
    return String(this.db.pragma('integrity_check', { simple: true }));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
