import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { FUJIAN_ADAPTER_DEFAULTS } from '../../../src/profiles/fujian.js';
import type { UploadResponse } from '../../../src/sync/adapter.js';
import { fujianSettings } from '../../../src/sync/adapters/fujian/settings.js';
import {
  type PageRequestFacts,
  pageRequest,
  readPageAnswer,
} from '../../../src/sync/adapters/fujian/url-mode.js';
import { openssl } from '../../helpers/openssl-sm2.js';

const s = fujianSettings({
  ...FUJIAN_ADAPTER_DEFAULTS,
  url: 'https://gw.example/api-gateway/gateway',
  appKey: 'k',
  appCode: 'secret-code',
  sysNo: '35',
});
const facts: PageRequestFacts = {
  transactionId: 'SP-1',
  taskCode: 'S-1',
  taskName: '个体工商户登记',
  proStatus: '1',
  acceptDate: '',
  serviceTime: '2026-11-29 14:20:00',
  areaCode: '350521000000',
  channel: 5,
  terminalId: 'HA-0001',
  windowNo: '12',
};

function answer(kase: string, status = 200): UploadResponse {
  const esc = kase.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return {
    status,
    headers: { 'content-type': 'text/xml; charset=utf-8' },
    body: Buffer.from(
      `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><ns2:r xmlns:ns2="w"><return>${esc}</return></ns2:r></soap:Body></soap:Envelope>`,
    ),
  };
}

describe('the URL mode page request', () => {
  it('carries exactly the contract elements, in order, personal ones empty', () => {
    const req = pageRequest(s, { network: 2, backUrl: 'https://hall.example/back?a=1&b=2' }, facts, 'tok');
    expect(req.url).toBe(
      'https://gw.example/api-gateway/gateway/96hyvzxl/wailian/webservice/getSaveEvaluationUrl',
    );
    expect(req.body.toString()).toContain('<web:getSaveEvaluationUrl><appKey>k</appKey><xmlStr>');
    const cipher = /<xmlStr>([0-9a-f]+)<\/xmlStr>/.exec(req.body.toString())?.[1] ?? '';
    // md5sum of "secret-code" is the default key.
    const plain = openssl(
      ['enc', '-d', '-sm4-ecb', '-K', '8a33745c95c754dd16db623dd45502b6'],
      Buffer.from(cipher, 'hex'),
    );
    expect(iconv.decode(plain, 'gbk')).toBe(
      '<?xml version="1.0" encoding="GB2312"?>\n<Case><sysNO>35</sysNO><businessCode>S-1</businessCode>' +
        '<businessName>个体工商户登记</businessName><projectNo>SP-1</projectNo><proStatus>1</proStatus>' +
        '<projectName>个体工商户登记</projectName><nodeName>受理</nodeName><regionCode>350521</regionCode>' +
        '<acceptDate></acceptDate><userProp></userProp><userName></userName><userPageType></userPageType>' +
        '<certKey></certKey><handleUserName></handleUserName><handleUserPageType></handleUserPageType>' +
        '<handleUserPageCode></handleUserPageCode><resultDate></resultDate><serviceTime>2026-11-29 14:20:00</serviceTime>' +
        '<evaluateType>1</evaluateType><pf>5</pf><type>2</type><contactMobile></contactMobile>' +
        '<backUrl>https://hall.example/back?a=1&amp;b=2</backUrl><customFields>HA-0001,12</customFields>' +
        '<pf5urltype>2</pf5urltype></Case>',
    );
  });
});

describe('the URL mode answer', () => {
  it('takes an http(s) page from data/url, unescaped, never cut', () => {
    const url = 'https://zwfw.fujian.gov.cn/hcp/evaluate?projectNo=SP-1&token=abc';
    expect(
      readPageAnswer(
        answer(
          `<Case><code>200</code><msg>成功</msg><data><url>${url.replace('&', '&amp;')}</url></data></Case>`,
        ),
      ),
    ).toEqual({ kind: 'page', url });
  });

  it.each([
    ['a javascript: address', 'javascript:alert(1)'],
    ['not an address', '请稍后再试'],
    ['an address over 500 characters', `https://x.example/${'a'.repeat(490)}`],
  ])('refuses %s', (_what, url) => {
    expect(
      readPageAnswer(answer(`<Case><code>200</code><msg>ok</msg><data><url>${url}</url></data></Case>`)),
    ).toMatchObject({
      kind: 'failed',
      reason: expect.stringContaining('data/url'),
    });
  });

  it('tells a refused token and a refusal apart', () => {
    expect(readPageAnswer(answer('<Case><code>401</code><msg>token已失效</msg></Case>'))).toEqual({
      kind: 'token_refused',
    });
    expect(readPageAnswer({ status: 401, headers: {}, body: Buffer.alloc(0) })).toEqual({
      kind: 'token_refused',
    });
    expect(readPageAnswer(answer('<Case><code>500</code><msg>办件不存在</msg></Case>'))).toEqual({
      kind: 'failed',
      reason: 'code 500: 办件不存在',
    });
    expect(readPageAnswer({ status: 502, headers: {}, body: Buffer.alloc(0) })).toEqual({
      kind: 'failed',
      reason: 'HTTP 502',
    });
    expect(readPageAnswer(answer('not xml'))).toMatchObject({ kind: 'failed' });
  });
});
