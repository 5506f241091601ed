// Fujian's provincial 好差评 gateway on loopback: the token service and the SOAP
// evaluation service, with faults and hostile answers on demand. It checks what the
// gateway is known to check (app_key, timestamp, MD5 sign, the token, appKey), decrypts
// xmlStr with SM4, reads the document in its declared encoding, checks the evaluation
// and treats (projectNo, deptCode) as one rating. It also hands out the province's own
// rating page (getSaveEvaluationUrl, the URL mode), at once, held back, or refused.
//
// Written from contracts/platform-profiles.md with Node's crypto, iconv-lite and
// fast-xml-parser used directly, not from src/sync.
//
// By hand: node --import tsx test/sim/fujian-sim.ts --port 8482 --app-key K --app-code C --sys-no 35

import { createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type http from 'node:http';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import iconv from 'iconv-lite';
import { esc, type Hostile, sendHostile, sendSoap } from './fujian-answers.js';
import { type PageCall, pageProblem } from './fujian-pages.js';
import {
  argOf,
  closeOnSignal,
  HttpSim,
  isMain,
  sendJson,
  sendText,
  stampedLine,
  transportFault,
} from './http-sim-server.js';
import { NATIONAL_INDICATOR_CODES } from './national-indicators.js';

export type { Hostile } from './fujian-answers.js';
export { PAGE_ELEMENTS, type PageCall } from './fujian-pages.js';

export interface FujianSimOptions {
  appKey: string;
  appCode: string;
  sysNo: string;
  /** Path before /get-token and the service path; default /api-gateway/gateway. */
  prefix?: string;
  servicePath?: string;
  tokenTimestamp?: 'ms' | 's';
  /** 32 hex digits; default MD5(appCode). */
  sm4Key?: string;
  sm4Mode?: 'ecb' | 'cbc';
  sm4Iv?: string;
  sm4Output?: 'hex' | 'base64';
  now?: () => number;
  /** How far the token request's timestamp may be from the clock; default 10 minutes. */
  maxSkewMs?: number;
  host?: string;
  port?: number;
  log?: (line: string) => void;
}

export interface FujianFaults {
  delayMs: number;
  failEvery: number;
  status: { code: number; retryAfter?: string; count: number } | null;
  /** The token service answers without a token. */
  noToken: boolean;
  /** Tokens are refused by the service: 'case' (code 401 in <Case>) or 'http' (HTTP 401). */
  refuseTokensAs: 'case' | 'http';
  /** Every token is refused, even new ones. */
  refuseAllTokens: boolean;
  /** A call for one of these projectNos is refused with this message (code 500). */
  refuse: Map<string, string>;
  hostile: Hostile | null;
  /**
   * getSaveEvaluationUrl (the URL mode): `issue` answers with a page at once; `hold`
   * keeps every answer until releasePages() (a slow gateway, without a clock to race);
   * `refuse` answers code 500; `bad-url` answers 200 with a data/url that is no address.
   */
  pages: 'issue' | 'hold' | 'refuse' | 'bad-url';
}

export interface SavedEvaluation {
  [element: string]: string;
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const PERSONAL = ['userProp', 'userName', 'certKey', 'contactMobile'];

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: true,
});

export class FujianSim extends HttpSim {
  readonly accepted = new Map<string, SavedEvaluation>();
  readonly repeats = new Map<string, number>();
  /** Raw documents as decrypted (bytes), in order of arrival. */
  readonly documents: Buffer[] = [];
  readonly tokenRequests: { at: number; ok: boolean }[] = [];
  readonly calls: { n: number; status: number | 'reset'; code: string | null }[] = [];
  readonly faults: FujianFaults = {
    delayMs: 0,
    failEvery: 0,
    status: null,
    noToken: false,
    refuseTokensAs: 'case',
    refuseAllTokens: false,
    refuse: new Map(),
    hostile: null,
    pages: 'issue',
  };
  /** Every getSaveEvaluationUrl call whose envelope passed, in order of arrival. */
  readonly pageCalls: PageCall[] = [];
  private held: (() => void)[] = [];
  private readonly tokens = new Set<string>();
  private count = 0;

  private constructor(private readonly options: FujianSimOptions) {
    super(options);
  }

