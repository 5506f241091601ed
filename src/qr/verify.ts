// The platform's side of the signed evaluation link: a province (or our tests) checks a
// token with the same code that made it. Answers with a reason, never throws.
// Importable as `haochaping-terminal/qr/verify` (package.json "exports"); it needs only
// node:crypto. The format and a walk-through are in docs/qr-links.md.

import { createHmac, timingSafeEqual } from 'node:crypto';
import type { QrPayload } from './token.js';

export type { QrPayload };

/** How far a token's iat may lie ahead of the checker's clock: terminals' clocks drift. */
export const CLOCK_SKEW_SECONDS = 300;

/**
 * Far above any real token (a few hundred characters); refusing longer input up front
 * keeps a hostile string from costing decode and HMAC time.
 */
export const MAX_TOKEN_LENGTH = 8192;

export type VerifyFailure =
  | 'malformed'
  | 'bad_signature'
  | 'expired'
  | 'not_yet_valid'
  | 'unsupported_version';

export type VerifyResult = { ok: true; payload: QrPayload } | { ok: false; reason: VerifyFailure };

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const SIGNATURE_BYTES = 32;
const PAYLOAD_KEYS = ['v', 'tid', 'pno', 'tc', 'dc', 'cn', 'iat', 'exp', 'n'] as const;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function fail(reason: VerifyFailure): VerifyResult {
  return { ok: false, reason };
}

/**
 * Node's base64url decoder skips stray characters and ignores leftover bits; only text
 * that re-encodes to itself is the one encoding of its bytes, so nothing else is taken.
 */
function decodeBase64url(text: string): Buffer | null {
  if (!BASE64URL.test(text)) return null;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : null;
}

function isUnixSeconds(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

function asPayload(json: unknown): QrPayload | VerifyFailure {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return 'malformed';
  const o = json as Record<string, unknown>;
  // A later version may reshape everything else, so its number is read first.
  if (o.v !== 1) return isUnixSeconds(o.v) ? 'unsupported_version' : 'malformed';
  const keys = Object.keys(o);
  if (keys.length !== PAYLOAD_KEYS.length || !PAYLOAD_KEYS.every((k) => Object.hasOwn(o, k))) {
    return 'malformed';
  }
  const { tid, pno, tc, dc, cn, iat, exp, n } = o;
  if (typeof tid !== 'string' || tid === '') return 'malformed';
  if (typeof pno !== 'string' || pno === '') return 'malformed';
  if (typeof tc !== 'string' || typeof cn !== 'string') return 'malformed';
  if (!Array.isArray(dc) || !dc.every((c) => typeof c === 'string')) return 'malformed';
  if (!isUnixSeconds(iat) || !isUnixSeconds(exp) || exp <= iat) return 'malformed';
  if (typeof n !== 'string' || n === '') return 'malformed';
  return { v: 1, tid, pno, tc, dc: dc as string[], cn, iat, exp, n };
}

/**
 * Checks a token of the contract's format: shape, then signature (in constant time),
 * then content, then time. Valid from iat - CLOCK_SKEW_SECONDS until before exp.
 *
 * @param token  the `t` parameter of the link, as received
 * @param secret the terminal's `qr.secret`
 * @param nowMs  the checker's clock, milliseconds since 1970 (`Date.now()`)
 * @returns `{ ok: true, payload }`, or `{ ok: false, reason }` with reason one of
 *   malformed, bad_signature, expired, not_yet_valid, unsupported_version
 *
 * @example
 * import { verifyToken } from 'haochaping-terminal/qr/verify';
 * const result = verifyToken(new URL(link).searchParams.get('t') ?? '', secret, Date.now());
 * if (result.ok) console.log(result.payload.pno, result.payload.dc);
 */
export function verifyToken(token: string, secret: string, nowMs: number): VerifyResult {
  try {
    if (typeof token !== 'string' || typeof secret !== 'string') return fail('malformed');
    if (token.length > MAX_TOKEN_LENGTH) return fail('malformed');
    const parts = token.split('.');
    if (parts.length !== 2) return fail('malformed');
    const [encoded, signature] = parts as [string, string];
    const payloadBytes = decodeBase64url(encoded);
    const given = decodeBase64url(signature);
    if (payloadBytes === null || given === null || given.length !== SIGNATURE_BYTES) return fail('malformed');

    const expected = createHmac('sha256', secret).update(encoded).digest();
    if (!timingSafeEqual(expected, given)) return fail('bad_signature');

    let json: unknown;
    try {
      json = JSON.parse(utf8.decode(payloadBytes));
    } catch {
      return fail('malformed');
    }
    const payload = asPayload(json);
    if (typeof payload === 'string') return fail(payload);

    const nowSeconds = nowMs / 1000;
    // A clock that is not a number cannot vouch for any token: refuse rather than let NaN pass.
    if (!Number.isFinite(nowSeconds)) return fail('malformed');
    if (payload.iat > nowSeconds + CLOCK_SKEW_SECONDS) return fail('not_yet_valid');
    if (nowSeconds >= payload.exp) return fail('expired');
    return { ok: true, payload };
  } catch {
    // Unreachable by design; the promise to callers is "never throws", whatever the input.
    return fail('malformed');
  }
}
