// The Fujian gateway's access token: GET {url}{tokenPath}?app_key&timestamp&sign with
// sign = lowercase hex MD5(appCode + timestamp). A token is kept until a call is
// refused for it, for at most 30 minutes (or `expires_in` when that is shorter).

import { createHash } from 'node:crypto';
import type { Send, UploadOutcome, UploadRequest, UploadResponse } from '../../adapter.js';
import { gatewayStatusOutcome } from './gateway-status.js';

export const TOKEN_MAX_AGE_MS = 30 * 60_000;

export interface TokenSettings {
  url: string;
  tokenPath: string;
  appKey: string;
  appCode: string;
  tokenTimestamp: 'ms' | 's';
}

export function tokenRequest(s: TokenSettings, now: number): UploadRequest {
  const t = String(s.tokenTimestamp === 's' ? Math.floor(now / 1000) : Math.floor(now));
  const sign = createHash('md5').update(`${s.appCode}${t}`, 'utf8').digest('hex');
  const query = new URLSearchParams({ app_key: s.appKey, timestamp: t, sign });
  return { method: 'GET', url: `${s.url}${s.tokenPath}?${query}`, headers: {}, body: Buffer.alloc(0) };
}

export type TokenAnswer = { token: string; maxAgeMs: number } | Exclude<UploadOutcome, { kind: 'results' }>;

/** What the gateway's token answer means. */
export function readTokenAnswer(response: UploadResponse, now: number): TokenAnswer {
  if (response.status < 200 || response.status >= 300) {
    const outcome = gatewayStatusOutcome(response, now, 'the gateway address or tokenPath is wrong');
    if (outcome.kind === 'results' || outcome.kind === 'refused')
      return { kind: 'transient', message: 'token: unexpected answer', retryAfterMs: null };
    return { ...outcome, message: `token: ${outcome.message}` };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(response.body.toString('utf8'));
  } catch {
    return {
      kind: 'transient',
      message: `token: HTTP ${response.status} but the body is not JSON`,
      retryAfterMs: null,
    };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { kind: 'transient', message: 'token: the answer is not a JSON object', retryAfterMs: null };
  }
  const o = parsed as Record<string, unknown>;
  // Some gateways wrap the token in `data`.
  const holder =
    typeof o.access_token === 'string'
      ? o
      : typeof o.data === 'object' && o.data !== null
        ? (o.data as Record<string, unknown>)
        : o;
  const token = holder.access_token;
  if (typeof token !== 'string' || token === '' || /[\r\n<>&]/.test(token)) {
    const words = [o.msg, o.message, o.code].filter((v) => typeof v === 'string' || typeof v === 'number');
    return {
      kind: 'auth_failed',
      status: response.status,
      message: `the gateway gave no token${words.length ? `: ${words.join(' ').slice(0, 300)}` : ''}`,
    };
  }
  const expires = holder.expires_in;
  const seconds =
    typeof expires === 'number' ? expires : typeof expires === 'string' ? Number(expires) : Number.NaN;
  const maxAgeMs =
    Number.isFinite(seconds) && seconds > 0 && seconds < 1800 ? seconds * 1000 : TOKEN_MAX_AGE_MS;
  return { token, maxAgeMs };
}

/** The token in hand, if still young enough. */
export class TokenCache {
  private token: string | null = null;
  private until = 0;
  /** A token request under way: whoever needs a token meanwhile waits for its answer. */
  inflight: Promise<TokenAnswer> | null = null;

  get(now: number): string | null {
    return this.token !== null && now < this.until ? this.token : null;
  }

  set(token: string, now: number, maxAgeMs: number): void {
    this.token = token;
    this.until = now + maxAgeMs;
  }

  /** Forgets a refused token; one another caller already replaced is kept. */
  drop(refused?: string): void {
    if (refused === undefined || this.token === refused) this.token = null;
  }
}

/**
 * One gateway's tokens for all who call it: the forwarder's uploads and the URL mode's
 * page requests use the same token rather than each asking the gateway for one. A
 * change of address or credentials (a reload) starts an empty cache.
 */
export class TokenShelf {
  private key = '';
  private cache = new TokenCache();

  cacheFor(s: TokenSettings): TokenCache {
    const key = JSON.stringify([s.url, s.tokenPath, s.appKey, s.appCode, s.tokenTimestamp]);
    if (key !== this.key) {
      this.key = key;
      this.cache = new TokenCache();
    }
    return this.cache;
  }
}

/** The token in hand, or a new one from the gateway; else why there is none. */
export async function obtainToken(
  s: TokenSettings,
  tokens: TokenCache,
  now: () => number,
  send: Send,
): Promise<string | Exclude<TokenAnswer, { token: string }>> {
  const held = tokens.get(now());
  if (held !== null) return held;
  // The forwarder's first upload and a prompt's page often start together: one request.
  let asking = tokens.inflight;
  if (asking === null) {
    asking = (async () => {
      const answer = readTokenAnswer(await send(tokenRequest(s, now())), now());
      if ('token' in answer) tokens.set(answer.token, now(), answer.maxAgeMs);
      return answer;
    })();
    tokens.inflight = asking;
    const clear = () => {
      if (tokens.inflight === asking) tokens.inflight = null;
    };
    asking.then(clear, clear);
  }
  const answer = await asking;
  return 'token' in answer ? answer.token : answer;
}
