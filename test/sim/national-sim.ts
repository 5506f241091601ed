// The national 好差评 evaluation interface on loopback, with faults on demand. It does
// what the real one is known to do: decrypts `sign` and `evaluate` with its SM2 private
// key, checks the sign (appMark, appWord, a `time` within 10 minutes of its clock),
// checks every EVALUATION, treats (projectNo, serviceNumber, deptCode) as one rating,
// and answers in its JSON. A request is all or nothing: one bad evaluation fails it
// whole, as a strict platform may. It keeps every request it received, whatever its
// method or path, with `evaluate` decrypted, so a test can tell that nothing but
// ratings was ever sent (the interface defines no empty list, and refuses one).
//
// Written from contracts/platform-profiles.md with sm-crypto-v2 used directly, not from
// src/sync: it must not share the terminal's mistakes.
//
// By hand: node --import tsx test/sim/national-sim.ts --port 8481 --app-mark X --app-word Y
//   [--data-source 165] [--private-key HEX] [--c1c2c3] [--delay MS] [--fail-every K]

import type http from 'node:http';
import { sm2 } from 'sm-crypto-v2';
import { sendHostile } from './fujian-answers.js';
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
import { evaluationProblem } from './national-checks.js';

export interface NationalSimOptions {
  appMark: string;
  appWord: string;
  dataSource: string;
  /** 64 hex digits; a new key when absent (see `publicKey`). */
  privateKey?: string;
  cipherMode?: 'C1C3C2' | 'C1C2C3';
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** The interface's path; default /api/evaluation/push. */
  path?: string;
  /** The simulator's clock (tests on fake time pass theirs); default Date.now. */
  now?: () => number;
  /** How far `time` may be from the clock; default 10 minutes. */
  maxSkewMs?: number;
  log?: (line: string) => void;
}

/** Any request that reached the simulator, as it came. */
export interface NationalReceived {
  method: string;
  path: string;
  bytes: number;
  /** `evaluate[0]` decrypted; null when there is none or it does not decrypt. */
  evaluate: string | null;
}

export type NationalVerdict = 'accepted' | 'duplicate' | 'refused' | 'sign_failed';

export interface NationalSimRequest {
  n: number;
  /** projectNo of each evaluation carried (empty until decrypted). */
  projectNos: string[];
  status: number | 'reset' | 'waiting';
  verdict: NationalVerdict | null;
}

export interface NationalFaults {
  delayMs: number;
  /** Answer HTTP 500 to every k-th request (0: never). */
  failEvery: number;
  /** Destroy the connection on every k-th request, without an answer (0: never). */
  resetEvery: number;
  /** Answer this status (with Retry-After when given) to the next `count` requests. */
  status: { code: number; retryAfter?: string; count: number } | null;
  /** Answer every sign as wrong (验签失败), as after a key change at the platform. */
  wrongSign: boolean;
  /** A request carrying one of these projectNos is refused with this message. */
  refuse: Map<string, string>;
  /** Answer 200 with an HTML page. */
  html: boolean;
  /** Answer 200 with a hostile body (see NationalHostile). */
  hostile: NationalHostile | null;
}

/**
 * What a broken or malicious platform could answer with HTTP 200: 100 MB, JSON whose
 * fields have the wrong types (a success it does not say), JSON nested past any parser's
 * stack.
 */
export type NationalHostile = 'huge' | 'wrong-types' | 'deep-nesting';

interface Evaluation {
  [field: string]: unknown;
  projectNo: string;
  serviceNumber: number;
  deptCode: string;
}

export class NationalSim extends HttpSim {
  /** Every evaluation accepted, by (projectNo, serviceNumber, deptCode). */
  readonly accepted = new Map<string, Evaluation>();
  /** How many times each rating arrived after it was accepted (repeats are harmless). */
  readonly repeats = new Map<string, number>();
  readonly requests: NationalSimRequest[] = [];
  /** Every request received, GETs, wrong paths and refused ones included, in order. */
  readonly received: NationalReceived[] = [];
  readonly faults: NationalFaults = {
    delayMs: 0,
    failEvery: 0,
    resetEvery: 0,
    status: null,
    wrongSign: false,
    refuse: new Map(),
    html: false,
    hostile: null,
  };
  readonly publicKey: string;
  private readonly privateKey: string;
  private appWord: string;
  private count = 0;
  private answerWaiters: { n: number; resolve: () => void }[] = [];

  private constructor(private readonly options: NationalSimOptions) {
    super(options);
    const pair = options.privateKey
      ? { privateKey: options.privateKey, publicKey: sm2.getPublicKeyFromPrivateKey(options.privateKey) }
      : sm2.generateKeyPairHex();
    this.privateKey = pair.privateKey;
    this.publicKey = pair.publicKey.toLowerCase();
    this.appWord = options.appWord;
  }

