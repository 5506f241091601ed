// A 好差评 platform on loopback speaking the reference upload profile, with faults on
// demand. It checks what a strict platform would (headers, signature, nonce reuse, the
// record rules), deduplicates on recordId, and remembers everything it answered, so
// tests can assert that no record was accepted twice.
//
// Written from contracts/platform-upload.md, not from src/sync: it must not share the
// terminal's mistakes.
//
// By hand: node --import tsx test/sim/platform-sim.ts --port 8480 --app-mark X --secret Y
//   [--delay MS] [--fail-every K] [--max-skew-ms MS]

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import {
  argOf,
  closeOnSignal,
  HttpSim,
  isMain,
  sendText,
  stampedLine,
  transportFault,
} from './http-sim-server.js';

export interface PlatformSimOptions {
  appMark: string;
  secret: string;
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Path prefix of platform.url; requests go to `${prefix}/evaluations`. */
  prefix?: string;
  /** Refuse (401) timestamps further than this from the simulator's clock; null: no check. */
  maxSkewMs?: number | null;
  log?: (line: string) => void;
}

export interface SimRequest {
  n: number;
  at: number;
  recordIds: string[];
  /** 'waiting' until answered. */
  status: number | 'reset' | 'waiting';
}

export type Verdict = 'accepted' | 'duplicate' | 'rejected';

export interface Faults {
  /** Delay before answering, after the records have been taken in. */
  delayMs: number;
  /** Answer 500 to every k-th request (0: never). */
  failEvery: number;
  /** Destroy the connection on every k-th request, without an answer (0: never). */
  resetEvery: number;
  /** Take in every k-th request's records, then destroy the connection instead of answering. */
  loseAnswerEvery: number;
  /** These recordIds are answered `rejected` with this code and message. */
  rejectIds: Map<string, { code: string; message: string }>;
  /** A request carrying any of these recordIds is refused whole with `refuseStatus`. */
  refuseIds: Set<string>;
  refuseStatus: 400 | 413 | 422;
  /** These recordIds are processed but left out of the answer. */
  omitIds: Set<string>;
  /** Answer 200 with a body that is not the upload answer. */
  malformed: boolean;
  /** Answer this status (with Retry-After when given) to the next `count` requests. */
  status: { code: number; retryAfter?: string; count: number } | null;
}

export const REQUIRED_FIELDS: Record<string, 'string' | 'integer'> = {
  recordId: 'string',
  projectNo: 'string',
  assessNumber: 'integer',
  pf: 'integer',
  satisfaction: 'integer',
  evalDetail: 'string',
  writingEvaluation: 'string',
  assessTime: 'string',
  areaCode: 'string',
  taskCode: 'string',
  taskName: 'string',
  deptCode: 'string',
  proDepart: 'string',
  proManager: 'string',
  proManagerNo: 'string',
  scope: 'string',
  terminalId: 'string',
  windowNo: 'string',
  flags: 'string',
};
export const PERSONAL_FIELDS: Record<string, 'string' | 'integer'> = {
  userProp: 'integer',
  userName: 'string',
  certKey: 'string',
  mobile: 'string',
};

export class PlatformSim extends HttpSim {
  /** Every record accepted, by recordId, as it arrived. */
  readonly accepted = new Map<string, Record<string, unknown>>();
  /** Every per-record answer given, in order. */
  readonly answers: { recordId: string; verdict: Verdict; code?: string }[] = [];
  readonly requests: SimRequest[] = [];
  readonly faults: Faults = {
    delayMs: 0,
    failEvery: 0,
    resetEvery: 0,
    loseAnswerEvery: 0,
    rejectIds: new Map(),
    refuseIds: new Set(),
    refuseStatus: 422,
    omitIds: new Set(),
    malformed: false,
    status: null,
  };
  private appMark: string;
  private secret: string;
  private readonly nonces = new Set<string>();
  private count = 0;
  private waiters: (() => void)[] = [];

  private constructor(private readonly options: PlatformSimOptions) {
    super({ ...options, keepAliveTimeout: 5_000 });
    this.appMark = options.appMark;
    this.secret = options.secret;
  }

  static async start(options: PlatformSimOptions): Promise<PlatformSim> {
    const sim = new PlatformSim(options);
    await sim.up();
    return sim;
  }

  /** What a terminal puts in platform.url. */
  get url(): string {
    return `${this.http.origin}${this.options.prefix ?? '/api'}`;
  }

  /** recordIds answered `accepted` more than once: must always be empty. */
  acceptedTwice(): string[] {
    const seen = new Set<string>();
    const twice = new Set<string>();
    for (const a of this.answers) {
      if (a.verdict !== 'accepted') continue;
      if (seen.has(a.recordId)) twice.add(a.recordId);
      seen.add(a.recordId);
    }
    return [...twice];
  }

  verdictsOf(recordId: string): Verdict[] {
    return this.answers.filter((a) => a.recordId === recordId).map((a) => a.verdict);
  }

