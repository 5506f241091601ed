// doctor's platform check: one signed upload of an empty list, which the platform
// answers 200 when the credentials are good. Its Date header serves the clock check.

import type { PlatformSection } from '../config/terminal-config.js';
import type { PlatformAdapter, UploadOutcome } from './adapter.js';
import { createAdapter } from './adapters/index.js';
import { createHttpTransport, type Transport } from './http-transport.js';

export type CredentialsResult = 'ok' | 'auth_failed' | 'misconfigured' | 'unreachable';

export interface CredentialsCheck {
  result: CredentialsResult;
  /** What was found, for a technician (never the secret). */
  detail: string;
  /** The platform's `Date` header as epoch ms; null when absent, unreadable or no answer. */
  serverDate: number | null;
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
  try {
    const response = await transport(adapter.encode([], now()), {
      timeoutMs: platform.timeoutSeconds * 1000,
    });
    const dateHeader = response.headers.date;
    const parsedDate = dateHeader ? Date.parse(dateHeader) : Number.NaN;
    const serverDate = Number.isNaN(parsedDate) ? null : parsedDate;
    return interpret(adapter.decode(response, [], now()), response.status, serverDate);
  } catch (err) {
    return {
      result: 'unreachable',
      detail: err instanceof Error ? err.message : String(err),
      serverDate: null,
    };
  } finally {
    http?.close();
  }
}

function interpret(outcome: UploadOutcome, status: number, serverDate: number | null): CredentialsCheck {
  switch (outcome.kind) {
    case 'results':
      return { result: 'ok', detail: `credentials accepted (HTTP ${status})`, serverDate };
    case 'auth_failed':
      return { result: 'auth_failed', detail: `credentials refused: ${outcome.message}`, serverDate };
    case 'misconfigured':
      return { result: 'misconfigured', detail: outcome.message, serverDate };
    case 'refused':
      return {
        result: 'misconfigured',
        detail: `an empty upload was refused: HTTP ${outcome.status} ${outcome.message}`,
        serverDate,
      };
    case 'transient':
      // A 200 with a body that is not the upload answer is a wrong address or profile.
      return {
        result: status >= 200 && status < 300 ? 'misconfigured' : 'unreachable',
        detail: outcome.message,
        serverDate,
      };
  }
}
