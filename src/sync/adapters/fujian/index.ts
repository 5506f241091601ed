// The `fujian` profile: 福建省网上办事大厅 好差评 through the provincial gateway. A
// token from the gateway, then one SOAP call per rating (getSaveEvaluation) whose
// xmlStr is the SM4-encrypted evaluation document. docs/platform-fujian.md says which
// public facts each part rests on.

import { cstDateTime } from '../../../core/cst.js';
import type { RatingRecord } from '../../../core/model.js';
import type {
  PlatformAdapter,
  RecordResult,
  Send,
  UploadOutcome,
  UploadRequest,
  UploadResponse,
} from '../../adapter.js';
import { sm4Encrypt } from '../../crypto/index.js';
import { RefusalStreak } from '../refusal-streak.js';
import { serviceFactsOf } from '../service-facts.js';
import { gatewayStatusOutcome } from './gateway-status.js';
import { type FujianOptions, type FujianSettings, fujianSettings } from './settings.js';
import { decodeBody, readSoapAnswer, soapEnvelope } from './soap.js';
import type { TemplateValues } from './template.js';
import { obtainToken, TokenCache } from './token.js';

export { FujianConfigError, type FujianOptions } from './settings.js';

export const SAVE_METHOD = 'getSaveEvaluation';
const RESIDENT_ID = /^\d{17}[\dXx]$/;

export function templateValues(s: Pick<FujianSettings, 'sysNo'>, r: RatingRecord): TemplateValues {
  const facts = serviceFactsOf(r);
  const c = r.citizen;
  return {
    sysNo: s.sysNo,
    transactionId: r.transactionId,
    taskCode: r.service.code,
    taskName: r.service.name,
    taskHandleItem: facts.taskHandleItem ?? '',
    proStatus: facts.proStatus,
    nodeName: facts.proStatus === '3' ? '办结' : '受理',
    regionCode: r.areaCode.slice(0, 6),
    acceptDate: facts.acceptDate,
    // Until prompts carry their opening time as serviceTime, the rating's own time.
    serviceTime: facts.serviceTime ?? cstDateTime(r.ratedAt),
    deptCode: r.department.code,
    deptName: r.department.name,
    clerkName: r.clerk?.name ?? '',
    clerkNo: r.clerk?.id ?? '',
    channel: String(r.channel),
    satisfaction: String(r.level),
    assessTime: facts.assessTime,
    evalDetail: r.reasons.join(','),
    writingEvaluation: r.comment,
    terminalId: r.terminalId,
    windowNo: r.windowNo,
    // 实名评价 only; empty without consent.
    userProp: c ? String(c.type) : '',
    userName: c?.name ?? '',
    userPageType: c ? (c.type === 2 ? '001' : RESIDENT_ID.test(c.idNumber) ? '111' : '') : '',
    certKey: c?.idNumber ?? '',
    mobile: c?.phone ?? '',
  };
}

/** xmlStr: the document SM4-encrypted as configured. */
export function encryptDocument(s: FujianSettings, document: Buffer): string {
  const cipher = sm4Encrypt(document, s.sm4Key, s.sm4Mode, s.sm4Iv);
  return s.sm4Output === 'base64' ? cipher.toString('base64') : cipher.toString('hex');
}

export function saveRequest(s: FujianSettings, record: RatingRecord, token: string): UploadRequest {
  const cipher = encryptDocument(s, s.template.render(templateValues(s, record)));
  return {
    url: `${s.url}${s.servicePath}/${SAVE_METHOD}`,
    headers: { 'Content-Type': 'text/xml; charset=utf-8' },
    body: soapEnvelope(SAVE_METHOD, token, s.appKey, cipher),
  };
}

const DUPLICATE = /已存在|重复/;
const TOKEN = /token|令牌|授权/i;
const KEY = /解密|签名/;

