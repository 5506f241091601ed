// The `national` profile: the national 好差评 evaluation interface, as provincial and
// municipal systems push ratings to it. One JSON envelope per request; the evaluations
// and a sign over time + appMark + appWord are SM2-encrypted with the platform's public
// key. Field names, codes and the reading of answers follow the platform-profiles
// contract; docs/platform-national.md says which public facts each rests on.

import { cstDateTime } from '../../core/cst.js';
import type { RatingRecord } from '../../core/model.js';
import type {
  PlatformAdapter,
  RecordResult,
  UploadOutcome,
  UploadRequest,
  UploadResponse,
} from '../adapter.js';
import {
  parseSm2PublicKey,
  type Sm2CipherMode,
  Sm2KeyError,
  type Sm2PublicKey,
  sm2Encrypt,
} from '../crypto/index.js';
import { outcomeOfStatus } from '../http-outcome.js';
import { RefusalStreak } from './refusal-streak.js';
import { serviceFactsOf } from './service-facts.js';

export const NATIONAL_MAX_BATCH = 50;
const MESSAGE_MAX = 300;

/**
 * `platform.*` of the national profile, resolved (src/profiles/national.ts fills the
 * defaults); channel and timeoutSeconds are the forwarder's.
 */
export interface NationalOptions {
  /** The full address of the evaluation interface. */
  url: string;
  /** 应用标识. */
  appMark: string;
  /** 应用密钥: secret. */
  appWord: string;
  /** The platform's SM2 public key: 128 hex digits (x‖y) or 130 (04‖x‖y). */
  publicKey: string;
  cipherMode: Sm2CipherMode;
  /** 数据来源, assigned by the platform. */
  dataSource: string;
  /** Extra HTTP headers sent with every request. */
  headers: Record<string, string>;
  /** Evaluations per request, 1 to 50. */
  batchSize: number;
}

/** A setting the profile cannot work with; the message starts with the key's name. */
export class NationalConfigError extends Error {}

interface Settings {
  url: string;
  appMark: string;
  appWord: string;
  key: Sm2PublicKey;
  cipherMode: Sm2CipherMode;
  dataSource: string;
  headers: Record<string, string>;
  batchSize: number;
}

const RESERVED_HEADERS = new Set([
  'content-type',
  'content-length',
  'host',
  'transfer-encoding',
  'connection',
]);

