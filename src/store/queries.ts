// The store's read queries: a prompt's summary, the queue's counts and the diagnostics'
// questions. They read; the write path is src/store/store.ts, what a restart picks up
// src/store/recovery.ts. A row that cannot be read is left out, never thrown on.

import type Database from 'better-sqlite3';
import type { PromptSource, PromptStatus } from '../core/model.js';
import type { ClockSkewSummary, PromptSummary, QueueCounts } from '../core/summaries.js';
import { LOCAL_DRAFT } from './local-records.js';
import { decodeRecord, type StoredRecordRow } from './record-row.js';

interface PromptRow {
  id: string;
  transaction_id: string;
  status: string;
  opened_at: number;
  expires_at: number;
  ended_at: number | null;
  source: string;
}

export class StoreQueries {
  private readonly stmt;

  constructor(db: Database.Database) {
    this.stmt = {
      rated: db
        .prepare(`SELECT 1 FROM prompts WHERE transaction_id = ? AND status = 'rated' LIMIT 1`)
        .pluck(),
      promptGet: db.prepare('SELECT * FROM prompts WHERE id = ?'),
      // The personal data stays sealed: a summary never carries it.
      recordsOfPrompt: db.prepare(
        'SELECT prompt_id, id, state, body, NULL AS personal_sealed FROM records WHERE prompt_id = ? ORDER BY seq',
      ),
      // Training records wait for no platform: they are counted apart.
      // Local records (a GWQ rating) are meant for no platform: not counted here.
      counts: db.prepare(
        `SELECT state, COUNT(*) AS n FROM records WHERE training = 0 AND state <> 'local' AND NOT ${LOCAL_DRAFT}
         GROUP BY state`,
      ),
      trainingCount: db.prepare('SELECT COUNT(*) FROM records WHERE training = 1').pluck(),
      // For diagnostics only: a scan (no index on the rated_at or the flags, which every
      // rating would have to update). instr() spares most rows the JSON parse; CASE keeps a
      // body that is not JSON from throwing.
      clockSkew: db.prepare(
        `SELECT prompt_id, id, state, body, NULL AS personal_sealed, rated_at, COUNT(*) OVER () AS n FROM records
         WHERE rated_at >= ? AND instr(body, '"clock_skew"') > 0
           AND CASE WHEN json_valid(body)
             THEN EXISTS (SELECT 1 FROM json_each(body, '$.flags') WHERE value = 'clock_skew') ELSE 0 END
         ORDER BY rated_at DESC LIMIT 1`,
      ),
      // The outbox index's order: the oldest queued record is the first one by seq of its
      // state; a draft (queued from its commit, as counted) by when it was rated.
      oldestPending: db
        .prepare(
          `SELECT MIN(at) FROM (
             SELECT * FROM (SELECT final_at AS at FROM records
               WHERE state = 'pending' AND training = 0 ORDER BY seq LIMIT 1)
             UNION ALL
             SELECT * FROM (SELECT rated_at AS at FROM records
               WHERE state = 'draft' AND training = 0 AND NOT ${LOCAL_DRAFT} ORDER BY seq LIMIT 1))`,
        )
        .pluck(),
    };
  }

  isTransactionRated(transactionId: string): boolean {
    return this.stmt.rated.get(transactionId) !== undefined;
  }

  getPrompt(id: string): PromptSummary | null {
    const row = this.stmt.promptGet.get(id) as PromptRow | undefined;
    if (!row) return null;
    // A record that cannot be read is left out here; start-up or the forwarder sets it aside.
    const records = (this.stmt.recordsOfPrompt.all(id) as StoredRecordRow[]).flatMap((r) => {
      const decoded = decodeRecord(r, null);
      return decoded.readable ? [decoded.record] : [];
    });
    return {
      id: row.id,
      transactionId: row.transaction_id,
      status: row.status as PromptStatus,
      source: row.source as PromptSource,
      openedAt: row.opened_at,
      expiresAt: row.expires_at,
      endedAt: row.ended_at,
      records,
    };
  }

  counts(): QueueCounts {
    const counts: QueueCounts = { draft: 0, pending: 0, delivered: 0, rejected: 0 };
    for (const row of this.stmt.counts.all() as { state: keyof QueueCounts; n: number }[])
      counts[row.state] = row.n;
    counts.pending += counts.draft;
    return counts;
  }

  /** Ratings given before their prompt's serviceTime, rated at or after `since`. */
  clockSkew(since: number): ClockSkewSummary {
    const first = this.stmt.clockSkew.get(since) as
      | (StoredRecordRow & { rated_at: number; n: number })
      | undefined;
    if (!first) return { ratings: 0, last: null };
    const decoded = decodeRecord(first, null);
    const serviceTime = decoded.readable ? (decoded.record.serviceTime ?? '') : '';
    return { ratings: first.n, last: { promptId: first.prompt_id, ratedAt: first.rated_at, serviceTime } };
  }

  /** When the oldest record waiting for the platform was committed final; null when none waits. */
  oldestPendingAt(): number | null {
    const at = this.stmt.oldestPending.get() as number | null | undefined;
    return at ?? null;
  }

  /** Records kept marked training (a training terminal's, or the built-in DEV-0001's): never sent. */
  trainingRecords(): number {
    return this.stmt.trainingCount.get() as number;
  }
}
