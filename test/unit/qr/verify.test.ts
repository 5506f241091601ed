import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildPayload, makeToken, type QrPayload } from '../../../src/qr/token.js';
import { CLOCK_SKEW_SECONDS, MAX_TOKEN_LENGTH, verifyToken } from '../../../src/qr/verify.js';

const SECRET = 'hall-secret';
const NOW = 1_735_689_600_000;
const IAT = NOW / 1000;
const REASONS = ['malformed', 'bad_signature', 'expired', 'not_yet_valid', 'unsupported_version'];

function payload(over: Partial<QrPayload> = {}): QrPayload {
  return {
    ...buildPayload({
      terminalId: 'HA-0001',
      transactionId: 'T-1',
      serviceCode: 'S-1',
      departmentCodes: ['D-1', 'D-2'],
      clerkId: '0012',
      nowMs: NOW,
      ttlSeconds: 3600,
      nonce: 'nonce-nonce-nonce-1',
    }),
    ...over,
  };
}

/** Signs any text as a payload, so content checks are reached past the signature. */
function signRaw(body: string | Buffer, secret = SECRET): string {
  const encoded = Buffer.from(body).toString('base64url');
  return `${encoded}.${createHmac('sha256', secret).update(encoded).digest('base64url')}`;
}

function reason(token: string, nowMs = NOW, secret = SECRET): string {
  const r = verifyToken(token, secret, nowMs);
  return r.ok ? 'ok' : r.reason;
}

describe('verifyToken accepts', () => {
  it('a token made by makeToken, giving back its payload', () => {
    const p = payload();
    expect(verifyToken(makeToken(p, SECRET), SECRET, NOW)).toEqual({ ok: true, payload: p });
  });

  it('any payload makeToken can make (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          terminalId: fc.string({ minLength: 1, unit: 'grapheme' }),
          transactionId: fc.string({ minLength: 1, maxLength: 50, unit: 'grapheme' }),
          serviceCode: fc.string({ unit: 'grapheme' }),
          departmentCodes: fc.array(fc.string({ unit: 'grapheme' }), { minLength: 1, maxLength: 5 }),
          clerkId: fc.option(fc.string({ unit: 'grapheme' })),
          nowMs: fc.integer({ min: 0, max: 4_102_444_800_000 }),
          ttlSeconds: fc.integer({ min: 1, max: 31_536_000 }),
          nonce: fc.string({ minLength: 1 }),
        }),
        fc.string(),
        (facts, secret) => {
          const p = buildPayload(facts);
          expect(verifyToken(makeToken(p, secret), secret, facts.nowMs)).toEqual({ ok: true, payload: p });
        },
      ),
    );
  });
});

