import { describe, expect, it } from 'vitest';
import type { UploadResponse } from '../../../src/sync/adapter.js';
import {
  createReferenceAdapter,
  newNonce,
  referenceBody,
  referenceRecord,
  referenceSignature,
} from '../../../src/sync/adapters/reference.js';
import { citizen, ratingRecord } from '../../helpers/records.js';

const platform = { url: 'https://hcp.example.gov.cn/api/', appMark: 'HA-APP', secret: 'change-me' };
const NOW = 1_790_000_000_000;

function response(status: number, body: unknown, headers: Record<string, string> = {}): UploadResponse {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return { status, headers, body: Buffer.from(text, 'utf8') };
}

describe('the reference signature', () => {
  // Known answers computed with sha256sum and `openssl dgst -sha256 -hmac`, not with this code.
  it('matches an independently computed HMAC for an empty upload', () => {
    const sign = referenceSignature(
      'change-me',
      'HA-APP',
      '1790000000000',
      'AbCdEfGhIjKlMnOp1234',
      Buffer.from('{"records":[]}'),
    );
    expect(sign).toBe('5c70a055c286b40cbc36da37caabb1a8a7666dd7b6f86b3b86efd85c26d23f85');
  });

  it('hashes the body bytes as UTF-8 and keys with the UTF-8 secret', () => {
    const body = Buffer.from('{"records":[{"recordId":"r-1","taskName":"个体工商户登记"}]}', 'utf8');
    expect(referenceSignature('密钥-secret', 'HA-APP', '1790000000000', 'AbCdEfGhIjKlMnOp1234', body)).toBe(
      '44b0f783348938ba821f80409accda64f529a0d545f061243772d1df1d4bd5c1',
    );
  });

  it('nonces are 16+ characters of [A-Za-z0-9] and new every time', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const n = newNonce();
      expect(n).toMatch(/^[A-Za-z0-9]{16,}$/);
      seen.add(n);
    }
    expect(seen.size).toBe(500);
  });
});

describe('the reference request', () => {
  it('has exactly the contract headers, signed over the exact body', () => {
    const adapter = createReferenceAdapter(platform, { nonce: () => 'AbCdEfGhIjKlMnOp1234' });
    const req = adapter.encode([], NOW);
    expect(req.url).toBe('https://hcp.example.gov.cn/api/evaluations');
    expect(req.body.toString()).toBe('{"records":[]}');
    expect(req.headers).toEqual({
      'Content-Type': 'application/json; charset=utf-8',
      'X-App-Mark': 'HA-APP',
      'X-Timestamp': '1790000000000',
      'X-Nonce': 'AbCdEfGhIjKlMnOp1234',
      'X-Sign': '5c70a055c286b40cbc36da37caabb1a8a7666dd7b6f86b3b86efd85c26d23f85',
    });
  });

  it('uses a fresh nonce per request', () => {
    const adapter = createReferenceAdapter(platform);
    const a = adapter.encode([], NOW).headers['X-Nonce'];
    const b = adapter.encode([], NOW).headers['X-Nonce'];
    expect(a).not.toBe(b);
  });

  it('refuses more than 100 records a request', () => {
    const adapter = createReferenceAdapter(platform);
    const many = Array.from({ length: 101 }, (_, i) => ratingRecord({ id: `r-${i}` }));
    expect(() => adapter.encode(many, NOW)).toThrow(/100/);
    expect(() => adapter.encode(many.slice(0, 100), NOW)).not.toThrow();
  });
});

describe('the RECORD mapping', () => {
  it('maps every field, in the contract order, without personal fields by default', () => {
    const r = ratingRecord({
      id: '6f1c0a56-0000-4000-8000-000000000001',
      transactionId: 'BJ-2026-000123',
      level: 2,
      reasons: ['D01', 'D04'],
      comment: '等了很久',
      // 16:30:05 UTC is 00:30:05 the next day in China.
      ratedAt: Date.UTC(2026, 0, 1, 16, 30, 5),
      flags: ['fast', 'repeat'],
      scope: 'department',
    });
    const out = referenceRecord(r);
    expect(out).toEqual({
      recordId: '6f1c0a56-0000-4000-8000-000000000001',
      projectNo: 'BJ-2026-000123',
      assessNumber: 1,
      pf: 4,
      satisfaction: 2,
      evalDetail: 'D01,D04',
      writingEvaluation: '等了很久',
      assessTime: '2026-01-02 00:30:05',
      areaCode: '350521',
      taskCode: 'S-1',
      taskName: '个体工商户登记',
      deptCode: 'D-1',
      proDepart: '县市场监管局',
      proManager: '林晓',
      proManagerNo: '0107',
      scope: 'department',
      terminalId: 'HA-0001',
      windowNo: '12',
      flags: 'fast,repeat',
    });
    expect(Object.keys(out)).toEqual([
      'recordId',
      'projectNo',
      'assessNumber',
      'pf',
      'satisfaction',
      'evalDetail',
      'writingEvaluation',
      'assessTime',
      'areaCode',
      'taskCode',
      'taskName',
      'deptCode',
      'proDepart',
      'proManager',
      'proManagerNo',
      'scope',
      'terminalId',
      'windowNo',
      'flags',
    ]);
  });

  it('never sends an assessTime before the serviceTime it rates (clock_skew)', () => {
    const ratedAt = Date.UTC(2026, 0, 1, 16, 30, 5); // 2026-01-02 00:30:05 in China
    const ahead = referenceRecord(ratingRecord({ ratedAt, serviceTime: '2026-01-02 00:31:00' }));
    expect(ahead.assessTime).toBe('2026-01-02 00:31:00');
    const behind = referenceRecord(ratingRecord({ ratedAt, serviceTime: '2026-01-02 00:29:00' }));
    expect(behind.assessTime).toBe('2026-01-02 00:30:05');
  });

  it('sends "" for no reasons, no comment, no flags, and no clerk at a kiosk; pf from the record', () => {
    const out = referenceRecord(ratingRecord({ clerk: null, channel: 5 }));
    expect(out).toMatchObject({
      evalDetail: '',
      writingEvaluation: '',
      flags: '',
      proManager: '',
      proManagerNo: '',
      pf: 5,
    });
  });

  it('adds userProp/userName/certKey/mobile only for a consented real-name record', () => {
    const out = referenceRecord(ratingRecord({ citizen: { ...citizen, type: 2 } }));
    expect(out).toMatchObject({
      userProp: 2,
      userName: '陈美英',
      certKey: '350521199001011234',
      mobile: '13812345678',
    });
    expect(Object.keys(out).slice(-5)).toEqual(['userProp', 'userName', 'certKey', 'mobile', 'flags']);
    const body = JSON.parse(referenceBody([ratingRecord(), ratingRecord({ id: 'r-2', citizen })]).toString());
    expect(body.records[0]).not.toHaveProperty('userName');
    expect(body.records[0]).not.toHaveProperty('userProp');
    expect(body.records[1]).toHaveProperty('certKey', citizen.idNumber);
  });

  it('writes the body as UTF-8 JSON with integers as numbers', () => {
    const body = referenceBody([ratingRecord()]);
    expect(body.includes(Buffer.from('个体工商户登记', 'utf8'))).toBe(true);
    expect(body.toString()).toContain('"satisfaction":5');
    expect(body.toString()).toContain('"assessNumber":1');
  });
});