/** Checks every setting, naming the key of the first one wrong. */
export function nationalSettings(options: NationalOptions): Settings {
  const bad = (key: string, why: string) => new NationalConfigError(`platform.${key}: ${why}`);
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw bad('url', `not an address: ${options.url}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw bad('url', 'must be http:// or https://');
  for (const key of ['appMark', 'appWord', 'dataSource'] as const) {
    if (typeof options[key] !== 'string' || options[key].trim() === '') throw bad(key, 'required');
  }
  let key: Sm2PublicKey;
  try {
    key = parseSm2PublicKey(options.publicKey ?? '');
  } catch (err) {
    throw bad('publicKey', err instanceof Sm2KeyError ? err.message : String(err));
  }
  const cipherMode = options.cipherMode;
  if (cipherMode !== 'C1C3C2' && cipherMode !== 'C1C2C3') throw bad('cipherMode', 'C1C3C2 or C1C2C3');
  const batchSize = options.batchSize;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > NATIONAL_MAX_BATCH) {
    throw bad('batchSize', `a whole number from 1 to ${NATIONAL_MAX_BATCH}`);
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.headers)) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw bad('headers', `"${name}" is not a header name`);
    if (RESERVED_HEADERS.has(name.toLowerCase())) throw bad('headers', `${name} is set by the terminal`);
    if (typeof value !== 'string' || /[\r\n\0]/.test(value))
      throw bad('headers', `${name}: one line of text`);
    headers[name] = value;
  }
  return {
    url: url.href,
    appMark: options.appMark,
    appWord: options.appWord,
    key,
    cipherMode,
    dataSource: options.dataSource,
    headers,
    batchSize,
  };
}

/** One EVALUATION object, in the contract's field order. */
export interface NationalEvaluation {
  projectNo: string;
  serviceNumber: number;
  pf: string;
  satisfaction: string;
  evalDetail: string;
  writingEvaluation: string;
  assessTime: string;
  assessNumber: number;
  dataSource: string;
  taskCode: string;
  taskName: string;
  taskHandleItem?: string;
  deptCode: string;
  proDepart: string;
  proStatus: string;
  acceptDate: string;
  userProp?: string;
  userName?: string;
  userPageType?: string;
  certKey?: string;
  mobile?: string;
}

const RESIDENT_ID = /^\d{17}[\dXx]$/;

export function nationalEvaluation(r: RatingRecord, dataSource: string): NationalEvaluation {
  const facts = serviceFactsOf(r);
  const e: NationalEvaluation = {
    projectNo: r.transactionId,
    serviceNumber: facts.serviceNumber,
    pf: String(r.channel),
    satisfaction: String(r.level),
    evalDetail: r.reasons.join(','),
    // The engine already writes 未选择差评原因 for a 差评 left at the reasons screen.
    writingEvaluation: r.comment,
    assessTime: facts.assessTime,
    assessNumber: r.assessNumber,
    dataSource,
    taskCode: r.service.code,
    taskName: r.service.name,
    ...(facts.taskHandleItem !== null ? { taskHandleItem: facts.taskHandleItem } : {}),
    deptCode: r.department.code,
    proDepart: r.department.name,
    proStatus: facts.proStatus,
    acceptDate: facts.acceptDate,
  };
  // 实名评价 only: the store keeps a citizen on a record only with consent. Absent, not
  // empty, otherwise.
  if (r.citizen) {
    const c = r.citizen;
    e.userProp = String(c.type);
    e.userName = c.name;
    // A legal person's certKey is its 统一社会信用代码, which is 18 characters too: the
    // type decides first.
    const pageType = c.type === 2 ? '001' : RESIDENT_ID.test(c.idNumber) ? '111' : null;
    if (pageType !== null) e.userPageType = pageType;
    e.certKey = c.idNumber;
    e.mobile = c.phone;
  }
  return e;
}

/** `yyyyMMddHHmmss` UTC+8. */
export function nationalTime(epochMs: number): string {
  return cstDateTime(epochMs).replace(/[- :]/g, '');
}

/** The request body, with the SM2 encryption injectable so tests can fix it. */
export function nationalBody(
  settings: Pick<Settings, 'appMark' | 'appWord' | 'dataSource'>,
  records: readonly RatingRecord[],
  now: number,
  encrypt: (plain: Buffer) => string,
): Buffer {
  const time = nationalTime(now);
  const sign = encrypt(Buffer.from(time + settings.appMark + settings.appWord, 'utf8'));
  const evaluations = records.map((r) => nationalEvaluation(r, settings.dataSource));
  const evaluate = encrypt(Buffer.from(JSON.stringify(evaluations), 'utf8'));
  const envelope = {
    txnBodyCom: { appMark: settings.appMark, time, sign, params: { evaluate: [evaluate] } },
    txnCommCom: {},
  };
  return Buffer.from(JSON.stringify(envelope), 'utf8');
}

export function createNationalAdapter(options: NationalOptions): PlatformAdapter {
  const s = nationalSettings(options);
  const streak = new RefusalStreak();
  const encrypt = (plain: Buffer) => sm2Encrypt(plain, s.key, s.cipherMode);
  return {
    maxBatch: s.batchSize,
    encode(records, now): UploadRequest {
      if (records.length > s.batchSize) throw new Error(`at most ${s.batchSize} evaluations a request`);
      // The interface never defines an empty list: only ratings are sent to it.
      if (records.length === 0)
        throw new Error('the national interface is sent ratings only, never an empty list');
      return {
        url: s.url,
        headers: { 'Content-Type': 'application/json; charset=utf-8', ...s.headers },
        body: nationalBody(s, records, now, encrypt),
      };
    },
    decode(response, sent, now) {
      if (response.status < 200 || response.status >= 300) return outcomeOfStatus(response, now);
      return decodeAnswer(response, sent, streak);
    },
    // Nothing but ratings is ever sent to this interface (it defines no empty list): with
    // nothing queued, one bodiless GET tells whether the address answers. Any HTTP answer,
    // whatever its status, means reachable; no answer throws (offline).
    async probe(_now, send) {
      const response = await send({
        method: 'GET',
        url: s.url,
        headers: { ...s.headers },
        body: Buffer.alloc(0),
      });
      return { kind: 'answered', status: response.status };
    },
  };
}

const DUPLICATE = /已存在|重复/;
const AUTH = /签名|验签|解密|sign|appmark|鉴权|认证/i;
const MESSAGE_FIELDS = ['msg', 'message', 'errorMessage', 'C-Response-Desc'] as const;

/** What a 2xx answer says; exported for the tests of the answer table. */
export function decodeAnswer(
  response: UploadResponse,
  sent: readonly RatingRecord[],
  streak: RefusalStreak = new RefusalStreak(),
): UploadOutcome {
  const answer = readAnswer(response.body);
  if (typeof answer === 'string') {
    return { kind: 'transient', message: `HTTP ${response.status} but ${answer}`, retryAfterMs: null };
  }
  if (answer.success) {
    if (sent.length > 0) streak.passed();
    return { kind: 'results', results: new Map(sent.map((r) => [r.id, { status: 'accepted' }])) };
  }
  // Nothing to judge (this terminal never sends an empty list).
  if (sent.length === 0) return { kind: 'results', results: new Map() };
  const { message, code } = answer;
  // A failure for several evaluations is never read as a whole (one 已存在 would hide new
  // ratings): split until each failing evaluation stands alone.
  if (sent.length > 1) return { kind: 'refused', status: response.status, message };
  const record = sent[0] as RatingRecord;
  let result: RecordResult;
  if (DUPLICATE.test(message)) result = { status: 'duplicate' };
  else if (AUTH.test(message)) return { kind: 'auth_failed', status: response.status, message };
  else if (streak.refused(message)) {
    return {
      kind: 'misconfigured',
      status: response.status,
      message: `several ratings in a row refused with the same message: ${message}`,
    };
  } else result = { status: 'rejected', code: code || 'refused', message };
  if (result.status === 'duplicate') streak.passed();
  return { kind: 'results', results: new Map([[record.id, result]]) };
}

type Answer = { success: true } | { success: false; code: string; message: string };

/** The answer's meaning, or why it is not an answer of this interface. */
function readAnswer(body: Buffer): Answer | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return 'the body is not JSON';
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return 'the body is not a JSON object';
  const o = parsed as Record<string, unknown>;
  const { code, success } = o;
  if (code !== undefined && typeof code !== 'string' && typeof code !== 'number')
    return '"code" is not a code';
  if (success !== undefined && typeof success !== 'string' && typeof success !== 'boolean') {
    return '"success" is not a flag';
  }
  const texts: string[] = [];
  for (const field of MESSAGE_FIELDS) {
    const v = o[field];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string') return `"${field}" is not text`;
    if (v !== '') texts.push(v);
  }
  if (code === undefined && success === undefined && texts.length === 0) return 'no code, flag or message';
  const ok =
    ((code === 0 || code === '0') && (success === true || success === 'true')) ||
    o['C-Response-Desc'] === 'success';
  if (ok) return { success: true };
  const message = clip([...new Set(texts)].join('; ')) || `code ${String(code ?? '')}`.trim();
  return { success: false, code: code === undefined ? '' : String(code), message };
}

function clip(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > MESSAGE_MAX ? `${oneLine.slice(0, MESSAGE_MAX)}…` : oneLine;
}
