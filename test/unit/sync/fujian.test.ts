import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { FUJIAN_ADAPTER_DEFAULTS } from '../../../src/profiles/fujian.js';
import type { UploadRequest, UploadResponse } from '../../../src/sync/adapter.js';
import {
  createFujianAdapter,
  type FujianOptions,
  readSaveAnswer,
  saveRequest,
} from '../../../src/sync/adapters/fujian/index.js';
import { fujianSettings } from '../../../src/sync/adapters/fujian/settings.js';
import { readTokenAnswer, tokenRequest } from '../../../src/sync/adapters/fujian/token.js';
import type { PlatformRecord } from '../../../src/sync/adapters/service-facts.js';
import { openssl } from '../../helpers/openssl-sm2.js';
import { citizen, ratingRecord } from '../../helpers/records.js';

const NOW = 1_790_000_000_000;
// 2026-11-29 14:29:41 UTC+8
const RATED = Date.UTC(2026, 10, 29, 6, 29, 41);

function options(over: Partial<FujianOptions> = {}): FujianOptions {
  return {
    ...FUJIAN_ADAPTER_DEFAULTS,
    url: 'https://gateway.example/api-gateway/gateway/',
    appKey: 'hcp-terminal',
    appCode: 'secret-code',
    sysNo: '35',
    ...over,
  };
}

