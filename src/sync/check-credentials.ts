// doctor's platform check: the forwarder's own probe — one signed upload of an empty
// list (reference, national), or obtaining a gateway token (fujian) — read by the
// profile's adapter. The last answer's Date header serves the clock check.

import type { PlatformSection } from '../config/terminal-config.js';
import type { PlatformAdapter, Send, UploadOutcome, UploadResponse } from './adapter.js';
import { createAdapter } from './adapters/index.js';
import { createHttpTransport, type Transport } from './http-transport.js';

export type CredentialsResult = 'ok' | 'auth_failed' | 'misconfigured' | 'unreachable';

export interface CredentialsCheck {
  result: CredentialsResult;
  /** What was found, for a technician (never the secret). */
  detail: string;
  /** The platform's `Date` header as epoch ms; null when absent, unreadable or no answer. */
  serverDate: number | null;
  /** The HTTP status of the last answer; null when nothing answered. */
  status: number | null;
}

export interface CheckOptions {
  transport?: Transport;
  adapter?: PlatformAdapter;
  now?: () => number;
}

export async function checkCredentials(
  platform: PlatformSection,
  options: CheckOptions = {},
): Promise<CredentialsCheck> {
  const adapter = options.adapter ?? createAdapter(platform);
  const now = options.now ?? Date.now;
  const http = options.transport ? null : createHttpTransport();
  const transport = options.transport ?? (http as NonNullable<typeof http>).send;
  let last: UploadResponse | null = null;
  const send: Send = async (request) => {
    last = await transport(request, { timeoutMs: platform.timeoutSeconds * 1000 });
    return last;
  };
  const answered = () => {
    const response = last as UploadResponse | null;
    const dateHeader = response?.headers.date;
    const parsedDate = dateHeader ? Date.parse(dateHeader) : Number.NaN;
    return {
      status: response?.status ?? null,
      serverDate: Number.isNaN(parsedDate) ? null : parsedDate,
    };
  };
  try {
    const outcome = adapter.exchange
      ? await adapter.exchange([], now, send)
      : adapter.decode(await send(adapter.encode([], now())), [], now());
    const { status, serverDate } = answered();
    return interpret(outcome, status, serverDate);
  } catch (err) {
    return {
      result: 'unreachable',
      detail: err instanceof Error ? err.message : String(err),
      ...answered(),
    };
  } finally {
    http?.close();
  }
}

function interpret(
  outcome: UploadOutcome,
  status: number | null,
  serverDate: number | null,
): CredentialsCheck {
  return { ...meaning(outcome, status ?? 0), serverDate, status };
}

function meaning(outcome: UploadOutcome, status: number): Pick<CredentialsCheck, 'result' | 'detail'> {
  switch (outcome.kind) {
    case 'results':
      return { result: 'ok', detail: `credentials accepted (HTTP ${status})` };
    case 'auth_failed':
      return { result: 'auth_failed', detail: `credentials refused: ${outcome.message}` };
    case 'misconfigured':
      return { result: 'misconfigured', detail: outcome.message };
    case 'refused':
      return {
        result: 'misconfigured',
        detail: `an empty upload was refused: HTTP ${outcome.status} ${outcome.message}`,
      };
    case 'transient':
      // A 200 with a body that is not the upload answer is a wrong address or profile.
      return {
        result: status >= 200 && status < 300 ? 'misconfigured' : 'unreachable',
        detail: outcome.message,
      };
  }
}
