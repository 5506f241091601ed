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
// the retention. Local records (state `local`: a GWQ rating, which its business system
// reports itself) are outside it in the same way, and pruned like delivered ones.
//
// The platform's words about a record (its refusal, the last failure) are sealed like the
// personal data, erased with it on delivery, and listed only with that record's personal
// data blanked in every form (src/core/personal-forms.ts).

import type Database from 'better-sqlite3';
import type { RatingRecord } from '../core/model.js';
import { scrubPersonal } from '../core/personal-data.js';
import { COUNT_ERASURE_SQL } from './compaction.js';
import { LOCAL_DRAFT } from './local-records.js';
import { truncateWal } from './open.js';
import {
  type DecodedRecord,
  decodeRecord,
  openCitizen,
  openWords,
  type StoredRecordRow,
  sealWords,
  UNOPENABLE_PERSONAL_DATA,
  UNREADABLE_RECORD,
} from './record-row.js';
import type { Sealer } from './seal.js';
import type { SetAside, SetAsideNote } from './set-aside.js';

export { UNOPENABLE_PERSONAL_DATA, UNREADABLE_RECORD } from './record-row.js';

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

interface ClaimRow extends StoredRecordRow {
  seq: number;
  attempts: number;
}

interface RejectedRow extends StoredRecordRow {
  reject_code: string | null;
  reject_message: string | null;
  reject_message_sealed: Buffer | null;
  prompt_citizen: Buffer | null;
}

/** What the outbox needs of the store it belongs to. */
export interface OutboxContext {
  /** Throws when the database file was replaced or deleted (src/store/file-identity.ts): nothing is written then. */
  guard: () => void;
  /**
   * A damaged key file was moved aside: personal data this key cannot open was sealed
   * under the lost one, and such records go without it (src/store/seal.ts). Without a
   * key fault, such a record is set aside until the right key is back.
   */
  keyFaultKnown: boolean;
  setAside: SetAside;
}

export class Outbox implements OutboxStore {
  private readonly stmt;
  private readonly claimTx;
  /** Personal data was erased: the WAL still holds it until a truncating checkpoint. */
  private eraseUnflushed = false;