describe('verifyToken refuses', () => {
  it('a tampered payload', () => {
    const [, signature] = makeToken(payload(), SECRET).split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify(payload({ pno: 'T-2' }))).toString('base64url');
    expect(reason(`${forged}.${signature}`)).toBe('bad_signature');
  });

  it('a tampered signature', () => {
    const [encoded, signature] = makeToken(payload(), SECRET).split('.') as [string, string];
    const flipped = (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1);
    expect(reason(`${encoded}.${flipped}`)).toBe('bad_signature');
  });

  it('a token signed with another secret', () => {
    expect(reason(makeToken(payload(), 'other-secret'))).toBe('bad_signature');
    expect(reason(makeToken(payload(), SECRET), NOW, `${SECRET} `)).toBe('bad_signature');
  });

  it('from exp on, and not a millisecond before', () => {
    const token = makeToken(payload(), SECRET);
    expect(reason(token, (IAT + 3600) * 1000 - 1)).toBe('ok');
    expect(reason(token, (IAT + 3600) * 1000)).toBe('expired');
    expect(reason(token, (IAT + 86_400) * 1000)).toBe('expired');
  });

  it(`before iat - ${CLOCK_SKEW_SECONDS} s (clock skew allowance)`, () => {
    const token = makeToken(payload(), SECRET);
    expect(reason(token, (IAT - CLOCK_SKEW_SECONDS) * 1000)).toBe('ok');
    expect(reason(token, (IAT - CLOCK_SKEW_SECONDS) * 1000 - 1)).toBe('not_yet_valid');
  });

  it('another version, whatever its content', () => {
    expect(reason(makeToken({ ...payload(), v: 2 as 1 }, SECRET))).toBe('unsupported_version');
    expect(reason(signRaw('{"v":2,"something":"else"}'))).toBe('unsupported_version');
    expect(reason(signRaw('{"v":"1"}'))).toBe('malformed');
    expect(reason(signRaw('{"tid":"x"}'))).toBe('malformed');
  });

  it('broken shapes as malformed', () => {
    const good = makeToken(payload(), SECRET);
    const [encoded, signature] = good.split('.') as [string, string];
    const cases = [
      '',
      '.',
      'abc',
      `${encoded}`,
      `${encoded}.`,
      `.${signature}`,
      `${encoded}.${signature}.`,
      `${encoded}..${signature}`,
      `${encoded}.${signature}=`,
      `${encoded}=.${signature}`,
      `${encoded}.${signature.slice(0, 42)}`,
      `${encoded}.${signature}AA`,
      `${encoded.replace(/.$/, '+')}.${signature}`,
      ` ${good}`,
      `${good}\n`,
      // Same bytes, but leftover bits set: not the one encoding of them.
      `${encoded}.${signature.slice(0, 42)}${signature.endsWith('B') ? 'C' : 'B'}`,
      'x'.repeat(MAX_TOKEN_LENGTH + 1),
    ];
    for (const c of cases) expect([c, reason(c)]).toEqual([c, 'malformed']);
  });

  it('signed content that is not a v1 payload as malformed', () => {
    const p = payload();
    const cases: (string | Buffer)[] = [
      'not json',
      '[1]',
      'null',
      '1',
      '"text"',
      Buffer.from([0xef, 0xbb, 0xbf, ...Buffer.from(JSON.stringify(p))]),
      Buffer.from([0x7b, 0xff, 0x7d]),
      JSON.stringify({ ...p, extra: 1 }),
      JSON.stringify({ ...p, tid: undefined }),
      JSON.stringify({ ...p, tid: '' }),
      JSON.stringify({ ...p, pno: '' }),
      JSON.stringify({ ...p, pno: 1 }),
      JSON.stringify({ ...p, tc: null }),
      JSON.stringify({ ...p, cn: null }),
      JSON.stringify({ ...p, dc: 'D-1' }),
      JSON.stringify({ ...p, dc: ['D-1', 2] }),
      JSON.stringify({ ...p, iat: p.iat + 0.5 }),
      JSON.stringify({ ...p, iat: -1 }),
      JSON.stringify({ ...p, iat: String(p.iat) }),
      JSON.stringify({ ...p, exp: p.iat }),
      JSON.stringify({ ...p, n: '' }),
      JSON.stringify({ ...p, n: 7 }),
      `{"__proto__":{},${JSON.stringify(p).slice(1)}`,
    ];
    for (const c of cases) expect([String(c), reason(signRaw(c))]).toEqual([String(c), 'malformed']);
  });

  it('a clock that is not a number', () => {
    expect(reason(makeToken(payload(), SECRET), Number.NaN)).toBe('malformed');
  });

  it('non-string input without throwing', () => {
    for (const bad of [undefined, null, 42, {}, ['a', 'b'], Symbol('t')]) {
      expect(verifyToken(bad as unknown as string, SECRET, NOW)).toEqual({ ok: false, reason: 'malformed' });
      expect(verifyToken(makeToken(payload(), SECRET), bad as unknown as string, NOW)).toEqual({
        ok: false,
        reason: 'malformed',
      });
    }
  });
});

describe('verifyToken never throws (property)', () => {
  const refused = (r: ReturnType<typeof verifyToken>) => !r.ok && REASONS.includes(r.reason);

  it('on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string(), fc.double(), (token, secret, now) => {
        expect(refused(verifyToken(token, secret, now))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('on token-shaped strings', () => {
    const b64 = fc.stringMatching(/^[A-Za-z0-9_-]{0,80}$/);
    fc.assert(
      fc.property(b64, b64, (a, b) => {
        expect(refused(verifyToken(`${a}.${b}`, SECRET, NOW))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('on signed arbitrary JSON, never accepting what is not a v1 payload', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const r = verifyToken(signRaw(JSON.stringify(value) ?? ''), SECRET, NOW);
        expect(r.ok).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('on one-character mutations of a good token, accepting none', () => {
    const good = makeToken(payload(), SECRET);
    fc.assert(
      fc.property(fc.nat({ max: good.length - 1 }), fc.string({ minLength: 1, maxLength: 1 }), (i, ch) => {
        const mutated = good.slice(0, i) + ch + good.slice(i + 1);
        fc.pre(mutated !== good);
        expect(refused(verifyToken(mutated, SECRET, NOW))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