  static async start(options: FujianSimOptions): Promise<FujianSim> {
    const sim = new FujianSim(options);
    await sim.up();
    return sim;
  }

  /** platform.url of a terminal. */
  get url(): string {
    return `${this.http.origin}${this.prefix}`;
  }

  private get prefix(): string {
    return this.options.prefix ?? '/api-gateway/gateway';
  }

  static key(projectNo: string, deptCode: string): string {
    return `${projectNo}|${deptCode}`;
  }

  /** Every token issued so far stops working (the gateway's expiry). */
  expireTokens(): void {
    this.tokens.clear();
  }

  /** Answers the page requests kept by `pages: 'hold'` (and stops holding new ones). */
  releasePages(): void {
    this.faults.pages = 'issue';
    for (const go of this.held.splice(0)) go();
  }

  /** How many page requests are being held. */
  get heldPages(): number {
    return this.held.length;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  protected fault(res: http.ServerResponse): void {
    sendText(res, 500, 'text/plain', 'simulator fault');
  }

  /** Routes to the token service, the evaluation call and the page request. */
  protected async answer(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim');
    const servicePath = this.options.servicePath ?? '/96hyvzxl/wailian/webservice';
    if (url.pathname === `${this.prefix}/get-token` && req.method === 'GET') return this.token(url, res);
    if (url.pathname === `${this.prefix}${servicePath}/getSaveEvaluation` && req.method === 'POST') {
      return this.save(req, res, body);
    }
    if (url.pathname === `${this.prefix}${servicePath}/getSaveEvaluationUrl` && req.method === 'POST') {
      return this.page(req, res, body);
    }
    return sendText(res, 404, 'text/html', '<html><body>404 Not Found</body></html>');
  }

  private token(url: URL, res: http.ServerResponse) {
    const q = url.searchParams;
    const t = q.get('timestamp') ?? '';
    const ms = this.options.tokenTimestamp === 's' ? Number(t) * 1000 : Number(t);
    const sign = createHash('md5')
      .update(this.options.appCode + t, 'utf8')
      .digest('hex');
    let problem: string | null = null;
    if (q.get('app_key') !== this.options.appKey) problem = 'app_key不存在';
    else if (!/^\d+$/.test(t) || Math.abs(this.now() - ms) > (this.options.maxSkewMs ?? 600_000))
      problem = 'timestamp无效';
    else if (q.get('sign') !== sign) problem = 'sign校验失败';
    else if (this.faults.noToken) problem = '应用已停用';
    this.tokenRequests.push({ at: this.now(), ok: problem === null });
    if (problem) return sendJson(res, 200, { code: '1001', msg: problem });
    const token = randomBytes(16).toString('hex');
    this.tokens.add(token);
    return sendJson(res, 200, {
      access_token: token,
      expires_in: 7200,
      refresh_token: 'r',
      re_expires_in: 14400,
    });
  }

  private async save(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): Promise<void> {
    const n = ++this.count;
    const call = { n, status: 200 as number | 'reset', code: null as string | null };
    this.calls.push(call);
    const faulted = transportFault(n, this.faults, req, {
      forced: (code, headers) => sendText(res, code, 'text/plain', 'forced', headers),
      fail: () => sendText(res, 500, 'text/html', '<html>500 Internal Server Error</html>'),
    });
    if (faulted !== null) {
      call.status = faulted;
      return;
    }
    if (this.faults.delayMs > 0) await this.http.hold(this.faults.delayMs);
    if (this.faults.hostile) return sendHostile(res, this.faults.hostile);

    const answer = (code: string, msg: string, data = '') => {
      call.code = code;
      this.options.log?.(`#${n} → ${code} ${msg}`);
      const kase = `<?xml version="1.0" encoding="UTF-8"?><Case><code>${code}</code><msg>${esc(msg)}</msg><data>${data}</data></Case>`;
      return sendSoap(
        res,
        `<ns2:getSaveEvaluationResponse xmlns:ns2="http://webServiceInterface.cms.linewell.com"><return>${esc(kase)}</return></ns2:getSaveEvaluationResponse>`,
      );
    };
    if (req.headers['content-type'] !== 'text/xml; charset=utf-8') {
      call.status = 415;
      return sendText(res, 415, 'text/plain', 'Unsupported Media Type');
    }
    const text = body.toString('utf8');
    if (XMLValidator.validate(text) !== true) return answer('500', '请求报文不是XML');
    const env = parser.parse(text)?.Envelope;
    const auth = String(env?.Header?.Authorization ?? '');
    const call0 = env?.Body?.getSaveEvaluation;
    const token = /^Basic (.+)$/.exec(auth)?.[1] ?? '';
    if (this.faults.refuseAllTokens || !this.tokens.has(token)) {
      if (this.faults.refuseTokensAs === 'http') {
        call.status = 401;
        return sendText(res, 401, 'text/plain', 'Unauthorized');
      }
      return answer('401', 'token已失效');
    }
    if (String(call0?.appKey ?? '') !== this.options.appKey) return answer('500', 'appKey不正确');
    const document = this.decrypt(String(call0?.xmlStr ?? ''));
    if (document === null) return answer('500', 'xmlStr解密失败');
    this.documents.push(document);
    const xml = this.readDocument(document);
    if (typeof xml === 'string') return answer('500', xml);
    const problem = this.problemOf(xml);
    if (problem) return answer('500', problem);
    const refusal = this.faults.refuse.get(xml.projectNo ?? '');
    if (refusal) return answer('500', refusal);
    const key = FujianSim.key(xml.projectNo ?? '', xml.deptCode ?? '');
    if (this.accepted.has(key)) {
      this.repeats.set(key, (this.repeats.get(key) ?? 0) + 1);
      return answer('500', '该办件的评价已存在');
    }
    this.accepted.set(key, xml);
    return answer('200', '保存成功', `<evaluateUnid>${randomBytes(8).toString('hex')}</evaluateUnid>`);
  }

  /** getSaveEvaluationUrl: the envelope checked as for getSaveEvaluation, then the contract's elements. */
  private async page(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): Promise<void> {
    const answer = (code: string, msg: string, data = '') => {
      this.options.log?.(`page → ${code} ${msg}`);
      const kase = `<?xml version="1.0" encoding="UTF-8"?><Case><code>${code}</code><msg>${esc(msg)}</msg><data>${data}</data></Case>`;
      return sendSoap(
        res,
        `<ns2:getSaveEvaluationUrlResponse xmlns:ns2="http://webServiceInterface.cms.linewell.com"><return>${esc(kase)}</return></ns2:getSaveEvaluationUrlResponse>`,
      );
    };
    if (req.headers['content-type'] !== 'text/xml; charset=utf-8') {
      return sendText(res, 415, 'text/plain', 'Unsupported Media Type');
    }
    const text = body.toString('utf8');
    if (XMLValidator.validate(text) !== true) return answer('500', '请求报文不是XML');
    const env = parser.parse(text)?.Envelope;
    const token = /^Basic (.+)$/.exec(String(env?.Header?.Authorization ?? ''))?.[1] ?? '';
    const call = env?.Body?.getSaveEvaluationUrl;
    if (this.faults.refuseAllTokens || !this.tokens.has(token)) {
      if (this.faults.refuseTokensAs === 'http') return sendText(res, 401, 'text/plain', 'Unauthorized');
      return answer('401', 'token已失效');
    }
    if (String(call?.appKey ?? '') !== this.options.appKey) return answer('500', 'appKey不正确');
    const document = this.decrypt(String(call?.xmlStr ?? ''));
    if (document === null) return answer('500', 'xmlStr解密失败');
    const xml = this.readDocument(document);
    if (typeof xml === 'string') return answer('500', xml);
    const order = Object.keys(xml);
    const record: PageCall = { order, elements: xml, url: null };
    this.pageCalls.push(record);
    const problem = pageProblem(xml, this.options.sysNo);
    if (problem) return answer('500', problem);
    if (this.faults.pages === 'hold') await new Promise<void>((go) => this.held.push(go));
    if (res.destroyed) return;
    if (this.faults.pages === 'refuse') return answer('500', '办件信息不存在，无法生成评价页面');
    if (this.faults.pages === 'bad-url') return answer('200', '成功', '<url>请稍后再试</url>');
    const query = new URLSearchParams({ projectNo: xml.projectNo ?? '', t: randomBytes(8).toString('hex') });
    record.url = `https://zwfw.fujian.gov.cn/hcp/h5/evaluate?${query}`;
    return answer('200', '成功', `<url>${esc(record.url)}</url>`);
  }

  private decrypt(xmlStr: string): Buffer | null {
    const o = this.options;
    const key = o.sm4Key
      ? Buffer.from(o.sm4Key, 'hex')
      : createHash('md5').update(o.appCode, 'utf8').digest();
    const cipher = o.sm4Output === 'base64' ? Buffer.from(xmlStr, 'base64') : Buffer.from(xmlStr, 'hex');
    if (cipher.length === 0 || cipher.length % 16 !== 0) return null;
    try {
      const d = createDecipheriv(
        o.sm4Mode === 'cbc' ? 'sm4-cbc' : 'sm4-ecb',
        key,
        o.sm4Mode === 'cbc' ? Buffer.from(o.sm4Iv ?? '', 'hex') : null,
      );
      return Buffer.concat([d.update(cipher), d.final()]);
    } catch {
      return null;
    }
  }

  /** The document's elements, read in its declared encoding; a message when unreadable. */
  private readDocument(bytes: Buffer): SavedEvaluation | string {
    const head = bytes.subarray(0, 100).toString('latin1');
    const declared = /^<\?xml version="1\.0" encoding="([^"]+)"\?>/.exec(head)?.[1];
    if (declared !== 'GB2312' && declared !== 'UTF-8') return 'XML声明缺失或编码不支持';
    const text = declared === 'GB2312' ? iconv.decode(bytes, 'gbk') : bytes.toString('utf8');
    if (text.includes('\uFFFD')) return 'XML编码错误';
    if (XMLValidator.validate(text) !== true) return 'XML格式错误';
    const kase = parser.parse(text)?.Case;
    if (typeof kase !== 'object' || kase === null) return '缺少Case';
    const out: SavedEvaluation = {};
    for (const [k, v] of Object.entries(kase)) {
      if (typeof v !== 'string') return `${k}格式错误`;
      out[k] = v;
    }
    return out;
  }

  private problemOf(e: SavedEvaluation): string | null {
    for (const k of [
      'sysNO',
      'projectNo',
      'businessCode',
      'businessName',
      'deptCode',
      'evaluateLevel',
      'evaluateTime',
      'pf',
    ]) {
      if (!e[k]) return `${k}不能为空`;
    }
    if (e.sysNO !== this.options.sysNo) return 'sysNO不正确';
    const level = e.evaluateLevel as string;
    if (!/^[1-5]$/.test(level)) return 'evaluateLevel不正确';
    if (!DATE_TIME.test(e.evaluateTime as string)) return 'evaluateTime格式错误';
    if (e.serviceTime && e.serviceTime > (e.evaluateTime as string)) return '评价时间早于办理时间';
    const codes = e.appraisald ? e.appraisald.split(',') : [];
    for (const c of codes)
      if (!NATIONAL_INDICATOR_CODES[level]?.includes(c)) return `评价指标${c}不属于该评价等级`;
    if (Number(level) <= 2 && codes.length === 0 && !e.writingevalua) return '差评必须填写评价内容';
    const filled = PERSONAL.filter((k) => e[k]);
    if (filled.length !== 0 && filled.length !== PERSONAL.length) return '实名信息不完整';
    return null;
  }
}

async function main(args: string[]): Promise<void> {
  const appKey = argOf(args, '--app-key');
  const appCode = argOf(args, '--app-code');
  const sysNo = argOf(args, '--sys-no');
  if (!appKey || !appCode || !sysNo) {
    process.stderr.write('usage: fujian-sim.ts --port 8482 --app-key K --app-code C --sys-no 35\n');
    process.exit(2);
  }
  const sim = await FujianSim.start({
    appKey,
    appCode,
    sysNo,
    port: Number(argOf(args, '--port') ?? 8482),
    log: stampedLine,
  });
  process.stdout.write(`Fujian gateway simulator: platform.url ${sim.url}\n`);
  closeOnSignal(sim);
}

if (isMain(import.meta.url)) void main(process.argv.slice(2));
