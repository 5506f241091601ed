import { describe, expect, it } from 'vitest';
import { NATIONAL_DEFAULTS } from '../../../src/profiles/national.js';
import type { UploadRequest, UploadResponse } from '../../../src/sync/adapter.js';
import {
  createNationalAdapter,
  decodeAnswer,
  NATIONAL_MAX_BATCH,
  type NationalOptions,
  nationalTime,
} from '../../../src/sync/adapters/national.js';
import { RefusalStreak } from '../../../src/sync/adapters/refusal-streak.js';
import type { PlatformRecord } from '../../../src/sync/adapters/service-facts.js';
import { sm2Decrypt, sm2GenerateKeyPair } from '../../../src/sync/crypto/index.js';
import { citizen, ratingRecord } from '../../helpers/records.js';

const keys = sm2GenerateKeyPair();
// 2026-11-29 14:30:00 in UTC+8.
const NOW = Date.UTC(2026, 10, 29, 6, 30, 0);
const RATED = Date.UTC(2026, 10, 29, 6, 29, 41);

function options(overrides: Partial<NationalOptions> = {}): NationalOptions {
  return {
    ...NATIONAL_DEFAULTS,
    url: 'https://hcp.example.gov.cn/evaluation/api/pushEvaluation',
    appMark: 'HA-APP',
    appWord: '应用密钥-word',
    publicKey: keys.publicKey,
    dataSource: '165',
    ...overrides,
  };
}

function response(status: number, body: unknown, headers: Record<string, string> = {}): UploadResponse {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return { status, headers, body: Buffer.from(text, 'utf8') };
}

/** The body split into its parts, the ciphertexts decrypted with the private key. */
function open(body: Buffer, mode: 'C1C3C2' | 'C1C2C3' = 'C1C3C2') {
  const text = body.toString('utf8');
  const env = JSON.parse(text) as {
    txnBodyCom: { appMark: string; time: string; sign: string; params: { evaluate: string[] } };
    txnCommCom: object;
  };
  const { appMark, time, sign, params } = env.txnBodyCom;
  expect(params.evaluate).toHaveLength(1);
  const evaluate = params.evaluate[0] as string;
  // Byte for byte: the envelope is exactly the contract's, with these two ciphertexts.
  expect(text).toBe(
    `{"txnBodyCom":{"appMark":"${appMark}","time":"${time}","sign":"${sign}","params":{"evaluate":["${evaluate}"]}},"txnCommCom":{}}`,
  );
  expect(sign).toMatch(/^04[0-9a-f]+$/);
  expect(evaluate).toMatch(/^04[0-9a-f]+$/);
  return {
    appMark,
    time,
    sign: sm2Decrypt(sign, keys.privateKey, mode).toString('utf8'),
    evaluate: sm2Decrypt(evaluate, keys.privateKey, mode).toString('utf8'),
  };
}

