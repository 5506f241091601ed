// What a restart picks up from the store: the clerk, the invite counter, the drafts a
// power cut left (a 差评 on its reasons screen, a 好评 on its optional indicators screen)
// and the prompts that never ended. The owner reads it once at start (RatingStore.recovery).
//
// One unreadable row must not cost the readable ones beside it: a draft whose body cannot
// be read is set aside (src/store/set-aside.ts), a prompt whose row cannot be read is
// ended, and every other draft still becomes final and is forwarded.

import type Database from 'better-sqlite3';
import {
  type ClerkState,
  PROMPT_SOURCES,
  type PromptRecord,
  type PromptSource,
  type PromptStatus,
  type RatingRecord,
  type ServiceFacts,
} from '../core/model.js';
import { resolveFacts } from '../core/service-facts.js';
import { COUNT_ERASURE_SQL } from './compaction.js';
import {
  decodeRecord,
  isCodeName,
  openCitizen,
  type StoredRecordRow,
  UNREADABLE_RECORD,
} from './record-row.js';
import type { Sealer } from './seal.js';
import type { SetAside, SetAsideNote } from './set-aside.js';

export interface RecoveryFacts {
  clerk: ClerkState | null;
  inviteSeq: number;
  drafts: RatingRecord[];
  unfinished: PromptRecord[];
}

export interface RecoveryRead {
  facts: RecoveryFacts;
  /** Drafts whose personal data this key cannot open: final without it, their sealed data kept. */
  keepSealed: { promptId: string; id: string }[];
  /** Unfinished prompts whose row could not be read, ended here. */
  endedUnreadable: string[];
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

const MODES = new Set(['single', 'parallel', 'package']);

export class Recovery {
  private readonly stmt;

  constructor(
    private readonly db: Database.Database,
    private readonly sealer: Sealer,
    private readonly setAside: SetAside,
  ) {
    this.stmt = {
      settingGet: db.prepare('SELECT value FROM settings WHERE key = ?').pluck(),
      drafts: db.prepare(
        `SELECT prompt_id, id, state, body, personal_sealed FROM records WHERE state = 'draft' ORDER BY seq`,
      ),
      // Read once at start-up: a scan costs less than an index every rating must update.
      unfinished: db.prepare('SELECT * FROM prompts WHERE ended_at IS NULL ORDER BY opened_at'),
      endPrompt: db.prepare(
        `UPDATE prompts SET status = CASE status WHEN 'open' THEN 'expired' ELSE status END,
           ended_at = ?, citizen_sealed = NULL WHERE id = ?`,
      ),
      countErasure: db.prepare(COUNT_ERASURE_SQL),
    };
  }

  /**
   * Reads what a restart picks up; sets aside and ends what cannot be read, in one
   * transaction — IMMEDIATE, so a writer beside it (the forwarder after a store fault)
   * is waited for rather than failing the read.
   */
  read(now: number): RecoveryRead {
    const notes: SetAsideNote[] = [];
    const result = this.db
      .transaction((): RecoveryRead => {
        const drafts: RatingRecord[] = [];
        const keepSealed: RecoveryRead['keepSealed'] = [];
        for (const row of this.stmt.drafts.all() as StoredRecordRow[]) {
          const decoded = decodeRecord(row, this.sealer);
          if (!decoded.readable) {
            const note = {
              promptId: row.prompt_id,
              id: row.id,
              code: UNREADABLE_RECORD,
              why: `the stored record cannot be read: ${decoded.why}; it cannot be sent and is kept as it is for examination`,
            };
            if (this.setAside.mark(note)) notes.push(note);
            continue;
          }
          drafts.push(decoded.record);
          if (decoded.personalUnopenable) keepSealed.push({ promptId: row.prompt_id, id: row.id });
        }
        const unfinished: PromptRecord[] = [];
        const endedUnreadable: string[] = [];
        for (const row of this.stmt.unfinished.all() as PromptRow[]) {
          const prompt = this.toPrompt(row);
          if (prompt) {
            unfinished.push(prompt);
            continue;
          }
          this.stmt.endPrompt.run(now, row.id);
          if (row.citizen_sealed !== null) this.stmt.countErasure.run();
          endedUnreadable.push(row.id);
        }
        return {
          facts: { clerk: this.clerk(), inviteSeq: this.inviteSeq(), drafts, unfinished },
          keepSealed,
          endedUnreadable,
        };
      })
      .immediate();
    this.setAside.tell(notes);
    return result;
  }

  private clerk(): ClerkState | null {
    const text = this.stmt.settingGet.get('clerk') as string | undefined;
    const clerk = text ? parseJson(text) : null;
    // A clerk who cannot be read is signed out: the next sign-in writes a good one.
    return isObject(clerk) && typeof clerk.id === 'string' && typeof clerk.name === 'string'
      ? (clerk as unknown as ClerkState)
      : null;
  }

  private inviteSeq(): number {
    const n = Number(this.stmt.settingGet.get('invite_seq') ?? 0);
    return Number.isSafeInteger(n) && n >= 0 ? n : 0;
  }

  /** The prompt, or null when its row is not one this program wrote. */
  private toPrompt(row: PromptRow): PromptRecord | null {
    const service = parseJson(row.service);
    const departments = parseJson(row.departments);
    const clerk = row.clerk === null ? null : parseJson(row.clerk);
    const facts = row.facts === null ? null : parseJson(row.facts);
    if (!isCodeName(service) || !Array.isArray(departments) || !departments.every(isCodeName)) return null;
    if (departments.length === 0 || !MODES.has(row.mode)) return null;
    if (row.clerk !== null && !isObject(clerk)) return null;
    if (row.facts !== null && !isObject(facts)) return null;
    return {
      id: row.id,
      transactionId: row.transaction_id,
      service: service as PromptRecord['service'],
      departments: departments as PromptRecord['departments'],
      mode: row.mode as PromptRecord['mode'],
      citizen: openCitizen(row.citizen_sealed, this.sealer),
      clerk: clerk as PromptRecord['clerk'],
      // A prompt kept before the facts were: the defaults, as for a prompt given none.
      facts: facts ? (facts as unknown as ServiceFacts) : resolveFacts(undefined, row.opened_at),
      // The schema allows no other value; a row edited by hand is the local API's.
      source: PROMPT_SOURCES.includes(row.source as PromptSource) ? (row.source as PromptSource) : 'api',
      status: row.status as PromptStatus,
      openedAt: row.opened_at,
      expiresAt: row.expires_at,
      endedAt: row.ended_at,
    };
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