function response(
  status: number,
  body: string | Buffer,
  headers: Record<string, string> = {},
): UploadResponse {
  return { status, headers, body: Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8') };
}

function soapAnswer(kase: string): UploadResponse {
  const esc = kase.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return response(
    200,
    `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><ns2:getSaveEvaluationResponse xmlns:ns2="http://webServiceInterface.cms.linewell.com"><return>${esc}</return></ns2:getSaveEvaluationResponse></soap:Body></soap:Envelope>`,
    { 'content-type': 'text/xml;charset=UTF-8' },
  );
}

function soapFault(status: number): UploadResponse {
  return response(
    status,
    '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault><faultcode>soap:Client</faultcode><faultstring>No such operation</faultstring></soap:Fault></soap:Body></soap:Envelope>',
    { 'content-type': 'text/xml;charset=UTF-8' },
  );
}

/** xmlStr of a call, decrypted by openssl (an implementation independent of ours). */
function documentOf(req: UploadRequest, key: string, mode = 'sm4-ecb', iv?: string, base64 = false): Buffer {
  const m = /<xmlStr>([^<]*)<\/xmlStr>/.exec(req.body.toString('utf8'));
  if (!m?.[1]) throw new Error('no xmlStr');
  const cipher = base64 ? Buffer.from(m[1], 'base64') : Buffer.from(m[1], 'hex');
  return openssl(['enc', '-d', `-${mode}`, '-K', key, ...(iv ? ['-iv', iv] : [])], cipher);
}

const MD5_KEY = '8a33745c95c754dd16db623dd45502b6'; // md5sum of "secret-code"

describe('the Fujian token request', () => {
  it('is a GET with app_key, timestamp and MD5(appCode + timestamp)', () => {
    const s = fujianSettings(options());
    const req = tokenRequest(s, NOW);
    expect(req.method).toBe('GET');
    // md5sum of "secret-code1790000000000"
    expect(req.url).toBe(
      'https://gateway.example/api-gateway/gateway/get-token?app_key=hcp-terminal&timestamp=1790000000000&sign=47f82f11521764a50bce71265a36d1c9',
    );
    const seconds = tokenRequest(
      fujianSettings(options({ tokenTimestamp: 's', tokenPath: '/auth/token' })),
      NOW,
    );
    expect(seconds.url).toMatch(
      /\/gateway\/auth\/token\?app_key=hcp-terminal&timestamp=1790000000&sign=[0-9a-f]{32}$/,
    );
  });

  it('reads the token and how long to keep it', () => {
    expect(readTokenAnswer(response(200, '{"access_token":"t-1","expires_in":7200}'), NOW)).toEqual({
      token: 't-1',
      maxAgeMs: 30 * 60_000,
    });
    expect(readTokenAnswer(response(200, '{"access_token":"t-1","expires_in":600}'), NOW)).toEqual({
      token: 't-1',
      maxAgeMs: 600_000,
    });
    expect(readTokenAnswer(response(200, '{"code":"1001","msg":"sign校验失败"}'), NOW)).toMatchObject({
      kind: 'auth_failed',
      message: expect.stringContaining('sign校验失败'),
    });
    expect(readTokenAnswer(response(200, '<html>维护中</html>'), NOW)).toMatchObject({ kind: 'transient' });
    expect(readTokenAnswer(response(502, ''), NOW)).toMatchObject({ kind: 'transient' });
    // No body at all on a 4xx: not the gateway's words (a proxy, or a firewall on the way).
    expect(readTokenAnswer(response(404, ''), NOW)).toMatchObject({ kind: 'intercepted' });
  });
});

describe('the Fujian evaluation call', () => {
  const record: PlatformRecord = {
    ...ratingRecord({
      ratedAt: RATED,
      level: 2,
      reasons: ['213'],
      comment: '材料<要求>多 & 慢',
      citizen: { ...citizen, name: '陈𠮷' },
    }),
    acceptDate: '2026-11-20 09:00:00',
    serviceTime: '2026-11-29 14:20:00',
  };

  it('is the SOAP envelope around the SM4-ECB document in GB2312, byte for byte', () => {
    const s = fujianSettings(options());
    const req = saveRequest(s, record, 'tok-1');
    expect(req.url).toBe(
      'https://gateway.example/api-gateway/gateway/96hyvzxl/wailian/webservice/getSaveEvaluation',
    );
    expect(req.headers).toEqual({ 'Content-Type': 'text/xml; charset=utf-8' });
    const cipher = /<xmlStr>([0-9a-f]+)<\/xmlStr>/.exec(req.body.toString())?.[1];
    expect(req.body.toString()).toBe(
      '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:web="http://webServiceInterface.cms.linewell.com"><soapenv:Header><Authorization>Basic tok-1</Authorization></soapenv:Header><soapenv:Body><web:getSaveEvaluation><appKey>hcp-terminal</appKey>' +
        `<xmlStr>${cipher}</xmlStr></web:getSaveEvaluation></soapenv:Body></soapenv:Envelope>`,
    );
    const expected = `<?xml version="1.0" encoding="GB2312"?>
<Case>
  <sysNO>35</sysNO>
  <projectNo>TX-1</projectNo>
  <businessCode>S-1</businessCode>
  <businessName>个体工商户登记</businessName>
  <projectName>个体工商户登记</projectName>
  <proStatus>3</proStatus>
  <nodeName>办结</nodeName>
  <regionCode>350521</regionCode>
  <acceptDate>2026-11-20 09:00:00</acceptDate>
  <serviceTime>2026-11-29 14:20:00</serviceTime>
  <deptCode>D-1</deptCode>
  <deptName>县市场监管局</deptName>
  <userProp>1</userProp><userName>陈&#x20bb7;</userName><userPageType>111</userPageType><certKey>350521199001011234</certKey><contactMobile>13812345678</contactMobile>
  <handleUserName>林晓</handleUserName>
  <handleUserNo>0107</handleUserNo>
  <evaluateType>1</evaluateType>
  <pf>4</pf>
  <evaluateLevel>2</evaluateLevel>
  <evaluateTime>2026-11-29 14:29:41</evaluateTime>
  <appraisald>213</appraisald>
  <writingevalua>材料&lt;要求&gt;多 &amp; 慢</writingevalua>
  <customFields>HA-0001,12</customFields>
</Case>
`;
    expect(documentOf(req, MD5_KEY)).toEqual(iconv.encode(expected, 'gbk'));
  });

  it('leaves the personal elements empty without consent', () => {
    const s = fujianSettings(options({ xmlEncoding: 'utf-8' }));
    const doc = documentOf(saveRequest(s, ratingRecord(), 't'), MD5_KEY).toString('utf8');
    expect(doc.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<Case>')).toBe(true);
    expect(doc).toContain(
      '<userProp></userProp><userName></userName><userPageType></userPageType><certKey></certKey><contactMobile></contactMobile>',
    );
  });

  it('follows sm4Key, CBC with its IV, base64 output and the deployment template', () => {
    const key = '0123456789abcdeffedcba9876543210';
    const iv = '00112233445566778899aabbccddeeff';
    const template =
      '<?xml version="1.0" encoding="UTF-8"?><Case><sysNO>{{sysNo}}</sysNO><pjbh>{{ transactionId }}</pjbh><my>{{windowNo}}</my></Case>';
    const s = fujianSettings(
      options({ sm4Key: key.toUpperCase(), sm4Mode: 'cbc', sm4Iv: iv, sm4Output: 'base64', template }),
    );
    const doc = documentOf(saveRequest(s, ratingRecord(), 't'), key, 'sm4-cbc', iv, true);
    expect(iconv.decode(doc, 'gbk')).toBe(
      '<?xml version="1.0" encoding="GB2312"?>\n<Case><sysNO>35</sysNO><pjbh>TX-1</pjbh><my>12</my></Case>',
    );
  });
});

describe('Fujian settings', () => {
  it.each([
    [{ sm4Key: '0123' }, /^platform\.sm4Key: 32 hex digits expected, found 4/],
    [{ sm4Key: 'x'.repeat(32) }, /^platform\.sm4Key: not hexadecimal/],
    [{ sm4Mode: 'cbc' as const }, /^platform\.sm4Iv: required with sm4Mode cbc/],
    [{ sm4Mode: 'cbc' as const, sm4Iv: 'abc' }, /^platform\.sm4Iv: 32 hex digits/],
    [
      { template: '<Case><a>{{citizenName}}</a></Case>' },
      /^platform\.template: unknown placeholder \{\{citizenName\}\}/,
    ],
    [{ template: '<Case><a>{{sysNo}}</Case>' }, /^platform\.template: not well-formed XML/],
    [
      { template: '<!DOCTYPE x [<!ENTITY a "b">]><Case/>' },
      /^platform\.template: a template may not declare/,
    ],
    [{ appCode: '' }, /^platform\.appCode: required/],
    [{ sysNo: '' }, /^platform\.sysNo: required/],
    [{ url: 'gateway' }, /^platform\.url: not an address/],
    [{ tokenPath: 'get-token' }, /^platform\.tokenPath: a path starting with \//],
    [{ xmlEncoding: 'gbk' as never }, /^platform\.xmlEncoding: gb2312 or utf-8/],
  ])('refuses %j naming the key', (change, message) => {
    expect(() => createFujianAdapter(options(change as Partial<FujianOptions>))).toThrow(message);
  });
});

describe('the Fujian answer', () => {
  const r = ratingRecord({ id: 'r-1' });
  const read = (res: UploadResponse) => readSaveAnswer(res, r, NOW);

  it('reads code 200 as accepted, 已存在/重复 as delivered', () => {
    expect(
      read(
        soapAnswer(
          '<Case><code>200</code><msg>保存成功</msg><data><evaluateUnid>u1</evaluateUnid></data></Case>',
        ),
      ),
    ).toEqual({
      kind: 'results',
      results: new Map([['r-1', { status: 'accepted' }]]),
    });
    expect(read(soapAnswer('<Case><code>500</code><msg>该办件的评价已存在</msg></Case>'))).toEqual({
      kind: 'results',
      results: new Map([['r-1', { status: 'duplicate' }]]),
    });
  });

  it('reads token refusals (code 401/403, words, HTTP 401/403) apart from key problems', () => {
    expect(read(soapAnswer('<Case><code>401</code><msg>无效</msg></Case>'))).toBe('token_refused');
    expect(read(soapAnswer('<Case><code>500</code><msg>Token已过期</msg></Case>'))).toBe('token_refused');
    expect(read(soapAnswer('<Case><code>500</code><msg>令牌无效</msg></Case>'))).toBe('token_refused');
    expect(read(response(403, ''))).toBe('token_refused');
    expect(read(soapAnswer('<Case><code>500</code><msg>xmlStr解密失败</msg></Case>'))).toMatchObject({
      kind: 'auth_failed',
      message: 'xmlStr解密失败',
    });
  });

  it('rejects on any other code with the gateway words; other 4xx is misconfigured', () => {
    expect(read(soapAnswer('<Case><code>500</code><msg>事项编码不存在</msg></Case>'))).toEqual({
      kind: 'results',
      results: new Map([['r-1', { status: 'rejected', code: '500', message: '事项编码不存在' }]]),
    });
    // The gateway's own 4xx (JSON or SOAP) says an address is wrong.
    expect(read(response(404, JSON.stringify({ code: 404, msg: '服务不存在' })))).toMatchObject({
      kind: 'misconfigured',
    });
    expect(read(soapFault(400))).toMatchObject({ kind: 'misconfigured', status: 400 });
    expect(read(response(503, '', { 'retry-after': '5' }))).toMatchObject({
      kind: 'transient',
      retryAfterMs: 5000,
    });
  });

  it.each([
    [
      'a SOAP fault',
      soapAnswer('x')
        .body.toString()
        .replace(
          /<ns2:[\s\S]*<\/ns2:getSaveEvaluationResponse>/,
          '<soap:Fault><faultstring>NPE</faultstring></soap:Fault>',
        ),
    ],
    ['a <return> that is not XML', soapAnswer('系统异常').body.toString()],
    ['a <Case> without a code', soapAnswer('<Case><msg>ok</msg></Case>').body.toString()],
    ['an HTML page', '<html><body>维护中</body></html>'],
    [
      'entity expansion',
      '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><soap:Envelope xmlns:soap="s"><soap:Body><r><return>&b;</return></r></soap:Body></soap:Envelope>',
    ],
    ['not XML at all', '{"code":200}'],
  ])('%s is offline', (_what, body) => {
    expect(read(response(200, body, { 'content-type': 'text/xml; charset=utf-8' }))).toMatchObject({
      kind: 'transient',
    });
  });

  it.each([
    [
      "a proxy's HTML page",
      400,
      '<html>\r\n<head><title>400 Bad Request</title></head>\r\n<body><hr><center>nginx</center></body></html>',
    ],
    ['no body', 404, ''],
    ['plain text', 405, 'Method Not Allowed'],
    [
      "a proxy's body limit",
      413,
      '<html><head><title>413 Request Entity Too Large</title></head><body><hr></body></html>',
    ],
  ])(
    "a 4xx with %s (neither JSON nor XML) is nobody's judgement: intercepted, nothing set aside",
    (_what, status, body) => {
      expect(read(response(status, body, { 'content-type': 'text/html' }))).toMatchObject({
        kind: 'intercepted',
        status,
        tooLarge: status === 413,
        message: expect.stringMatching(/something between the terminal and the platform/),
      });
    },
  );

  it('a token request answered by a proxy page is offline, by the gateway itself misconfigured', () => {
    expect(readTokenAnswer(response(400, '<html><hr></html>'), NOW)).toMatchObject({
      kind: 'intercepted',
      message: expect.stringMatching(/^token: HTTP 400/),
    });
    expect(
      readTokenAnswer(response(404, JSON.stringify({ code: 404, msg: 'not found' })), NOW),
    ).toMatchObject({
      kind: 'misconfigured',
      message: 'token: HTTP 404: the gateway address or tokenPath is wrong',
    });
  });

  it('invalid GBK and invalid UTF-8 are offline, never guessed', () => {
    const bad = Buffer.concat([Buffer.from('<a>'), Buffer.from([0xff, 0xfe, 0x81]), Buffer.from('</a>')]);
    expect(read(response(200, bad, { 'content-type': 'text/xml; charset=GBK' }))).toMatchObject({
      kind: 'transient',
      message: expect.stringContaining('not valid GBK'),
    });
    expect(read(response(200, bad, { 'content-type': 'text/xml; charset=utf-8' }))).toMatchObject({
      kind: 'transient',
      message: expect.stringContaining('not valid UTF-8'),
    });
  });

  it('reads a GBK answer in its charset', () => {
    const kase = '<Case><code>500</code><msg>事项编码不存在</msg></Case>'
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;');
    const xml = `<?xml version="1.0" encoding="GBK"?><soap:Envelope xmlns:soap="s"><soap:Body><r><return>${kase}</return></r></soap:Body></soap:Envelope>`;
    expect(
      read(response(200, iconv.encode(xml, 'gbk'), { 'content-type': 'text/xml; charset=GBK' })),
    ).toMatchObject({
      kind: 'results',
      results: new Map([['r-1', { status: 'rejected', code: '500', message: '事项编码不存在' }]]),
    });
  });
});
