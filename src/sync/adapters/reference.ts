// The reference upload profile (contracts/platform-upload.md), which every build speaks
// exactly: field names and codes, the HMAC-SHA256 signature, and the reading of the
// platform's answer.

import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { RatingRecord } from '../../core/model.js';
import type {
  PlatformAdapter,
  RecordResult,
  UploadOutcome,
  UploadRequest,
  UploadResponse,
} from '../adapter.js';
import { outcomeOfStatus } from '../http-outcome.js';
import { serviceFactsOf } from './service-facts.js';

export const MAX_BATCH = 100;
const NONCE_LENGTH = 24;
const NONCE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** One RECORD of the request body, in the contract's field order. */
export interface ReferenceRecord {
  recordId: string;
  projectNo: string;
  assessNumber: number;
  pf: number;
  satisfaction: number;
  evalDetail: string;
  writingEvaluation: string;
  assessTime: string;
  areaCode: string;
  taskCode: string;
  taskName: string;
  deptCode: string;
  proDepart: string;
  proManager: string;
  proManagerNo: string;
  scope: string;
  terminalId: string;
  windowNo: string;
  userProp?: number;
  userName?: string;
  certKey?: string;
  mobile?: string;
  flags: string;
}

export function referenceRecord(r: RatingRecord): ReferenceRecord {
  return {
    recordId: r.id,
    projectNo: r.transactionId,
    assessNumber: r.assessNumber,
    pf: r.channel,
    satisfaction: r.level,
    evalDetail: r.reasons.join(','),
    writingEvaluation: r.comment,
    // Never before the service it rates (a business system's clock ahead of ours: clock_skew).
    assessTime: serviceFactsOf(r).assessTime,
    areaCode: r.areaCode,
    taskCode: r.service.code,
    taskName: r.service.name,
    deptCode: r.department.code,
    proDepart: r.department.name,
    proManager: r.clerk?.name ?? '',
    proManagerNo: r.clerk?.id ?? '',
    scope: r.scope,
    terminalId: r.terminalId,
    windowNo: r.windowNo,
    // Real-name fields exist only when the citizen turned 实名评价 on: the store keeps a
    // citizen on a record only then. Absent, not empty, otherwise.
    ...(r.citizen
      ? {
          userProp: r.citizen.type,
          userName: r.citizen.name,
          certKey: r.citizen.idNumber,
          mobile: r.citizen.phone,
        }
      : {}),
    flags: r.flags.join(','),
  };
}

export function referenceBody(records: readonly RatingRecord[]): Buffer {
  return Buffer.from(JSON.stringify({ records: records.map(referenceRecord) }), 'utf8');
}

/** X-Sign: lowercase hex HMAC-SHA256(secret, APPMARK\nTIMESTAMP\nNONCE\nhex(SHA-256(body))). */
export function referenceSignature(
  secret: string,
  appMark: string,
  timestamp: string,
  nonce: string,
  body: Buffer,
): string {
  const bodyHash = createHash('sha256').update(body).digest('hex');
  return createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(`${appMark}\n${timestamp}\n${nonce}\n${bodyHash}`, 'utf8')
    .digest('hex');
}

/** 24 characters of [A-Za-z0-9], unbiased (bytes past the last full alphabet are redrawn). */
export function newNonce(length = NONCE_LENGTH): string {
  const limit = 256 - (256 % NONCE_ALPHABET.length);
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte >= limit) continue;
      out += NONCE_ALPHABET[byte % NONCE_ALPHABET.length];
      if (out.length === length) break;
    }
  }
  return out;
}

export function evaluationsUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/evaluations`;
}

/** What the reference adapter signs with (src/profiles/reference.ts resolves it). */
export interface ReferenceSettings {
  url: string;
  appMark: string;
  /** Secret. */
  secret: string;
}

export interface ReferenceAdapterOptions {
  nonce?: () => string;
}

export function createReferenceAdapter(
  platform: ReferenceSettings,
  options: ReferenceAdapterOptions = {},
): PlatformAdapter {
  const nonceOf = options.nonce ?? (() => newNonce());
  const url = evaluationsUrl(platform.url);
  return {
    maxBatch: MAX_BATCH,
    encode(records, now): UploadRequest {
      if (records.length > MAX_BATCH) throw new Error(`at most ${MAX_BATCH} records a request`);
      const body = referenceBody(records);
      const timestamp = String(Math.floor(now));
      const nonce = nonceOf();
      return {
        url,
        headers: {
          'Content-Type': 'application/json; charset=utf-8',
          'X-App-Mark': platform.appMark,
          'X-Timestamp': timestamp,
          'X-Nonce': nonce,
          'X-Sign': referenceSignature(platform.secret, platform.appMark, timestamp, nonce, body),
        },
        body,
      };
    },
    decode(response, sent, now) {
      if (response.status >= 200 && response.status < 300) return decodeResults(response, sent);
      return outcomeOfStatus(response, now);
    },
  };
}

const STATUSES = new Set(['accepted', 'duplicate', 'rejected']);

/**
 * A 200's per-record results. Results for records not sent are ignored; a sent record
 * without a well-formed result is left out of the map, so it is retried.
 */
function decodeResults(response: UploadResponse, sent: readonly RatingRecord[]): UploadOutcome {
  let parsed: unknown;
  try {
    parsed = JSON.parse(response.body.toString('utf8'));
  } catch {
    return malformed(response, 'not JSON');
  }
  const list =
    typeof parsed === 'object' && parsed !== null ? (parsed as { results?: unknown }).results : null;
  if (!Array.isArray(list)) return malformed(response, 'no "results" list');
  const wanted = new Set(sent.map((r) => r.id));
  const results = new Map<string, RecordResult>();
  for (const item of list) {
    if (typeof item !== 'object' || item === null) continue;
    const { recordId, status, code, message } = item as Record<string, unknown>;
    if (typeof recordId !== 'string' || !wanted.has(recordId) || typeof status !== 'string') continue;
    if (!STATUSES.has(status) || results.has(recordId)) continue;
    results.set(
      recordId,
      status === 'rejected'
        ? { status: 'rejected', code: textOf(code), message: textOf(message) }
        : { status: status as 'accepted' | 'duplicate' },
    );
  }
  return { kind: 'results', results };
}

function malformed(response: UploadResponse, why: string): UploadOutcome {
  return {
    kind: 'transient',
    message: `HTTP ${response.status} with a body that is not the upload answer (${why})`,
    retryAfterMs: null,
  };
}

function textOf(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}
