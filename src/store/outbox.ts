// The records table seen as an outbox: what the forwarder claims, and what it learns
// from the platform. A claim is a lease with an expiry rather than a state, so a
// forwarder killed mid-send neither loses its records (the lease runs out and they
// are claimed again) nor wedges them (nothing has to clear a flag).
//
// Rows are addressed by their primary key (prompt_id, id): the table has no index on
// id alone, and a scan per update would grow with the history kept.
//
// Training records (a training terminal's, and the built-in DEV-0001's) are outside the
// outbox: never claimed, whatever the current configuration says, not counted as
// waiting, not listed as rejected, never re-queued; pruned like delivered ones once past
// the retention.

import type Database from 'better-sqlite3';
import type { Citizen, RatingRecord } from '../core/model.js';
import { COUNT_ERASURE_SQL } from './compaction.js';
import { truncateWal } from './open.js';
import type { Sealer } from './seal.js';

/** A final record as the forwarder sends it, personal data unsealed when it carries any. */
export interface OutboxItem {
  seq: number;
  attempts: number;
  record: RatingRecord;
}

export interface RecordKey {
  promptId: string;
  id: string;
}

export interface RejectedRecord {
  promptId: string;
  id: string;
  transactionId: string;
  ratedAt: number;
  code: string;
  message: string;
}

export interface OutboxCounts {
  /** Waiting for the platform from the rating's commit, drafts included. */
  pending: number;
  rejected: number;
}

export interface PruneResult {
  records: number;
  prompts: number;
}

/** What the forwarder needs of the outbox; an in-memory version stands in for it in unit tests. */
export interface OutboxStore {
  /** Leases up to `limit` of the oldest pending records not leased by anyone, oldest first. */
  claim(limit: number, now: number, leaseMs: number): OutboxItem[];
  extendLease(keys: readonly RecordKey[], until: number): void;
  markDelivered(keys: readonly RecordKey[], now: number): void;
  markRejected(key: RecordKey, code: string, message: string): void;
  release(keys: readonly RecordKey[], error: string): void;
  counts(): OutboxCounts;
  /** The earliest time a lease held on a pending record runs out, if any does after `now`. */
  nextLeaseExpiry(now: number): number | null;
}

const DAY_MS = 86_400_000;

interface ClaimRow {
  prompt_id: string;
  id: string;
  seq: number;
  attempts: number;
  body: string;
  personal_sealed: Buffer | null;
}

type RecordBody = Omit<RatingRecord, 'citizen' | 'final'>;

export class Outbox implements OutboxStore {
  private readonly stmt;
  private readonly claimTx;
  /** Personal data was erased: the WAL still holds it until a truncating checkpoint. */
  private eraseUnflushed = false;

