// The reference profile's reading of HTTP statuses other than success. Kept apart from
// the field mapping so a provincial adapter with the same status table can share it.

import type { UploadOutcome, UploadResponse } from './adapter.js';
import { parseRetryAfter } from './backoff.js';

const MESSAGE_MAX = 300;

/** The outcome of a non-2xx answer, per the contract's outcomes table. */
export function outcomeOfStatus(response: UploadResponse, now: number): UploadOutcome {
  const { status } = response;
  const message = `HTTP ${status}${describeBody(response.body)}`;
  if (status === 400 || status === 413 || status === 422) {
    // Only the platform's own answer (JSON) judges the records; a page from a proxy,
    // gateway or firewall on the way, or no body at all, judges nothing.
    if (!isJsonBody(response.body)) return interceptedOutcome(response);
    return { kind: 'refused', status, message: bodyMessage(response.body) || `HTTP ${status}` };
  }
  if (status === 401 || status === 403) return { kind: 'auth_failed', status, message };
  if (status === 408 || status === 429 || status >= 500) {
    return {
      kind: 'transient',
      message,
      retryAfterMs: parseRetryAfter(response.headers['retry-after'], now),
    };
  }
  if (status >= 400) return { kind: 'misconfigured', status, message };
  if (status >= 300) {
    // A redirect answers a wrong address (http for https, a moved API); we never follow
    // one with a signed body.
    const to = response.headers.location;
    return { kind: 'misconfigured', status, message: `HTTP ${status}${to ? ` to ${to}` : ''}` };
  }
  return { kind: 'transient', message, retryAfterMs: null };
}

/**
 * A 4xx that something between the terminal and the platform gave instead of the
 * platform (its body is not the platform's): nothing is set aside. The message is what
 * diagnostics show until a request gets through.
 */
export function interceptedOutcome(response: UploadResponse): UploadOutcome {
  const { status } = response;
  const tooLarge = status === 413;
  const what = tooLarge ? 'requests this large' : 'the requests';
  return {
    kind: 'intercepted',
    status,
    tooLarge,
    message:
      `HTTP ${status} with ${describeForeignBody(response)}, not the platform's answer: something between ` +
      `the terminal and the platform (a proxy, gateway or firewall) refuses ${what}; nothing is set aside, ` +
      'the ratings are sent again',
  };
}

/** Whether a body is JSON at all: what every profile's platform answers a refusal with. */
export function isJsonBody(body: Buffer): boolean {
  const text = body.toString('utf8').trim();
  if (text === '') return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** "no body", "an HTML page (its title)", or the body's type: enough to tell which box answered. */
function describeForeignBody(response: UploadResponse): string {
  const text = response.body.toString('utf8').trim();
  if (text === '') return 'no body';
  const type = (response.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'text/html' || /^(<!doctype html|<html)/i.test(text)) {
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text.slice(0, 4096))?.[1]?.trim();
    return title ? `an HTML page "${clip(title).slice(0, 80)}"` : 'an HTML page';
  }
  return type ? `a body of type ${type}` : 'a body of no stated type';
}

/** The platform's own words from an error body: its `message` field, or the text itself. */
export function bodyMessage(body: Buffer): string {
  const text = body.toString('utf8').trim();
  if (text === '') return '';
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed === 'object' && parsed !== null) {
      const { code, message } = parsed as { code?: unknown; message?: unknown };
      const parts = [code, message].filter((p) => typeof p === 'string' || typeof p === 'number');
      if (parts.length > 0) return clip(parts.join(': '));
    }
  } catch {
    // not JSON: the text as sent
  }
  return clip(text);
}

function describeBody(body: Buffer): string {
  const m = bodyMessage(body);
  return m ? ` (${m})` : '';
}

function clip(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > MESSAGE_MAX ? `${oneLine.slice(0, MESSAGE_MAX)}…` : oneLine;
}