/** A call's answer, or `token_refused` when the gateway refused the token. */
export function readSaveAnswer(
  response: UploadResponse,
  record: RatingRecord,
  now: number,
): UploadOutcome | 'token_refused' {
  const { status } = response;
  if (status === 401 || status === 403) return 'token_refused';
  if (status < 200 || status >= 300) {
    return gatewayStatusOutcome(response, now, 'the gateway address or servicePath is wrong');
  }
  const offline = (why: string): UploadOutcome => ({
    kind: 'transient',
    message: `HTTP ${status} but ${why}`,
    retryAfterMs: null,
  });
  const decoded = decodeBody(response.body, response.headers['content-type']);
  if (typeof decoded !== 'string') return offline(decoded.why);
  const soap = readSoapAnswer(decoded);
  if (soap.kind === 'bad') return offline(soap.why);
  if (soap.kind === 'fault') return { kind: 'transient', message: soap.message, retryAfterMs: null };
  const { code, msg } = soap.answer;
  const words = clip(msg) || `code ${code}`;
  const one = (result: RecordResult): UploadOutcome => ({
    kind: 'results',
    results: new Map([[record.id, result]]),
  });
  if (code === '200') return one({ status: 'accepted' });
  if (DUPLICATE.test(msg)) return one({ status: 'duplicate' });
  if (code === '401' || code === '403' || TOKEN.test(msg)) return 'token_refused';
  if (KEY.test(msg)) return { kind: 'auth_failed', status, message: words };
  return one({ status: 'rejected', code, message: words });
}

function clip(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > 300 ? `${oneLine.slice(0, 300)}…` : oneLine;
}

/** `tokens`: a cache shared with the URL mode's page requests (default: the adapter's own). */
export function createFujianAdapter(options: FujianOptions, tokens = new TokenCache()): PlatformAdapter {
  const s = fujianSettings(options);
  const streak = new RefusalStreak();

  const token = (now: () => number, send: Send): Promise<string | UploadOutcome> =>
    obtainToken(s, tokens, now, send);

  /** The safety net over single refusals; acceptances break the streak. */
  const judged = (outcome: UploadOutcome, record: RatingRecord): UploadOutcome => {
    if (outcome.kind !== 'results') return outcome;
    const result = outcome.results.get(record.id);
    if (result?.status === 'rejected') {
      if (streak.refused(result.message)) {
        return {
          kind: 'misconfigured',
          status: 200,
          message: `several ratings in a row refused with the same message: ${result.message}`,
        };
      }
    } else streak.passed();
    return outcome;
  };

  return {
    maxBatch: 1,
    encode(records, now) {
      const held = tokens.get(now);
      if (records.length !== 1 || held === null)
        throw new Error('a Fujian call carries one rating and needs a token');
      return saveRequest(s, records[0] as RatingRecord, held);
    },
    decode(response, sent, now) {
      const out = readSaveAnswer(response, sent[0] as RatingRecord, now);
      return out === 'token_refused'
        ? { kind: 'auth_failed', status: response.status, message: 'token refused' }
        : out;
    },
    // A token obtained proves the address and the credentials.
    async probe(now, send) {
      const held = await token(now, send);
      return typeof held === 'string' ? { kind: 'results', results: new Map() } : held;
    },
    async exchange(records, now, send) {
      const record = records[0];
      if (records.length !== 1 || record === undefined) throw new Error('a Fujian call carries one rating');
      let held = await token(now, send);
      if (typeof held !== 'string') return held;
      for (let attempt = 0; ; attempt++) {
        const out = readSaveAnswer(await send(saveRequest(s, record, held)), record, now());
        if (out !== 'token_refused') return judged(out, record);
        tokens.drop(held);
        if (attempt === 1) {
          return {
            kind: 'auth_failed',
            status: 401,
            message: 'the gateway refused a fresh token: appKey/appCode wrong?',
          };
        }
        held = await token(now, send);
        if (typeof held !== 'string') return held;
      }
    },
  };
}
