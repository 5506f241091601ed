import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildPayload, makeToken, type QrPayload, qrUrl, randomNonce } from '../../../src/qr/token.js';

// Fixed inputs, and the token an independent implementation (Python's json, base64,
// hmac) made of them: a change of key order, spacing, encoding or signing breaks it.
const FACTS = {
  terminalId: 'HA-0001',
  transactionId: '惠安-2025-000123',
  serviceCode: '350521-XK-001',
  departmentCodes: ['11350521MB0000001X', '11350521MB0000002Y'],
  clerkId: '0012',
  nowMs: 1_735_689_600_123,
  ttlSeconds: 259_200,
  nonce: 'AAECAwQFBgcICQoLDA0ODw',
};
const SECRET = 'hall-secret-测试';
const KNOWN_JSON =
  '{"v":1,"tid":"HA-0001","pno":"惠安-2025-000123","tc":"350521-XK-001",' +
  '"dc":["11350521MB0000001X","11350521MB0000002Y"],"cn":"0012",' +
  '"iat":1735689600,"exp":1735948800,"n":"AAECAwQFBgcICQoLDA0ODw"}';
const KNOWN_TOKEN =
  'eyJ2IjoxLCJ0aWQiOiJIQS0wMDAxIiwicG5vIjoi5oOg5a6JLTIwMjUtMDAwMTIzIiwidGMiOiIzNTA1MjEtWEstMDAxIiwiZGMiOlsiMTEzNTA1MjFNQjAwMDAwMDFYIiwiMTEzNTA1MjFNQjAwMDAwMDJZIl0sImNuIjoiMDAxMiIsImlhdCI6MTczNTY4OTYwMCwiZXhwIjoxNzM1OTQ4ODAwLCJuIjoiQUFFQ0F3UUZCZ2NJQ1FvTERBME9EdyJ9' +
  '.BWs5JZFjCNXtzoNYew4dRnkrRAURFlfhsJZ8hButVKM';

describe('makeToken', () => {
  it('matches the known answer for fixed inputs', () => {
    expect(makeToken(buildPayload(FACTS), SECRET)).toBe(KNOWN_TOKEN);
  });

  it('is base64url(PAYLOAD) "." base64url(HMAC-SHA256(secret, base64url(PAYLOAD))), unpadded', () => {
    const token = makeToken(buildPayload(FACTS), SECRET);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    const [encoded, signature] = token.split('.') as [string, string];
    expect(Buffer.from(encoded, 'base64url').toString('utf8')).toBe(KNOWN_JSON);
    expect(Buffer.from(KNOWN_JSON, 'utf8').toString('base64').replace(/=+$/, '')).toBe(
      encoded.replace(/-/g, '+').replace(/_/g, '/'),
    );
    const hmac = createHmac('sha256', Buffer.from(SECRET, 'utf8')).update(Buffer.from(encoded, 'ascii'));
    expect(Buffer.from(signature, 'base64url')).toEqual(hmac.digest());
  });

  it('writes the keys in the contract order whatever order the payload was built in', () => {
    const p = buildPayload(FACTS);
    const shuffled = {
      n: p.n,
      exp: p.exp,
      iat: p.iat,
      cn: p.cn,
      dc: p.dc,
      tc: p.tc,
      pno: p.pno,
      tid: p.tid,
      v: p.v,
    };
    const token = makeToken(shuffled as QrPayload, SECRET);
    expect(token).toBe(KNOWN_TOKEN);
    const json = JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString('utf8'));
    expect(Object.keys(json)).toEqual(['v', 'tid', 'pno', 'tc', 'dc', 'cn', 'iat', 'exp', 'n']);
  });
});

describe('buildPayload', () => {
  it('takes unix seconds (floored) for iat and iat + ttl for exp', () => {
    const p = buildPayload({ ...FACTS, nowMs: 1_700_000_000_999, ttlSeconds: 60 });
    expect(p.iat).toBe(1_700_000_000);
    expect(p.exp).toBe(1_700_000_060);
    expect(p.v).toBe(1);
  });

  it('writes "" for cn when no clerk is signed in', () => {
    expect(buildPayload({ ...FACTS, clerkId: null }).cn).toBe('');
  });

  it('copies the department codes rather than keeping the caller array', () => {
    const codes = ['A'];
    const p = buildPayload({ ...FACTS, departmentCodes: codes });
    codes.push('B');
    expect(p.dc).toEqual(['A']);
  });

  it('refuses a clock or ttl that would make an unverifiable token', () => {
    expect(() => buildPayload({ ...FACTS, ttlSeconds: 0 })).toThrow(RangeError);
    expect(() => buildPayload({ ...FACTS, ttlSeconds: 1.5 })).toThrow(/ttlSeconds/);
    expect(() => buildPayload({ ...FACTS, nowMs: Number.NaN })).toThrow(/nowMs/);
  });
});

describe('randomNonce', () => {
  it('is at least 16 base64url characters and differs every time', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const n = randomNonce();
      expect(n).toMatch(/^[A-Za-z0-9_-]{16,}$/);
      seen.add(n);
    }
    expect(seen.size).toBe(200);
  });
});

describe('qrUrl', () => {
  it('appends ?t= to a base URL without a query', () => {
    expect(qrUrl('https://hcp.example.gov.cn/m/rate', 'abc.def')).toBe(
      'https://hcp.example.gov.cn/m/rate?t=abc.def',
    );
  });

  it("keeps the page's own query, appending &t=", () => {
    expect(qrUrl('https://x.gov.cn/rate?hall=7', 'abc.def')).toBe('https://x.gov.cn/rate?hall=7&t=abc.def');
    expect(qrUrl('https://x.gov.cn/rate?', 'abc.def')).toBe('https://x.gov.cn/rate?t=abc.def');
    expect(qrUrl('https://x.gov.cn/rate?a=1&', 'abc.def')).toBe('https://x.gov.cn/rate?a=1&t=abc.def');
  });

  it('puts t before a fragment, where the server receives it', () => {
    expect(qrUrl('https://x.gov.cn/app/#/rate', 'abc.def')).toBe('https://x.gov.cn/app/?t=abc.def#/rate');
    const url = new URL(qrUrl('https://x.gov.cn/app?hall=7#/rate', 'abc.def'));
    expect(url.searchParams.get('t')).toBe('abc.def');
    expect(url.searchParams.get('hall')).toBe('7');
    expect(url.hash).toBe('#/rate');
  });
});