describe('the national request', () => {
  it('is the contract envelope: time, sign and one encrypted EVALUATION array, byte for byte', () => {
    const adapter = createNationalAdapter(options({ headers: { 'X-Tenant-Id': 'fj-350521' } }));
    const record = ratingRecord({ ratedAt: RATED, level: 2, reasons: ['213', '214'], comment: '等了很久' });
    const req = adapter.encode([record], NOW);
    expect(req.url).toBe('https://hcp.example.gov.cn/evaluation/api/pushEvaluation');
    expect(req.headers).toEqual({
      'Content-Type': 'application/json; charset=utf-8',
      'X-Tenant-Id': 'fj-350521',
    });
    const sent = open(req.body);
    expect(sent.appMark).toBe('HA-APP');
    expect(sent.time).toBe('20261129143000');
    expect(sent.sign).toBe('20261129143000HA-APP应用密钥-word');
    expect(sent.evaluate).toBe(
      '[{"projectNo":"TX-1","serviceNumber":1,"pf":"4","satisfaction":"2","evalDetail":"213,214",' +
        '"writingEvaluation":"等了很久","assessTime":"2026-11-29 14:29:41","assessNumber":1,"dataSource":"165",' +
        '"taskCode":"S-1","taskName":"个体工商户登记","deptCode":"D-1","proDepart":"县市场监管局",' +
        '"proStatus":"3","acceptDate":""}]',
    );
  });

  it('writes time in UTC+8 whatever the machine zone, across midnight', () => {
    expect(nationalTime(Date.UTC(2026, 11, 31, 16, 0, 5))).toBe('20270101000005');
  });

  it('carries the prompt facts when given, and never an assessTime before serviceTime', () => {
    const adapter = createNationalAdapter(options());
    const record: PlatformRecord = {
      ...ratingRecord({ ratedAt: RATED, level: 5, reasons: ['510', '517'] }),
      serviceNumber: 2,
      proStatus: '1',
      acceptDate: '2026-11-20 09:00:00',
      serviceTime: '2026-11-29 14:31:00',
      taskHandleItem: '11350521MB1234567X4000117001',
    };
    const e = JSON.parse(open(adapter.encode([record], NOW).body).evaluate)[0];
    expect(e).toMatchObject({
      serviceNumber: 2,
      proStatus: '1',
      acceptDate: '2026-11-20 09:00:00',
      taskHandleItem: '11350521MB1234567X4000117001',
      assessTime: '2026-11-29 14:31:00',
      evalDetail: '510,517',
    });
    expect(Object.keys(e).indexOf('taskHandleItem')).toBe(Object.keys(e).indexOf('taskName') + 1);
  });

  it('sends personal fields only with consent, absent (not empty) without', () => {
    const adapter = createNationalAdapter(options());
    const anonymous = JSON.parse(open(adapter.encode([ratingRecord()], NOW).body).evaluate)[0];
    for (const k of ['userProp', 'userName', 'userPageType', 'certKey', 'mobile'])
      expect(anonymous).not.toHaveProperty(k);

    const person = JSON.parse(open(adapter.encode([ratingRecord({ citizen })], NOW).body).evaluate)[0];
    expect(person).toMatchObject({
      userProp: '1',
      userName: '陈美英',
      userPageType: '111',
      certKey: '350521199001011234',
      mobile: '13812345678',
    });

    const company = {
      name: '惠安某某有限公司',
      idNumber: '91350521MA2XXXXX1X',
      phone: '059587000000',
      type: 2 as const,
    };
    const legal = JSON.parse(
      open(adapter.encode([ratingRecord({ citizen: company })], NOW).body).evaluate,
    )[0];
    expect(legal).toMatchObject({ userProp: '2', userPageType: '001', certKey: '91350521MA2XXXXX1X' });

    const passport = { ...citizen, idNumber: 'E12345678' };
    const other = JSON.parse(
      open(adapter.encode([ratingRecord({ citizen: passport })], NOW).body).evaluate,
    )[0];
    expect(other.userProp).toBe('1');
    expect(other).not.toHaveProperty('userPageType');
  });

  it('encrypts in the configured order (C1C2C3)', () => {
    const adapter = createNationalAdapter(options({ cipherMode: 'C1C2C3' }));
    const body = adapter.encode([ratingRecord()], NOW).body;
    expect(open(body, 'C1C2C3').sign).toBe('20261129143000HA-APP应用密钥-word');
    expect(() => open(body, 'C1C3C2')).toThrow(/C3/);
  });

  it('batches as configured: several EVALUATION objects in one encrypted array', () => {
    const adapter = createNationalAdapter(options({ batchSize: 3 }));
    expect(adapter.maxBatch).toBe(3);
    const records = [1, 2, 3].map((i) => ratingRecord({ id: `r-${i}`, transactionId: `TX-${i}` }));
    const list = JSON.parse(open(adapter.encode(records, NOW).body).evaluate);
    expect(list.map((e: { projectNo: string }) => e.projectNo)).toEqual(['TX-1', 'TX-2', 'TX-3']);
    expect(() => adapter.encode([...records, ratingRecord({ id: 'r-4' })], NOW)).toThrow(/at most 3/);
    expect(createNationalAdapter(options()).maxBatch).toBe(1);
  });

  it('never builds a request without a rating: the interface defines no empty list', () => {
    expect(() => createNationalAdapter(options()).encode([], NOW)).toThrow(/ratings only/);
  });

  it('probes with one bodiless GET of the address, any HTTP answer meaning reachable', async () => {
    const adapter = createNationalAdapter(options({ headers: { 'X-Tenant': 't-1' } }));
    const seen: UploadRequest[] = [];
    for (const status of [200, 404, 405, 500]) {
      const outcome = await adapter.probe?.(
        () => NOW,
        async (request) => {
          seen.push(request);
          return { status, headers: {}, body: Buffer.from('<html>whatever</html>') };
        },
      );
      expect(outcome).toEqual({ kind: 'answered', status });
    }
    expect(seen.map((r) => [r.method, r.url, r.body.length, r.headers])).toEqual(
      Array(4).fill(['GET', options().url, 0, { 'X-Tenant': 't-1' }]),
    );
  });
});