  constructor(
    private readonly db: Database.Database,
    private readonly sealer: Sealer,
  ) {
    this.stmt = {
      // The records_outbox index (state, training, seq) serves the order; leased rows are skipped.
      candidates: db.prepare(
        `SELECT prompt_id, id, seq, attempts, body, personal_sealed FROM records
         WHERE state = 'pending' AND training = 0 AND (lease_until IS NULL OR lease_until <= ?)
         ORDER BY seq LIMIT ?`,
      ),
      lease: db.prepare(
        `UPDATE records SET lease_until = ? WHERE prompt_id = ? AND id = ? AND state = 'pending'`,
      ),
      // The platform holds the rating now: the citizen's sealed data has no more use here.
      erase: db.prepare(
        `UPDATE records SET personal_sealed = NULL
         WHERE prompt_id = ? AND id = ? AND state = 'pending' AND personal_sealed IS NOT NULL`,
      ),
      // Tells the owner, durably and in the same transaction, that a compaction is due.
      countErasure: db.prepare(COUNT_ERASURE_SQL),
      delivered: db.prepare(
        `UPDATE records SET state = 'delivered', delivered_at = ?, personal_sealed = NULL,
           lease_until = NULL, last_error = NULL
         WHERE prompt_id = ? AND id = ? AND state = 'pending'`,
      ),
      rejected: db.prepare(
        `UPDATE records SET state = 'rejected', reject_code = ?, reject_message = ?, lease_until = NULL
         WHERE prompt_id = ? AND id = ? AND state = 'pending'`,
      ),
      release: db.prepare(
        `UPDATE records SET lease_until = NULL, attempts = attempts + 1, last_error = ?
         WHERE prompt_id = ? AND id = ? AND state = 'pending'`,
      ),
      requeueAll: db.prepare(
        `UPDATE records SET state = 'pending', reject_code = NULL, reject_message = NULL,
           attempts = 0, last_error = NULL, lease_until = NULL
         WHERE state = 'rejected' AND training = 0`,
      ),
      requeueOne: db.prepare(
        `UPDATE records SET state = 'pending', reject_code = NULL, reject_message = NULL,
           attempts = 0, last_error = NULL, lease_until = NULL
         WHERE prompt_id = ? AND id = ? AND state = 'rejected' AND training = 0`,
      ),
      count: db.prepare('SELECT COUNT(*) FROM records WHERE state = ? AND training = 0').pluck(),
      // Queued from the commit, drafts included (see QueueCounts.pending in queries.ts).
      queued: db
        .prepare(
          `SELECT (SELECT COUNT(*) FROM records WHERE state = 'pending' AND training = 0)
                + (SELECT COUNT(*) FROM records WHERE state = 'draft' AND training = 0)`,
        )
        .pluck(),
      listRejected: db.prepare(
        `SELECT prompt_id, id, body, reject_code, reject_message FROM records
         WHERE state = 'rejected' AND training = 0 ORDER BY seq LIMIT ?`,
      ),
      nextExpiry: db
        .prepare(`SELECT MIN(lease_until) FROM records WHERE state = 'pending' AND lease_until > ?`)
        .pluck(),
      pruneRecords: db.prepare(`DELETE FROM records WHERE state = 'delivered' AND delivered_at < ?`),
      // Final training records go after the same retention: nothing will ever send them.
      pruneTraining: db.prepare(
        `DELETE FROM records WHERE training = 1 AND state <> 'draft' AND final_at IS NOT NULL AND final_at < ?`,
      ),
      // A prompt goes once nothing of it is left to send or to show: ended long enough ago,
      // and no record of it remaining (every one delivered and pruned, or none made).
      prunePrompts: db.prepare(
        `DELETE FROM prompts WHERE ended_at IS NOT NULL AND ended_at < ?
           AND NOT EXISTS (SELECT 1 FROM records WHERE records.prompt_id = prompts.id)`,
      ),
    };
    // IMMEDIATE: two forwarders on one database (a restart racing a dying process)
    // must not both read the same rows as free before either writes its lease.
    this.claimTx = db.transaction((limit: number, now: number, leaseMs: number) => {
      const items: OutboxItem[] = [];
      for (const row of this.stmt.candidates.all(now, limit) as ClaimRow[]) {
        const body = parseBody(row.body);
        if (body === null) {
          // A row no program of ours wrote (a disk fault, a hand edit): it cannot be sent,
          // and must not stop the queue behind it. Set aside, kept for a technician.
          this.stmt.rejected.run(
            UNREADABLE_RECORD,
            'the stored record is not readable',
            row.prompt_id,
            row.id,
          );
          continue;
        }
        const citizen = this.unseal(row);
        this.stmt.lease.run(now + leaseMs, row.prompt_id, row.id);
        items.push({ seq: row.seq, attempts: row.attempts, record: { ...body, citizen, final: true } });
      }
      return items;
    });
  }

  claim(limit: number, now: number, leaseMs: number): OutboxItem[] {
    if (limit <= 0) return [];
    // A lease only keeps a live forwarder beside this one off the same records: a power
    // cut ends both, and a lease it took with it only holds the records back after the
    // reboot. So the claim's commit is not fsynced: the next synced commit (the delivered
    // mark, any rating) syncs the WAL with it. That was one fsync of the two per batch,
    // half of a one-call-a-rating drain. Other processes see the lease at once either way.
    this.db.pragma('synchronous = NORMAL');
    try {
      return this.claimTx.immediate(limit, now, leaseMs);
    } finally {
      this.db.pragma('synchronous = FULL');
    }
  }

  extendLease(keys: readonly RecordKey[], until: number): void {
    this.each(keys, (k) => this.stmt.lease.run(until, k.promptId, k.id));
  }