  static async start(options: NationalSimOptions): Promise<NationalSim> {
    const sim = new NationalSim(options);
    await sim.up();
    return sim;
  }

  get url(): string {
    return `${this.http.origin}${this.path}`;
  }

  private get path(): string {
    return this.options.path ?? '/api/evaluation/push';
  }

  /** The platform's new secret (a key rotation the terminal has not heard of yet). */
  setAppWord(appWord: string): void {
    this.appWord = appWord;
  }

  /** Resolves once request number `n` (from 1) has been answered or cut. */
  whenAnswered(n: number): Promise<void> {
    const entry = this.requests[n - 1];
    if (entry && entry.status !== 'waiting') return Promise.resolve();
    return new Promise((resolve) => this.answerWaiters.push({ n, resolve }));
  }

  static key(e: { projectNo: unknown; serviceNumber: unknown; deptCode: unknown }): string {
    return `${String(e.projectNo)}|${String(e.serviceNumber)}|${String(e.deptCode)}`;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  protected fault(res: http.ServerResponse): void {
    sendJson(res, 500, { code: '500', success: false, msg: '系统异常' });
  }

  /** Requests whose `evaluate` decrypted to an empty list: must always be none. */
  emptyUploads(): NationalReceived[] {
    return this.received.filter((r) => {
      try {
        const list = JSON.parse(r.evaluate ?? 'null') as unknown;
        return Array.isArray(list) && list.length === 0;
      } catch {
        return false;
      }
    });
  }

  private evaluateOf(body: Buffer): string | null {
    try {
      const list = (JSON.parse(body.toString('utf8')) as { txnBodyCom?: { params?: { evaluate?: unknown } } })
        ?.txnBodyCom?.params?.evaluate;
      return Array.isArray(list) ? this.decrypt(list[0]) : null;
    } catch {
      return null;
    }
  }

  protected async answer(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): Promise<void> {
    this.received.push({
      method: req.method ?? '',
      path: req.url ?? '',
      bytes: body.length,
      evaluate: this.evaluateOf(body),
    });
    if ((req.url ?? '').split('?')[0] !== this.path)
      return sendJson(res, 404, { status: 404, error: 'Not Found' });
    if (req.method !== 'POST') return sendJson(res, 405, { status: 405, error: 'Method Not Allowed' });
    const n = ++this.count;
    const entry: NationalSimRequest = { n, projectNos: [], status: 'waiting', verdict: null };
    this.requests.push(entry);
    const done = (status: number | 'reset', verdict: NationalVerdict | null = null) => {
      entry.status = status;
      entry.verdict = verdict;
      this.options.log?.(`#${n} ${entry.projectNos.length} evaluations → ${status} ${verdict ?? ''}`);
      const ready = this.answerWaiters.filter((w) => w.n === n);
      this.answerWaiters = this.answerWaiters.filter((w) => w.n !== n);
      for (const w of ready) w.resolve();
    };

    const faulted = transportFault(n, this.faults, req, {
      forced: (code, headers) =>
        sendJson(res, code, { code: String(code), success: false, msg: 'forced by the test' }, headers),
      fail: () => sendJson(res, 500, { code: '500', success: false, msg: '系统繁忙' }),
    });
    if (faulted !== null) return done(faulted);
    if (this.faults.delayMs > 0) await this.http.hold(this.faults.delayMs);
    const hostile = this.faults.hostile;
    if (hostile) {
      done(200);
      if (hostile === 'huge') return sendHostile(res, 'huge');
      return sendText(
        res,
        200,
        'application/json;charset=UTF-8',
        hostile === 'wrong-types'
          ? '{"code":{"value":0},"success":"yes","msg":["成功"],"data":null}'
          : `${'['.repeat(200_000)}${']'.repeat(200_000)}`,
      );
    }
    if (this.faults.html) {
      done(200);
      return sendText(
        res,
        200,
        'text/html; charset=utf-8',
        '<html><body><h1>502 网关错误</h1></body></html>',
      );
    }
    if (req.headers['content-type'] !== 'application/json; charset=utf-8') {
      done(415);
      return sendJson(res, 415, { status: 415, error: 'Unsupported Media Type' });
    }
    if (Number(req.headers['content-length']) !== body.length) {
      done(400);
      return sendJson(res, 400, { status: 400, error: 'Bad Request' });
    }

    const fail = (msg: string, verdict: NationalVerdict = 'refused') => {
      done(200, verdict);
      sendJson(res, 200, { code: '-1', success: false, msg, data: null });
    };
    let envelope: { txnBodyCom?: Record<string, unknown>; txnCommCom?: unknown };
    try {
      envelope = JSON.parse(body.toString('utf8'));
    } catch {
      return fail('请求报文格式错误');
    }
    const top = Object.keys(envelope ?? {});
    if (top.join() !== 'txnBodyCom,txnCommCom') return fail('请求报文格式错误');
    const b = envelope.txnBodyCom ?? {};
    if (Object.keys(b).join() !== 'appMark,time,sign,params') return fail('请求报文格式错误');
    const { appMark, time, sign, params } = b as {
      appMark: unknown;
      time: unknown;
      sign: unknown;
      params: unknown;
    };

    // The sign: appMark, time window, SM2(time + appMark + appWord).
    if (appMark !== this.options.appMark) return fail('appMark不存在', 'sign_failed');
    if (typeof time !== 'string' || !/^\d{14}$/.test(time)) return fail('time格式错误', 'sign_failed');
    const skew = Math.abs(this.now() - cstToEpoch(time));
    if (!(skew <= (this.options.maxSkewMs ?? 600_000)))
      return fail('请求时间戳已过期，签名无效', 'sign_failed');
    if (this.faults.wrongSign || this.decrypt(sign) !== time + appMark + this.appWord) {
      return fail('验签失败', 'sign_failed');
    }

    const list = (params as { evaluate?: unknown })?.evaluate;
    if (!Array.isArray(list) || list.length !== 1 || Object.keys(params as object).join() !== 'evaluate') {
      return fail('evaluate参数错误');
    }
    const plain = this.decrypt(list[0]);
    if (plain === null) return fail('evaluate解密失败');
    let evaluations: unknown;
    try {
      evaluations = JSON.parse(plain);
    } catch {
      return fail('evaluate不是JSON数组');
    }
    if (!Array.isArray(evaluations)) return fail('evaluate不是JSON数组');
    entry.projectNos = evaluations.map((e) => String((e as Evaluation)?.projectNo));
    // The interface defines no empty list: a strict platform refuses one.
    if (evaluations.length === 0) return fail('evaluate不能为空');

    // All or nothing: the first problem refuses the request.
    const fresh: Evaluation[] = [];
    for (const item of evaluations) {
      const problem = evaluationProblem(item, this.options.dataSource);
      if (problem) return fail(problem);
      const e = item as Evaluation;
      const forcedRefusal = this.faults.refuse.get(e.projectNo);
      if (forcedRefusal) return fail(forcedRefusal);
      const key = NationalSim.key(e);
      if (this.accepted.has(key) || fresh.some((f) => NationalSim.key(f) === key)) {
        this.repeats.set(key, (this.repeats.get(key) ?? 0) + 1);
        return fail(`办件${e.projectNo}的评价已存在`, 'duplicate');
      }
      fresh.push(e);
    }
    for (const e of fresh) this.accepted.set(NationalSim.key(e), e);
    done(200, 'accepted');
    return sendJson(res, 200, { code: '0', success: true, msg: '成功', data: null });
  }

  /** SM2 decryption of the contract's hex (C1 with 04); null when it does not decrypt. */
  private decrypt(hex: unknown): string | null {
    if (typeof hex !== 'string' || !/^04[0-9a-fA-F]+$/.test(hex) || hex.length < 2 + 128 + 64) return null;
    const mode = this.options.cipherMode === 'C1C2C3' ? 0 : 1;
    try {
      const out = sm2.doDecrypt(hex.slice(2), this.privateKey, mode, { output: 'array' });
      return out instanceof Uint8Array ? new TextDecoder('utf-8', { fatal: true }).decode(out) : null;
    } catch {
      return null;
    }
  }
}

/** `yyyyMMddHHmmss` in UTC+8 → epoch ms (NaN when not a date). */
export function cstToEpoch(text: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text);
  if (!m) return Number.NaN;
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  return Date.UTC(y as number, (mo as number) - 1, d, (h as number) - 8, mi, s);
}

async function main(args: string[]): Promise<void> {
  const appMark = argOf(args, '--app-mark');
  const appWord = argOf(args, '--app-word');
  if (!appMark || !appWord) {
    process.stderr.write(
      'usage: national-sim.ts --port 8481 --app-mark X --app-word Y [--data-source 165] [--private-key HEX] [--c1c2c3] [--delay MS] [--fail-every K]\n',
    );
    process.exit(2);
  }
  const privateKey = argOf(args, '--private-key');
  const sim = await NationalSim.start({
    appMark,
    appWord,
    dataSource: argOf(args, '--data-source') ?? '165',
    ...(privateKey ? { privateKey } : {}),
    cipherMode: args.includes('--c1c2c3') ? 'C1C2C3' : 'C1C3C2',
    port: Number(argOf(args, '--port') ?? 8481),
    log: stampedLine,
  });
  sim.faults.delayMs = Number(argOf(args, '--delay') ?? 0);
  sim.faults.failEvery = Number(argOf(args, '--fail-every') ?? 0);
  process.stdout.write(`national simulator at ${sim.url}\npublicKey: ${sim.publicKey}\n`);
  closeOnSignal(sim);
}

if (isMain(import.meta.url)) void main(process.argv.slice(2));
