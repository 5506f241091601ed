// The URL mode of the Fujian profile: asking the gateway for the province's own
// evaluation page for a prompt (getSaveEvaluationUrl), to show as the prompt's QR code.
// The request, the reading of its answer, and the exchange (token, call, one retry with
// a fresh token) live here; when to ask, and what the screen shows while waiting, belong
// to the engine (src/engine/platform-page.ts).

import { isHttpUrl } from '../../../base/addresses.js';
import type { Send, UploadRequest, UploadResponse } from '../../adapter.js';
import type { PageResult } from '../../page-source.js';
import { encryptDocument } from './index.js';
import type { FujianSettings } from './settings.js';
import { decodeBody, readSoapAnswer, soapEnvelope } from './soap.js';
import { encodeDocument, escapeXml, xmlDeclaration } from './template.js';
import { obtainToken, type TokenCache } from './token.js';

export const PAGE_METHOD = 'getSaveEvaluationUrl';
export const PAGE_URL_MAX = 500;

/** What the page request says of the prompt; personal elements are always empty. */
export interface PageRequestFacts {
  transactionId: string;
  taskCode: string;
  taskName: string;
  /** "1", "2" or "3". */
  proStatus: string;
  acceptDate: string;
  serviceTime: string;
  areaCode: string;
  channel: number;
  terminalId: string;
  windowNo: string;
}

export interface PageSettings {
  /** `platform.network`: 1 internet (default), 2 政务信息网, 3 政务外网公共区. */
  network: 1 | 2 | 3;
  /** `platform.backUrl`, default "". */
  backUrl: string;
}

/** The contract's elements, in its order; the citizen logs in on the page to rate by name. */
export function pageDocument(s: FujianSettings, page: PageSettings, f: PageRequestFacts): Buffer {
  const elements: [string, string][] = [
    ['sysNO', s.sysNo],
    ['businessCode', f.taskCode],
    ['businessName', f.taskName],
    ['projectNo', f.transactionId],
    ['proStatus', f.proStatus],
    ['projectName', f.taskName],
    ['nodeName', f.proStatus === '3' ? '办结' : '受理'],
    ['regionCode', f.areaCode.slice(0, 6)],
    ['acceptDate', f.acceptDate],
    ['userProp', ''],
    ['userName', ''],
    ['userPageType', ''],
    ['certKey', ''],
    ['handleUserName', ''],
    ['handleUserPageType', ''],
    ['handleUserPageCode', ''],
    ['resultDate', ''],
    ['serviceTime', f.serviceTime],
    ['evaluateType', '1'],
    ['pf', String(f.channel)],
    ['type', String(page.network)],
    ['contactMobile', ''],
    ['backUrl', page.backUrl],
    ['customFields', `${f.terminalId},${f.windowNo}`],
    ['pf5urltype', '2'],
  ];
  const body = elements.map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`).join('');
  return encodeDocument(`${xmlDeclaration(s.xmlEncoding)}<Case>${body}</Case>`, s.xmlEncoding);
}

export function pageRequest(
  s: FujianSettings,
  page: PageSettings,
  f: PageRequestFacts,
  token: string,
): UploadRequest {
  return {
    url: `${s.url}${s.servicePath}/${PAGE_METHOD}`,
    headers: { 'Content-Type': 'text/xml; charset=utf-8' },
    body: soapEnvelope(PAGE_METHOD, token, s.appKey, encryptDocument(s, pageDocument(s, page, f))),
  };
}

export type PageAnswer =
  | { kind: 'page'; url: string }
  | { kind: 'token_refused' }
  | { kind: 'failed'; reason: string };

/** The page's address from the gateway's answer; anything else is a refusal with a reason. */
export function readPageAnswer(response: UploadResponse): PageAnswer {
  if (response.status === 401 || response.status === 403) return { kind: 'token_refused' };
  if (response.status < 200 || response.status >= 300)
    return { kind: 'failed', reason: `HTTP ${response.status}` };
  const text = decodeBody(response.body, response.headers['content-type']);
  if (typeof text !== 'string') return { kind: 'failed', reason: text.why };
  const soap = readSoapAnswer(text);
  if (soap.kind === 'bad') return { kind: 'failed', reason: soap.why };
  if (soap.kind === 'fault') return { kind: 'failed', reason: soap.message };
  const { code, msg, data } = soap.answer;
  if (code === '401' || code === '403' || /token|令牌|授权/i.test(msg)) return { kind: 'token_refused' };
  if (code !== '200') return { kind: 'failed', reason: `code ${code}: ${msg.slice(0, 300)}` };
  const url = typeof data === 'object' && data !== null ? (data as Record<string, unknown>).url : undefined;
  if (typeof url !== 'string' || url.length > PAGE_URL_MAX || !isHttpUrl(url)) {
    return {
      kind: 'failed',
      reason: `data/url is not an http(s) address of at most ${PAGE_URL_MAX} characters`,
    };
  }
  return { kind: 'page', url };
}

/**
 * The page of one prompt: a token (the one shared with the forwarder when in hand),
 * the call, and once more with a fresh token when the gateway refused it. A `send` that
 * throws (no answer, time-out) is a failure with its message.
 */
export async function requestPage(
  s: FujianSettings,
  page: PageSettings,
  facts: PageRequestFacts,
  tokens: TokenCache,
  now: () => number,
  send: Send,
): Promise<PageResult> {
  try {
    for (let attempt = 0; ; attempt++) {
      const token = await obtainToken(s, tokens, now, send);
      if (typeof token !== 'string') return { ok: false, reason: token.message };
      const answer = readPageAnswer(await send(pageRequest(s, page, facts, token)));
      if (answer.kind === 'page') return { ok: true, url: answer.url };
      if (answer.kind === 'failed') return { ok: false, reason: answer.reason };
      tokens.drop(token);
      if (attempt === 1)
        return { ok: false, reason: 'the gateway refused a fresh token: appKey/appCode wrong?' };
    }
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
}