  setCredentials(appMark: string, secret: string): void {
    this.appMark = appMark;
    this.secret = secret;
  }

  /** Resolves when the next upload request has arrived (its body read). */
  nextRequest(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private log(line: string): void {
    this.options.log?.(line);
  }

  protected fault(res: http.ServerResponse): void {
    send(res, 500, { code: 'E_SIM', message: 'simulator fault' });
  }

  protected async answer(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): Promise<void> {
    const path = (req.url ?? '').split('?')[0];
    if (path !== `${this.options.prefix ?? '/api'}/evaluations`) {
      return send(res, 404, { code: 'E_NOT_FOUND', message: `no such path ${path}` });
    }
    if (req.method !== 'POST') return send(res, 405, { code: 'E_METHOD', message: 'POST only' });

    const n = ++this.count;
    const ids = recordIdsOf(body);
    const entry: SimRequest = { n, at: Date.now(), recordIds: ids, status: 'waiting' };
    this.requests.push(entry);
    const log = (status: number | 'reset') => {
      entry.status = status;
      this.log(`#${n} ${ids.length} records → ${status}`);
    };
    for (const w of this.waiters.splice(0)) w();

    const faulted = transportFault(n, this.faults, req, {
      forced: (code, headers) =>
        send(res, code, { code: `E_${code}`, message: 'forced by the test' }, headers),
      fail: () => send(res, 500, { code: 'E_INTERNAL', message: 'flaky by request' }),
    });
    if (faulted !== null) return log(faulted);

    // The request as a strict platform checks it.
    if (req.headers['transfer-encoding'] !== undefined || req.headers['content-length'] === undefined) {
      log(411);
      return send(res, 411, { code: 'E_LENGTH', message: 'a Content-Length is required; no chunked bodies' });
    }
    if (Number(req.headers['content-length']) !== body.length) {
      log(400);
      return send(res, 400, { code: 'E_LENGTH', message: 'Content-Length does not match the body' });
    }
    if (req.headers['content-type'] !== 'application/json; charset=utf-8') {
      log(415);
      return send(res, 415, { code: 'E_TYPE', message: `Content-Type ${req.headers['content-type']}` });
    }
    const authProblem = this.checkAuth(req, body);
    if (authProblem) {
      log(401);
      return send(res, 401, { code: 'E_AUTH', message: authProblem });
    }

    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      log(400);
      return send(res, 400, { code: 'E_JSON', message: 'the body is not JSON' });
    }
    const records = (parsed as { records?: unknown })?.records;
    if (!Array.isArray(records)) {
      log(400);
      return send(res, 400, { code: 'E_BODY', message: 'records must be a list' });
    }
    if (records.length > 100) {
      log(413);
      return send(res, 413, { code: 'E_TOO_MANY', message: 'at most 100 records a request' });
    }
    if (ids.some((id) => this.faults.refuseIds.has(id))) {
      log(this.faults.refuseStatus);
      return send(res, this.faults.refuseStatus, {
        code: 'E_BATCH',
        message: 'a record in this batch is refused',
      });
    }

    const results: { recordId: unknown; status: Verdict; code: string; message: string }[] = [];
    for (const record of records as unknown[]) {
      const result = this.judge(record);
      this.answers.push({
        recordId: String(result.recordId),
        verdict: result.status,
        ...(result.status === 'rejected' ? { code: result.code } : {}),
      });
      if (!this.faults.omitIds.has(String(result.recordId))) results.push(result);
    }
    if (this.faults.delayMs > 0) await this.http.hold(this.faults.delayMs);
    if (this.faults.loseAnswerEvery > 0 && n % this.faults.loseAnswerEvery === 0) {
      log('reset');
      req.socket.destroy();
      return;
    }
    log(200);
    if (this.faults.malformed) return sendRaw(res, 200, '<html>gateway says hello</html>');
    return send(res, 200, { results });
  }

  private checkAuth(req: http.IncomingMessage, body: Buffer): string | null {
    const mark = req.headers['x-app-mark'];
    const ts = req.headers['x-timestamp'];
    const nonce = req.headers['x-nonce'];
    const sign = req.headers['x-sign'];
    if (mark !== this.appMark) return 'unknown X-App-Mark';
    if (typeof ts !== 'string' || !/^\d{13}$/.test(ts)) return 'X-Timestamp must be Unix milliseconds';
    if (typeof nonce !== 'string' || !/^[A-Za-z0-9]{16,}$/.test(nonce))
      return 'X-Nonce must be 16+ [A-Za-z0-9]';
    if (typeof sign !== 'string' || !/^[0-9a-f]{64}$/.test(sign)) return 'X-Sign must be 64 lowercase hex';
    const skew = this.options.maxSkewMs;
    if (skew != null && Math.abs(Date.now() - Number(ts)) > skew) return 'X-Timestamp too far from now';
    const digest = createHash('sha256').update(body).digest('hex');
    const expected = createHmac('sha256', this.secret).update(`${mark}\n${ts}\n${nonce}\n${digest}`).digest();
    if (!timingSafeEqual(expected, Buffer.from(sign, 'hex'))) return 'bad signature';
    if (this.nonces.has(nonce)) return 'nonce already used';
    this.nonces.add(nonce);
    return null;
  }

