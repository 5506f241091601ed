// doctor's platform check: the forwarder's own probe — one signed upload of an empty
// list (reference), obtaining a gateway token (fujian), or for the national interface,
// which defines no call without a rating, one GET of its address — read by the
// profile's adapter. The last answer's Date header serves the clock check.

import type { PlatformAdapter, ProbeOutcome, Send, UploadResponse } from './adapter.js';
import { probeOf } from './exchange.js';
import { createHttpTransport, type Transport } from './http-transport.js';

/** `answered`: the address answers HTTP, and the profile has no way to check more. */
export type CredentialsResult = 'ok' | 'answered' | 'auth_failed' | 'misconfigured' | 'unreachable';

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
  now?: () => number;
}

/** `adapter`: the profile's, made from the resolved section; `timeoutMs`: its platform.timeoutSeconds. */
export async function checkCredentials(
  adapter: PlatformAdapter,
  timeoutMs: number,
  options: CheckOptions = {},
): Promise<CredentialsCheck> {
  const now = options.now ?? Date.now;
  const http = options.transport ? null : createHttpTransport();
  const transport = options.transport ?? (http as NonNullable<typeof http>).send;
  let last: UploadResponse | null = null;
  const send: Send = async (request) => {
    last = await transport(request, { timeoutMs });
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
    const outcome = await probeOf(adapter)(now, send);
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
  outcome: ProbeOutcome,
  status: number | null,
  serverDate: number | null,
): CredentialsCheck {
  return { ...meaning(outcome, status ?? 0), serverDate, status };
}

function meaning(outcome: ProbeOutcome, status: number): Pick<CredentialsCheck, 'result' | 'detail'> {
  switch (outcome.kind) {
    case 'results':
      return { result: 'ok', detail: `credentials accepted (HTTP ${status})` };
    case 'answered':
      return { result: 'answered', detail: `the address answers (HTTP ${outcome.status})` };
    case 'intercepted':
      // Not the platform: the line names the proxy or firewall to look at.
      return { result: 'unreachable', detail: outcome.message };
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
