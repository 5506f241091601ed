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
