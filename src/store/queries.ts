// The store's read queries: a prompt's summary, what a restart picks up, the queue's
// counts and the diagnostics' questions. They read; the write path is src/store/store.ts.

import type Database from 'better-sqlite3';
import type {
  Citizen,
  ClerkState,
  PromptRecord,
  PromptSource,
  PromptStatus,
  RatingRecord,
  ServiceFacts,
} from '../core/model.js';
import { resolveFacts } from '../core/service-facts.js';
import type { Sealer } from './seal.js';

export interface PromptSummary {
  id: string;
  transactionId: string;
  status: PromptStatus;
  source: PromptSource;
  openedAt: number;
  expiresAt: number;
  /** When it left the screen; null while it is not final. */
  endedAt: number | null;
  /** Final and draft records of this prompt, without personal data. */
  records: RatingRecord[];
}

export interface RecoveryFacts {
  clerk: ClerkState | null;
  inviteSeq: number;
  drafts: RatingRecord[];
  unfinished: PromptRecord[];
}

/** Records meant for a platform, by state; training records are not among them. */
export interface QueueCounts {
  /** Of `pending`: ratings still on their reasons or indicators screen. */
  draft: number;
  /**
   * Waiting for the platform, counted from the rating's commit: drafts included, so the
   * count rises at the press for a 差评 as for a 好评 (a rise only once the reasons were
   * done would tell them apart).
   */
  pending: number;
  delivered: number;
  rejected: number;
}

/** Ratings flagged `clock_skew` (given before their service's time) since some moment. */
export interface ClockSkewSummary {
  ratings: number;
  /** The latest of them: which prompt, when rated, and the serviceTime it was sent at. */
  last: { promptId: string; ratedAt: number; serviceTime: string } | null;
}

type RecordBody = Omit<RatingRecord, 'citizen' | 'final'>;

interface RecordRow {
  body: string;
  state: string;
  personal_sealed: Buffer | null;
}

interface PromptRow {
  id: string;
  transaction_id: string;
  mode: string;
  service: string;
  departments: string;
  clerk: string | null;
  citizen_sealed: Buffer | null;
  status: string;
  opened_at: number;
  expires_at: number;
  ended_at: number | null;
  facts: string | null;
  source: string;
}

export class StoreQueries {
  private readonly stmt;

  constructor(
    db: Database.Database,
    private readonly sealer: Sealer,
  ) {
    this.stmt = {
      settingGet: db.prepare('SELECT value FROM settings WHERE key = ?').pluck(),
      rated: db
        .prepare(`SELECT 1 FROM prompts WHERE transaction_id = ? AND status = 'rated' LIMIT 1`)
        .pluck(),
      promptGet: db.prepare('SELECT * FROM prompts WHERE id = ?'),
      recordsOfPrompt: db.prepare(
        'SELECT body, state, personal_sealed FROM records WHERE prompt_id = ? ORDER BY seq',
      ),
      drafts: db.prepare(
        `SELECT body, state, personal_sealed FROM records WHERE state = 'draft' ORDER BY seq`,
      ),
      // Read once at start-up: a scan costs less than an index every rating must update.
      unfinished: db.prepare('SELECT * FROM prompts WHERE ended_at IS NULL ORDER BY opened_at'),
      // Training records wait for no platform: they are counted apart.
      counts: db.prepare('SELECT state, COUNT(*) AS n FROM records WHERE training = 0 GROUP BY state'),
      trainingCount: db.prepare('SELECT COUNT(*) FROM records WHERE training = 1').pluck(),
      // For diagnostics only: a scan (no index on the rated_at or the flags, which every
      // rating would have to update). instr() spares most rows the JSON parse; CASE keeps a
      // body that is not JSON from throwing.
      clockSkew: db.prepare(
        `SELECT prompt_id, rated_at, body, COUNT(*) OVER () AS n FROM records
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
               WHERE state = 'draft' AND training = 0 ORDER BY seq LIMIT 1))`,
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
    const records = (this.stmt.recordsOfPrompt.all(id) as RecordRow[]).map((r) => this.toRecord(r, false));
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

  /** What a restart must pick up: the clerk, unfinished 差评 and prompts left on screen. */
  recovery(): RecoveryFacts {
    const clerk = this.stmt.settingGet.get('clerk') as string | undefined;
    const seq = this.stmt.settingGet.get('invite_seq') as string | undefined;
    return {
      clerk: clerk ? (JSON.parse(clerk) as ClerkState) : null,
      inviteSeq: seq ? Number(seq) : 0,
      drafts: (this.stmt.drafts.all() as RecordRow[]).map((r) => this.toRecord(r, true)),
      unfinished: (this.stmt.unfinished.all() as PromptRow[]).map((p) => this.toPrompt(p)),
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
      | { prompt_id: string; rated_at: number; body: string; n: number }
      | undefined;
    if (!first) return { ratings: 0, last: null };
    const body = JSON.parse(first.body) as RecordBody;
    return {
      ratings: first.n,
      last: { promptId: first.prompt_id, ratedAt: first.rated_at, serviceTime: body.serviceTime ?? '' },
    };
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

  private toRecord(row: RecordRow, withCitizen: boolean): RatingRecord {
    const body = JSON.parse(row.body) as RecordBody;
    const citizen = withCitizen ? this.unseal(row.personal_sealed) : null;
    return { ...body, citizen, final: row.state !== 'draft' };
  }

  /** Sealed under a key that is gone (moved aside as damaged): the rating goes on without it. */
  private unseal(sealed: Buffer | null): Citizen | null {
    if (!sealed) return null;
    try {
      return JSON.parse(this.sealer.open(sealed)) as Citizen;
    } catch {
      return null;
    }
  }

  private toPrompt(row: PromptRow): PromptRecord {
    return {
      id: row.id,
      transactionId: row.transaction_id,
      service: JSON.parse(row.service),
      departments: JSON.parse(row.departments),
      mode: row.mode as PromptRecord['mode'],
      citizen: this.unseal(row.citizen_sealed),
      clerk: row.clerk ? JSON.parse(row.clerk) : null,
      // A prompt kept before the facts were: the defaults, as for a prompt given none.
      facts: row.facts ? (JSON.parse(row.facts) as ServiceFacts) : resolveFacts(undefined, row.opened_at),
      source: row.source as PromptSource,
      status: row.status as PromptStatus,
      openedAt: row.opened_at,
      expiresAt: row.expires_at,
      endedAt: row.ended_at,
    };
  }
}