describe('national settings', () => {
  it.each([
    [{ publicKey: `04${'1'.repeat(128)}` }, /^platform\.publicKey: .*not a point on the SM2 curve/],
    [{ publicKey: 'abcd' }, /^platform\.publicKey: .*128 hex digits/],
    [{ appWord: '' }, /^platform\.appWord: required/],
    [{ appMark: ' ' }, /^platform\.appMark: required/],
    [{ dataSource: '' }, /^platform\.dataSource: required/],
    [{ url: 'hcp.example.gov.cn' }, /^platform\.url: not an address/],
    [{ url: 'ftp://x/' }, /^platform\.url: must be http/],
    [{ batchSize: 51 }, /^platform\.batchSize: a whole number from 1 to 50/],
    [{ batchSize: 0 }, /^platform\.batchSize/],
    [{ cipherMode: 'C2C1C3' as never }, /^platform\.cipherMode/],
    [
      { headers: { 'Content-Type': 'text/plain' } },
      /^platform\.headers: Content-Type is set by the terminal/,
    ],
    [{ headers: { 'X-A': 'a\r\nX-B: b' } }, /^platform\.headers: X-A: one line/],
    [{ headers: { 'bad name': 'x' } }, /^platform\.headers: "bad name" is not a header name/],
  ])('refuses %j naming the key', (change, message) => {
    expect(() => createNationalAdapter(options(change as Partial<NationalOptions>))).toThrow(message);
  });

  it('accepts the largest batch and a 128-digit key', () => {
    const adapter = createNationalAdapter(
      options({ batchSize: NATIONAL_MAX_BATCH, publicKey: keys.publicKey.slice(2) }),
    );
    expect(adapter.maxBatch).toBe(50);
  });
});