  private judge(record: unknown): { recordId: unknown; status: Verdict; code: string; message: string } {
    const r = (typeof record === 'object' && record !== null ? record : {}) as Record<string, unknown>;
    const recordId = r.recordId;
    const reject = (code: string, message: string) => ({
      recordId,
      status: 'rejected' as const,
      code,
      message,
    });
    if (typeof recordId !== 'string' || recordId === '') return reject('E_FIELD', 'recordId missing');
    if (this.accepted.has(recordId)) return { recordId, status: 'duplicate', code: '', message: '' };
    const forced = this.faults.rejectIds.get(recordId);
    if (forced) return reject(forced.code, forced.message);
    const problem = recordProblem(r);
    if (problem) return reject(problem.code, problem.message);
    this.accepted.set(recordId, r);
    return { recordId, status: 'accepted', code: '', message: '' };
  }
}

/** Why a platform would reject this RECORD; null when it is acceptable. */
export function recordProblem(r: Record<string, unknown>): { code: string; message: string } | null {
  const bad = (message: string) => ({ code: 'E_FIELD', message });
  for (const key of Object.keys(r)) {
    if (!(key in REQUIRED_FIELDS) && !(key in PERSONAL_FIELDS)) return bad(`unknown field ${key}`);
  }
  for (const [key, type] of Object.entries(REQUIRED_FIELDS)) {
    if (!hasType(r[key], type)) return bad(`${key} must be a${type === 'integer' ? 'n integer' : ' string'}`);
  }
  const personal = Object.keys(PERSONAL_FIELDS).filter((k) => k in r);
  if (personal.length !== 0 && personal.length !== 4) return bad('personal fields come all four or none');
  for (const [key, type] of Object.entries(PERSONAL_FIELDS)) {
    if (key in r && !hasType(r[key], type)) return bad(`${key} has the wrong type`);
  }
  if (personal.length === 4 && r.userProp !== 1 && r.userProp !== 2) return bad('userProp must be 1 or 2');
  if ((r.projectNo as string).length === 0 || (r.projectNo as string).length > 50)
    return bad('projectNo must be 1-50 characters');
  if (r.assessNumber !== 1 && r.assessNumber !== 2) return bad('assessNumber must be 1 or 2');
  if ((r.pf as number) < 1 || (r.pf as number) > 7) return bad('pf must be 1-7');
  const s = r.satisfaction as number;
  if (s < 1 || s > 5) return bad('satisfaction must be 1-5');
  if ((r.writingEvaluation as string).length > 500) return bad('writingEvaluation over 500 characters');
  if (!/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(r.assessTime as string))
    return bad('assessTime must be yyyy-MM-dd HH:mm:ss');
  if (!/^(\d{6}|\d{12})$/.test(r.areaCode as string)) return bad('areaCode must be 6 or 12 digits');
  if (!['single', 'overall', 'department', 'package'].includes(r.scope as string))
    return bad('unknown scope');
  if (s <= 2 && r.evalDetail === '' && r.writingEvaluation === '') {
    return { code: 'E_BAD_NO_REASON', message: '差评 without evalDetail or writingEvaluation' };
  }
  return null;
}

function hasType(value: unknown, type: 'string' | 'integer'): boolean {
  return type === 'string' ? typeof value === 'string' : Number.isInteger(value);
}

function recordIdsOf(body: Buffer): string[] {
  try {
    const records = (JSON.parse(body.toString('utf8')) as { records?: unknown }).records;
    if (!Array.isArray(records)) return [];
    return records.map((r) => String((r as { recordId?: unknown })?.recordId));
  } catch {
    return [];
  }
}

function send(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  sendRaw(res, status, JSON.stringify(body), headers);
}

function sendRaw(
  res: http.ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  sendText(res, status, 'application/json; charset=utf-8', text, headers);
}

async function main(args: string[]): Promise<void> {
  const appMark = argOf(args, '--app-mark');
  const secret = argOf(args, '--secret');
  if (!appMark || !secret) {
    process.stderr.write(
      'usage: platform-sim.ts --port 8480 --app-mark X --secret Y [--delay MS] [--fail-every K] [--max-skew-ms MS]\n',
    );
    process.exit(2);
  }
  const sim = await PlatformSim.start({
    appMark,
    secret,
    port: Number(argOf(args, '--port') ?? 8480),
    maxSkewMs: Number(argOf(args, '--max-skew-ms') ?? 300_000),
    log: stampedLine,
  });
  sim.faults.delayMs = Number(argOf(args, '--delay') ?? 0);
  sim.faults.failEvery = Number(argOf(args, '--fail-every') ?? 0);
  process.stdout.write(`platform simulator at ${sim.url} (POST ${sim.url}/evaluations)\n`);
  closeOnSignal(sim);
}

if (isMain(import.meta.url)) void main(process.argv.slice(2));