  /** Only on `accepted` or `duplicate`: a delivered record is never sent again. */
  markDelivered(keys: readonly RecordKey[], now: number): void {
    let erased = 0;
    this.each(
      keys,
      (k) => {
        erased += this.stmt.erase.run(k.promptId, k.id).changes;
        this.stmt.delivered.run(now, k.promptId, k.id);
      },
      () => {
        if (erased > 0) this.stmt.countErasure.run();
      },
    );
    if (erased > 0) this.eraseUnflushed = true;
    // secure_delete overwrote the data in the database's cells; older copies of those
    // pages stay in the WAL until it is emptied (a reader elsewhere may delay that to
    // the next batch), and copies left in the unused middle of rebuilt pages until the
    // owner compacts (src/store/compaction.ts; the count above tells it to).
    if (this.eraseUnflushed && truncateWal(this.db)) this.eraseUnflushed = false;
  }

  /** Set aside with the platform's reason; kept, and not sent again until re-queued. */
  markRejected(key: RecordKey, code: string, message: string): void {
    this.stmt.rejected.run(code, message, key.promptId, key.id);
  }

  /** A transient failure: the records go back to the queue, their place in it kept. */
  release(keys: readonly RecordKey[], error: string): void {
    this.each(keys, (k) => this.stmt.release.run(error, k.promptId, k.id));
  }

  /** After the cause of a rejection is fixed: the records are sent again, in their old place. */
  requeueRejected(keys?: readonly RecordKey[]): number {
    if (keys === undefined) return this.stmt.requeueAll.run().changes;
    let changed = 0;
    this.each(keys, (k) => {
      changed += this.stmt.requeueOne.run(k.promptId, k.id).changes;
    });
    return changed;
  }

  counts(): OutboxCounts {
    return {
      pending: this.stmt.queued.get() as number,
      rejected: this.stmt.count.get('rejected') as number,
    };
  }

  /** For diagnostics: the set-aside records with the platform's code and message. */
  rejected(limit = 100): RejectedRecord[] {
    const rows = this.stmt.listRejected.all(limit) as {
      prompt_id: string;
      id: string;
      body: string;
      reject_code: string | null;
      reject_message: string | null;
    }[];
    return rows.map((r) => {
      const body = parseBody(r.body);
      return {
        promptId: r.prompt_id,
        id: r.id,
        transactionId: typeof body?.transactionId === 'string' ? body.transactionId : '',
        ratedAt: typeof body?.ratedAt === 'number' ? body.ratedAt : 0,
        code: r.reject_code ?? '',
        message: r.reject_message ?? '',
      };
    });
  }

  nextLeaseExpiry(now: number): number | null {
    return (this.stmt.nextExpiry.get(now) as number | null) ?? null;
  }

  /** Drops delivered (and training) records older than the retention, then the prompts left with none. */
  prune(now: number, retentionDays: number): PruneResult {
    const cutoff = now - retentionDays * DAY_MS;
    return this.db.transaction(() => ({
      records: this.stmt.pruneRecords.run(cutoff).changes + this.stmt.pruneTraining.run(cutoff).changes,
      prompts: this.stmt.prunePrompts.run(cutoff).changes,
    }))();
  }

  private each(keys: readonly RecordKey[], run: (k: RecordKey) => void, last?: () => void): void {
    if (keys.length === 0) return;
    this.db.transaction(() => {
      for (const k of keys) run(k);
      last?.();
    })();
  }

  /**
   * The citizen, or null: none was given, or it was sealed under a key file that was
   * damaged and replaced. Such a record keeps its rating and goes without the
   * personal fields (the owner logged the key fault; doctor and diagnostics show it).
   */
  private unseal(row: ClaimRow): Citizen | null {
    if (!row.personal_sealed) return null;
    try {
      return JSON.parse(this.sealer.open(row.personal_sealed)) as Citizen;
    } catch {
      return null;
    }
  }
}

/** The local code of a record set aside because its stored body cannot be read. */
export const UNREADABLE_RECORD = 'unreadable_record';

/** A stored record body, or null when it is not one (not JSON, not an object). */
function parseBody(text: string): RecordBody | null {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as RecordBody) : null;
  } catch {
    return null;
  }
}
