// The record row's codec: the only code that turns a RatingRecord into the columns of its
// row in `records`, and a row back into a RatingRecord. The write path (store.ts), the
// forwarder's outbox (outbox.ts) and the read queries (queries.ts) all go through it.
//
// A row may hold anything a disk fault, a torn copy or a hand edit leaves, so decoding
// never throws: it gives a record, or says why the row is unreadable — in words about the
// row, never its content (they are logged and shown to technicians).

import { isLevel } from '../core/levels.js';
import type { Citizen, RatingRecord } from '../core/model.js';
import type { Sealer } from './seal.js';

/** The columns a record's content lives in. */
export interface RecordColumns {
  body: string;
  personal_sealed: Buffer | null;
}

/** What decoding needs of a stored row: its key, its state and its content. */
export interface StoredRecordRow extends RecordColumns {
  prompt_id: string;
  id: string;
  state: string;
}

export type DecodedRecord =
  | {
      readable: true;
      record: RatingRecord;
      /**
       * The row holds personal data that this terminal's key does not open (sealed under
       * another key file): `record.citizen` is null then.
       */
      personalUnopenable: boolean;
    }
  | { readable: false; why: string };

/** The local code of a record set aside because its stored body cannot be read. */
export const UNREADABLE_RECORD = 'unreadable_record';
/** The local code of a record set aside because its personal data cannot be opened. */
export const UNOPENABLE_PERSONAL_DATA = 'unopenable_personal_data';

type RecordBody = Omit<RatingRecord, 'citizen' | 'final'>;

/** A record as its row stores it: the body in clear, the citizen sealed. */
export function encodeRecord(record: RatingRecord, sealer: Sealer): RecordColumns {
  const { citizen, final: _final, ...body } = record;
  return {
    body: JSON.stringify(body),
    personal_sealed: citizen ? sealer.seal(JSON.stringify(citizen)) : null,
  };
}

/**
 * A row back as a record. `sealer` null: the personal data is not wanted (read queries),
 * the record's citizen is null. The row's own key wins over the body's: the row is what
 * an update addresses.
 */
export function decodeRecord(row: StoredRecordRow, sealer: Sealer | null): DecodedRecord {
  let value: unknown;
  try {
    value = JSON.parse(row.body);
  } catch {
    return { readable: false, why: 'its stored body is not JSON (cut short or damaged)' };
  }
  const problem = bodyProblem(value);
  if (problem) return { readable: false, why: `its stored body is not a rating record (${problem})` };
  const body = value as RecordBody;
  let citizen: Citizen | null = null;
  let personalUnopenable = false;
  if (sealer && row.personal_sealed !== null) {
    citizen = openCitizen(row.personal_sealed, sealer);
    personalUnopenable = citizen === null;
  }
  return {
    readable: true,
    record: { ...body, id: row.id, promptId: row.prompt_id, citizen, final: row.state !== 'draft' },
    personalUnopenable,
  };
}

/** The citizen sealed in a row (a record's or a prompt's); null when this key cannot open it. */
export function openCitizen(sealed: Buffer | null, sealer: Sealer): Citizen | null {
  if (sealed === null) return null;
  try {
    const v: unknown = JSON.parse(sealer.open(Buffer.from(sealed)));
    const c = v as Partial<Citizen> | null;
    return c && typeof c.name === 'string' && typeof c.idNumber === 'string' && typeof c.phone === 'string'
      ? (v as Citizen)
      : null;
  } catch {
    return null;
  }
}

/**
 * A platform's words about a record (a refusal, a failure) may quote the citizen: they are
 * sealed like the personal data (migration 005).
 */
export function sealWords(text: string | null, sealer: Sealer): Buffer | null {
  return text === null || text === '' ? null : sealer.seal(text);
}

/** Sealed words opened; `clear`: what a version before 005 stored in the clear column. */
export function openWords(sealed: Buffer | null, clear: string | null, sealer: Sealer): string {
  if (sealed === null) return clear ?? '';
  try {
    return sealer.open(Buffer.from(sealed));
  } catch {
    return '(the message was sealed under another key file)';
  }
}

const STRING_FIELDS = [
  'transactionId',
  'comment',
  'areaCode',
  'scope',
  'terminalId',
  'windowNo',
  'catalogueVersion',
] as const;
const OPTIONAL_STRINGS = ['proStatus', 'acceptDate', 'serviceTime', 'taskHandleItem'] as const;

/** The first field the rules or the adapters would trip on; null for a well-formed body. */
function bodyProblem(v: unknown): string | null {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'not an object';
  const b = v as Record<string, unknown>;
  for (const f of STRING_FIELDS) if (typeof b[f] !== 'string') return f;
  if (!isLevel(b.level)) return 'level';
  if (b.assessNumber !== 1 && b.assessNumber !== 2) return 'assessNumber';
  for (const f of ['channel', 'ratedAt'] as const) if (!Number.isFinite(b[f])) return f;
  for (const f of ['reasons', 'flags'] as const) if (!isStrings(b[f])) return f;
  for (const f of ['service', 'department'] as const) if (!isCodeName(b[f])) return f;
  if (b.clerk !== null && !isIdName(b.clerk)) return 'clerk';
  for (const f of OPTIONAL_STRINGS) if (b[f] !== undefined && typeof b[f] !== 'string') return f;
  if (b.serviceNumber !== undefined && !Number.isFinite(b.serviceNumber)) return 'serviceNumber';
  return null;
}

function isStrings(v: unknown): boolean {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

/** `{ code, name }` with both strings: a service or a department as stored. */
export function isCodeName(v: unknown): boolean {
  const o = v as { code?: unknown; name?: unknown } | null;
  return typeof o === 'object' && o !== null && typeof o.code === 'string' && typeof o.name === 'string';
}

function isIdName(v: unknown): boolean {
  const o = v as { id?: unknown; name?: unknown } | null;
  return typeof o === 'object' && o !== null && typeof o.id === 'string' && typeof o.name === 'string';
}