describe('the national answer', () => {
  const one = [ratingRecord({ id: 'r-1' })];
  const two = [ratingRecord({ id: 'r-1' }), ratingRecord({ id: 'r-2' })];
  const adapter = () => createNationalAdapter(options({ batchSize: 10 }));

  it.each([
    { code: 0, success: true },
    { code: '0', success: 'true', msg: '成功' },
    { 'C-Response-Desc': 'success', 'C-API-Status': '00' },
  ])('%j accepts every evaluation of the request', (body) => {
    const outcome = adapter().decode(response(200, body), two, NOW);
    expect(outcome).toEqual({
      kind: 'results',
      results: new Map([
        ['r-1', { status: 'accepted' }],
        ['r-2', { status: 'accepted' }],
      ]),
    });
  });

  it.each(['该评价已存在', '数据重复提交'])('a single evaluation answered "%s" is a duplicate', (msg) => {
    const outcome = adapter().decode(response(200, { code: '1', success: false, msg }), one, NOW);
    expect(outcome).toEqual({ kind: 'results', results: new Map([['r-1', { status: 'duplicate' }]]) });
  });

  it.each([
    ['msg', '签名错误'],
    ['message', '验签失败'],
    ['errorMessage', '数据解密失败'],
    ['msg', 'SIGN check failed'],
    ['msg', 'invalid APPMARK'],
    ['msg', '鉴权失败'],
    ['C-Response-Desc', '认证不通过'],
  ])('%s "%s" is auth_failed (keys or clock)', (field, text) => {
    const outcome = adapter().decode(response(200, { code: 500, success: false, [field]: text }), one, NOW);
    expect(outcome).toMatchObject({ kind: 'auth_failed', status: 200, message: text });
  });

  it('any other failure for a single evaluation rejects it with the platform code and words', () => {
    const outcome = adapter().decode(
      response(200, { code: 'E1001', success: false, msg: 'taskCode不能为空' }),
      one,
      NOW,
    );
    expect(outcome).toEqual({
      kind: 'results',
      results: new Map([['r-1', { status: 'rejected', code: 'E1001', message: 'taskCode不能为空' }]]),
    });
  });

  it.each(['该评价已存在', '签名错误', 'taskCode不能为空'])(
    'a failure ("%s") for several evaluations is never classified whole: the batch is split',
    (msg) => {
      expect(adapter().decode(response(200, { code: 1, success: false, msg }), two, NOW)).toEqual({
        kind: 'refused',
        status: 200,
        message: msg,
      });
    },
  );

  it.each([
    ['HTML error page', '<html><body>网关错误</body></html>'],
    ['empty body', ''],
    ['a JSON list', '[]'],
    ['a JSON string', '"ok"'],
    ['code of a wrong type', '{"code":{"x":1},"success":true}'],
    ['success of a wrong type', '{"code":0,"success":[true]}'],
    ['message of a wrong type', '{"code":1,"msg":{"text":"已存在"}}'],
    ['no code, flag or message', '{"data":null}'],
    ['deep nesting', `${'['.repeat(100_000)}${']'.repeat(100_000)}`],
  ])('a 200 with %s is offline (retried), never a record set aside', (_what, body) => {
    const outcome = adapter().decode(response(200, body), one, NOW);
    expect(outcome.kind).toBe('transient');
  });

  it('reads HTTP statuses as the reference profile does', () => {
    const a = adapter();
    expect(a.decode(response(401, ''), one, NOW).kind).toBe('auth_failed');
    expect(a.decode(response(403, ''), one, NOW).kind).toBe('auth_failed');
    expect(a.decode(response(404, ''), one, NOW).kind).toBe('misconfigured');
    expect(a.decode(response(400, { message: 'bad' }), one, NOW).kind).toBe('refused');
    // A 4xx that is not the platform's JSON (a proxy's page, or none) judges nothing.
    expect(a.decode(response(400, '<html><title>400 Bad Request</title></html>'), one, NOW)).toMatchObject({
      kind: 'intercepted',
      status: 400,
      tooLarge: false,
    });
    expect(a.decode(response(413, ''), one, NOW)).toMatchObject({ kind: 'intercepted', tooLarge: true });
    expect(a.decode(response(503, '', { 'retry-after': '7' }), one, NOW)).toMatchObject({
      kind: 'transient',
      retryAfterMs: 7000,
    });
  });

  it('pauses as misconfigured at the third single refusal in a row with the same words', () => {
    const a = adapter();
    const refuse = (id: string, msg = '数据格式错误') =>
      a.decode(response(200, { code: 1, success: false, msg }), [ratingRecord({ id })], NOW);
    expect(refuse('r-1').kind).toBe('results');
    expect(refuse('r-2').kind).toBe('results');
    expect(refuse('r-3')).toMatchObject({
      kind: 'misconfigured',
      message: expect.stringContaining('数据格式错误'),
    });
    // Still paused when the same record is tried again after the pause.
    expect(refuse('r-3').kind).toBe('misconfigured');
  });

  it('a different message, an acceptance or a duplicate breaks the streak', () => {
    const streak = new RefusalStreak();
    const refuse = (msg: string) =>
      decodeAnswer(response(200, { code: 1, success: false, msg }), [ratingRecord()], streak).kind;
    expect([refuse('A'), refuse('A'), refuse('B'), refuse('B')]).toEqual([
      'results',
      'results',
      'results',
      'results',
    ]);
    decodeAnswer(response(200, { code: 0, success: true }), [ratingRecord()], streak);
    expect([refuse('B'), refuse('B')]).toEqual(['results', 'results']);
    decodeAnswer(response(200, { code: 1, success: false, msg: '已存在' }), [ratingRecord()], streak);
    expect([refuse('B'), refuse('B'), refuse('B')]).toEqual(['results', 'results', 'misconfigured']);
  });
});
