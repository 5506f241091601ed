// The signed evaluation link of the contract's "Dynamic QR code": what a phone opens to
// rate one prompt. The platform checks it with verify.ts, so both sides share one format.

import { createHmac, randomBytes } from 'node:crypto';

/** The token's payload, keys in the contract's order (JSON.stringify keeps insertion order). */
export interface QrPayload {
  v: 1;
  /** Terminal id. */
  tid: string;
  /** Transaction (办件) number. */
  pno: string;
  /** Service code. */
  tc: string;
  /** Department codes, the lead department first. */
  dc: string[];
  /** Clerk 工号, or "" on a kiosk or when no clerk is signed in. */
  cn: string;
  /** Issued at, unix seconds. */
  iat: number;
  /** Expires at, unix seconds: iat + ttlSeconds. */
  exp: number;
  /** Random nonce: two tokens for the same prompt never look alike. */
  n: string;
}

export interface PayloadFacts {
  terminalId: string;
  transactionId: string;
  serviceCode: string;
  departmentCodes: readonly string[];
  clerkId: string | null;
  nowMs: number;
  ttlSeconds: number;
  nonce: string;
}

/** 16 random bytes: 128 bits, 22 base64url characters. */
export function randomNonce(): string {
  return randomBytes(16).toString('base64url');
}

/** Throws a RangeError for a clock or ttl that would sign a token no verifier accepts. */
export function buildPayload(facts: PayloadFacts): QrPayload {
  if (!Number.isFinite(facts.nowMs) || facts.nowMs < 0) {
    throw new RangeError(`QR payload: nowMs must be a time in ms, got ${facts.nowMs}`);
  }
  if (!Number.isSafeInteger(facts.ttlSeconds) || facts.ttlSeconds < 1) {
    throw new RangeError(`QR payload: ttlSeconds must be a whole number >= 1, got ${facts.ttlSeconds}`);
  }
  const iat = Math.floor(facts.nowMs / 1000);
  // Built literally in the contract's key order; the order is part of the format.
  return {
    v: 1,
    tid: facts.terminalId,
    pno: facts.transactionId,
    tc: facts.serviceCode,
    dc: [...facts.departmentCodes],
    cn: facts.clerkId ?? '',
    iat,
    exp: iat + facts.ttlSeconds,
    n: facts.nonce,
  };
}

/** base64url (no padding) of HMAC-SHA256 over the encoded payload text, not the raw JSON. */
export function signEncodedPayload(encodedPayload: string, secret: string): string {
  return createHmac('sha256', secret).update(encodedPayload).digest('base64url');
}

export function makeToken(payload: QrPayload, secret: string): string {
  // Re-listing the keys keeps the order fixed even for a payload assembled elsewhere.
  const ordered: QrPayload = {
    v: payload.v,
    tid: payload.tid,
    pno: payload.pno,
    tc: payload.tc,
    dc: payload.dc,
    cn: payload.cn,
    iat: payload.iat,
    exp: payload.exp,
    n: payload.n,
  };
  const encoded = Buffer.from(JSON.stringify(ordered), 'utf8').toString('base64url');
  return `${encoded}.${signEncodedPayload(encoded, secret)}`;
}

/**
 * `{baseUrl}?t={TOKEN}`. The contract assumes a base URL without a query or fragment; it
 * is silent otherwise, so we keep the page's own parameters (appending `&t=`) and put `t`
 * before any `#fragment`, where a browser sends it to the server. The token is base64url,
 * so it needs no percent-encoding.
 */
export function qrUrl(baseUrl: string, token: string): string {
  const hash = baseUrl.indexOf('#');
  const base = hash < 0 ? baseUrl : baseUrl.slice(0, hash);
  const fragment = hash < 0 ? '' : baseUrl.slice(hash);
  const separator = !base.includes('?') ? '?' : base.endsWith('?') || base.endsWith('&') ? '' : '&';
  return `${base}${separator}t=${token}${fragment}`;
}