describe('reading the answer', () => {
  const adapter = createReferenceAdapter(platform);
  const sent = [ratingRecord({ id: 'a' }), ratingRecord({ id: 'b' }), ratingRecord({ id: 'c' })];

  it('per-record results; unknown ids ignored; missing or ill-formed entries left out', () => {
    const out = adapter.decode(
      response(200, {
        results: [
          { recordId: 'a', status: 'accepted' },
          { recordId: 'b', status: 'rejected', code: 'E1', message: '差评缺少原因' },
          { recordId: 'zzz', status: 'accepted' },
          { recordId: 'c', status: 'maybe' },
        ],
      }),
      sent,
      NOW,
    );
    expect(out.kind).toBe('results');
    if (out.kind !== 'results') return;
    expect(out.results.get('a')).toEqual({ status: 'accepted' });
    expect(out.results.get('b')).toEqual({ status: 'rejected', code: 'E1', message: '差评缺少原因' });
    expect(out.results.has('c')).toBe(false);
    expect(out.results.has('zzz')).toBe(false);
  });

  it('duplicate counts as a result', () => {
    const out = adapter.decode(
      response(200, { results: [{ recordId: 'a', status: 'duplicate' }] }),
      sent,
      NOW,
    );
    expect(out.kind === 'results' && out.results.get('a')).toEqual({ status: 'duplicate' });
  });

  it('a body that is not the shape is retried like a 5xx', () => {
    for (const body of ['<html>', '{"result": []}', '[]', 'null', '']) {
      expect(adapter.decode(response(200, body), sent, NOW).kind).toBe('transient');
    }
  });

  it('follows the outcomes table for whole-request statuses', () => {
    const kind = (status: number) => adapter.decode(response(status, { message: 'x' }), sent, NOW).kind;
    for (const s of [400, 413, 422]) expect(kind(s)).toBe('refused');
    for (const s of [401, 403]) expect(kind(s)).toBe('auth_failed');
    for (const s of [404, 405, 409, 410, 415, 302]) expect(kind(s)).toBe('misconfigured');
    for (const s of [408, 429, 500, 502, 503, 504]) expect(kind(s)).toBe('transient');
  });

  it.each([
    [
      'an HTML page',
      '<html><head><title>413 Request Entity Too Large</title></head><body><hr><center>nginx</center></body></html>',
      'an HTML page "413 Request Entity Too Large"',
    ],
    ['no body', '', 'no body'],
    ['plain text', 'Request Rejected', 'a body of type text/plain'],
  ])(
    'reads a 400/413/422 with %s (not the platform JSON) as intercepted: nobody judged the records',
    (_what, body, told) => {
      for (const status of [400, 413, 422]) {
        const type = body.startsWith('<') ? 'text/html' : 'text/plain';
        const out = adapter.decode(response(status, body, { 'content-type': type }), sent, NOW);
        expect(out).toEqual({
          kind: 'intercepted',
          status,
          tooLarge: status === 413,
          message: expect.stringContaining(`HTTP ${status} with ${told}, not the platform's answer`),
        });
        if (out.kind === 'intercepted')
          expect(out.message).toMatch(/something between the terminal and the platform .* refuses/);
      }
    },
  );

  it('passes Retry-After on to the loop', () => {
    const out = adapter.decode(response(503, '', { 'retry-after': '7' }), sent, NOW);
    expect(out).toMatchObject({ kind: 'transient', retryAfterMs: 7000 });
    const dated = adapter.decode(
      response(429, '', { 'retry-after': new Date(NOW + 90_000).toUTCString() }),
      sent,
      NOW,
    );
    expect(dated).toMatchObject({ kind: 'transient', retryAfterMs: 90_000 });
  });

  it('keeps the platform’s words for a refused request', () => {
    const out = adapter.decode(
      response(422, { code: 'E_FIELD', message: 'satisfaction 超出范围' }),
      sent,
      NOW,
    );
    expect(out).toEqual({ kind: 'refused', status: 422, message: 'E_FIELD: satisfaction 超出范围' });
  });
});