  constructor(
    private readonly db: Database.Database,
    private readonly sealer: Sealer,
    private readonly context: OutboxContext,
  ) {
    this.stmt = {
      // The records_outbox index (state, training, seq) serves the order; leased rows are skipped.
      candidates: db.prepare(
        `SELECT prompt_id, id, state, seq, attempts, body, personal_sealed FROM records
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
      // The platform's words go with it: they may quote the citizen.
      eraseWords: db.prepare(
        `UPDATE records SET last_error_sealed = NULL, reject_message_sealed = NULL
         WHERE prompt_id = ? AND id = ? AND state = 'pending'
           AND (last_error_sealed IS NOT NULL OR reject_message_sealed IS NOT NULL)`,
      ),
      // Tells the owner, durably and in the same transaction, that a compaction is due.
      countErasure: db.prepare(COUNT_ERASURE_SQL),
      delivered: db.prepare(
        `UPDATE records SET state = 'delivered', delivered_at = ?, personal_sealed = NULL,
           lease_until = NULL, last_error = NULL
         WHERE prompt_id = ? AND id = ? AND state = 'pending'`,
      ),
      rejected: db.prepare(
        `UPDATE records SET state = 'rejected', reject_code = ?, reject_message_sealed = ?,
           reject_message = NULL, lease_until = NULL
         WHERE prompt_id = ? AND id = ? AND state = 'pending'`,
      ),
      release: db.prepare(
        `UPDATE records SET lease_until = NULL, attempts = attempts + 1, last_error_sealed = ?, last_error = NULL
         WHERE prompt_id = ? AND id = ? AND state = 'pending'`,
      ),
      // A record whose body cannot be read stays set aside: sending it again cannot work.
      requeueAll: db.prepare(
        `UPDATE records SET state = 'pending', reject_code = NULL, reject_message = NULL,
           reject_message_sealed = NULL, attempts = 0, last_error = NULL, last_error_sealed = NULL,
           lease_until = NULL
         WHERE state = 'rejected' AND training = 0 AND reject_code IS NOT '${UNREADABLE_RECORD}'`,
      ),
      requeueOne: db.prepare(
        `UPDATE records SET state = 'pending', reject_code = NULL, reject_message = NULL,
           reject_message_sealed = NULL, attempts = 0, last_error = NULL, last_error_sealed = NULL,
           lease_until = NULL
         WHERE prompt_id = ? AND id = ? AND state = 'rejected' AND training = 0
           AND reject_code IS NOT '${UNREADABLE_RECORD}'`,
      ),
      // Set aside because this key could not open their personal data.
      unopenable: db.prepare(
        `SELECT prompt_id, id, personal_sealed FROM records
         WHERE state = 'rejected' AND training = 0 AND reject_code = '${UNOPENABLE_PERSONAL_DATA}'`,
      ),
      dropSealed: db.prepare(
        `UPDATE records SET personal_sealed = NULL WHERE prompt_id = ? AND id = ? AND personal_sealed IS NOT NULL`,
      ),
      count: db.prepare('SELECT COUNT(*) FROM records WHERE state = ? AND training = 0').pluck(),
      // Queued from the commit, drafts included (see QueueCounts.pending in queries.ts).
      queued: db
        .prepare(
          `SELECT (SELECT COUNT(*) FROM records WHERE state = 'pending' AND training = 0)
                + (SELECT COUNT(*) FROM records WHERE state = 'draft' AND training = 0 AND NOT ${LOCAL_DRAFT})`,
        )
        .pluck(),
      listRejected: db.prepare(
        `SELECT r.prompt_id, r.id, r.state, r.body, r.personal_sealed, r.reject_code, r.reject_message,
           r.reject_message_sealed, p.citizen_sealed AS prompt_citizen
         FROM records r LEFT JOIN prompts p ON p.id = r.prompt_id
         WHERE r.state = 'rejected' AND r.training = 0 ORDER BY r.seq LIMIT ?`,
      ),
      nextExpiry: db
        .prepare(`SELECT MIN(lease_until) FROM records WHERE state = 'pending' AND lease_until > ?`)
        .pluck(),
      pruneRecords: db.prepare(`DELETE FROM records WHERE state = 'delivered' AND delivered_at < ?`),
      // Kept on the terminal only (a GWQ rating): gone after the same retention as a delivered one.
      pruneLocal: db.prepare(`DELETE FROM records WHERE state = 'local' AND final_at < ?`),
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
    this.claimTx = db.transaction((limit: number, now: number, leaseMs: number, notes: SetAsideNote[]) => {
      const items: OutboxItem[] = [];
      for (const row of this.stmt.candidates.all(now, limit) as ClaimRow[]) {
        // A row no program of ours wrote (a disk fault, a hand edit, another terminal's key)
        // cannot be sent, and must not stop the queue behind it: set aside, kept for a technician.
        const decoded = decodeRecord(row, this.sealer);
        const note = this.unusable(row, decoded);
        if (note || !decoded.readable) {
          if (note && this.context.setAside.mark(note)) notes.push(note);
          continue;
        }
        this.stmt.lease.run(now + leaseMs, row.prompt_id, row.id);
        items.push({ seq: row.seq, attempts: row.attempts, record: { ...decoded.record, final: true } });
      }
      return items;
    });
  }

  /** Why a claimed row cannot be sent, as a set-aside note; null when it can. */
  private unusable(row: ClaimRow, decoded: DecodedRecord): SetAsideNote | null {
    const key = { promptId: row.prompt_id, id: row.id };
    if (!decoded.readable) {
      return {
        ...key,
        code: UNREADABLE_RECORD,
        why: `the stored record cannot be read: ${decoded.why}; it cannot be sent and is kept as it is for examination`,
      };
    }
    if (decoded.personalUnopenable && !this.context.keyFaultKnown) {
      return {
        ...key,
        code: UNOPENABLE_PERSONAL_DATA,
        why: "the record's personal data was sealed under another key file than this terminal's: restore that key file and press 重新发送 to send it whole, or press 重新发送 without it to send the rating without the personal data",
      };
    }
    return null;
  }

  claim(limit: number, now: number, leaseMs: number): OutboxItem[] {
    if (limit <= 0) return [];
    this.context.guard();
    // A lease only keeps a live forwarder beside this one off the same records: a power
    // cut ends both, and a lease it took with it only holds the records back after the
    // reboot. So the claim's commit is not fsynced: the next synced commit (the delivered
    // mark, any rating) syncs the WAL with it. That was one fsync of the two per batch,
    // half of a one-call-a-rating drain. Other processes see the lease at once either way.
    this.db.pragma('synchronous = NORMAL');
    const notes: SetAsideNote[] = [];
    let items: OutboxItem[];
    try {
      items = this.claimTx.immediate(limit, now, leaseMs, notes);
    } finally {
      this.db.pragma('synchronous = FULL');
    }
    this.context.setAside.tell(notes);
    return items;
  }

  extendLease(keys: readonly RecordKey[], until: number): void {
    this.context.guard();
    this.each(keys, (k) => this.stmt.lease.run(until, k.promptId, k.id));
  }

  /** Only on `accepted` or `duplicate`: a delivered record is never sent again. */
  markDelivered(keys: readonly RecordKey[], now: number): void {
    this.context.guard();
    let erased = 0;
    this.each(
      keys,
      (k) => {
        erased += this.stmt.erase.run(k.promptId, k.id).changes;
        erased += this.stmt.eraseWords.run(k.promptId, k.id).changes;
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
    this.context.guard();
    this.stmt.rejected.run(code, sealWords(message, this.sealer), key.promptId, key.id);
  }

  /** A transient failure: the records go back to the queue, their place in it kept. */
  release(keys: readonly RecordKey[], error: string): void {
    this.context.guard();
    const sealed = sealWords(error, this.sealer);
    this.each(keys, (k) => this.stmt.release.run(sealed, k.promptId, k.id));
  }

  /**
   * After the cause of a rejection is fixed: the records are sent again, in their old
   * place. One set aside because this key could not open its personal data goes whole if
   * the right key file is back, else without the personal data (the technician's choice:
   * diagnostics said so). One whose body cannot be read stays set aside.
   */
  requeueRejected(keys?: readonly RecordKey[]): number {
    this.context.guard();
    const wanted = keys === undefined ? null : new Set(keys.map((k) => `${k.promptId}\u0000${k.id}`));
    return this.db.transaction(() => {
      let erased = 0;
      for (const r of this.stmt.unopenable.all() as StoredRecordRow[]) {
        if (wanted && !wanted.has(`${r.prompt_id}\u0000${r.id}`)) continue;
        if (openCitizen(r.personal_sealed, this.sealer) === null) {
          erased += this.stmt.dropSealed.run(r.prompt_id, r.id).changes;
        }
      }
      if (erased > 0) this.stmt.countErasure.run();
      if (keys === undefined) return this.stmt.requeueAll.run().changes;
      let changed = 0;
      for (const k of keys) changed += this.stmt.requeueOne.run(k.promptId, k.id).changes;
      return changed;
    })();
  }

  counts(): OutboxCounts {
    return {
      pending: this.stmt.queued.get() as number,
      rejected: this.stmt.count.get('rejected') as number,
    };
  }

  /**
   * For diagnostics: the set-aside records with the platform's code and message, the
   * message with this record's personal data (its own, and its prompt's while kept)
   * blanked in whatever form the platform wrote it.
   */
  rejected(limit = 100): RejectedRecord[] {
    return (this.stmt.listRejected.all(limit) as RejectedRow[]).map((r) => {
      const decoded = decodeRecord(r, null);
      const words = openWords(r.reject_message_sealed, r.reject_message, this.sealer);
      const citizens = [
        openCitizen(r.personal_sealed, this.sealer),
        openCitizen(r.prompt_citizen, this.sealer),
      ];
      return {
        promptId: r.prompt_id,
        id: r.id,
        transactionId: decoded.readable ? decoded.record.transactionId : '',
        ratedAt: decoded.readable ? decoded.record.ratedAt : 0,
        code: r.reject_code ?? '',
        message: scrubPersonal(words, citizens),
      };
    });
  }

  nextLeaseExpiry(now: number): number | null {
    return (this.stmt.nextExpiry.get(now) as number | null) ?? null;
  }

  /** Drops delivered, local and training records older than the retention, then the prompts left with none. */
  prune(now: number, retentionDays: number): PruneResult {
    this.context.guard();
    const cutoff = now - retentionDays * DAY_MS;
    return this.db.transaction(() => ({
      records:
        this.stmt.pruneRecords.run(cutoff).changes +
        this.stmt.pruneLocal.run(cutoff).changes +
        this.stmt.pruneTraining.run(cutoff).changes,
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
}
