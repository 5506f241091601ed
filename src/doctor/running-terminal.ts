// Is a terminal already running with this configuration? Its local API answers
// GET /v1/health at api.host:api.port. If so, doctor asks it about the keypad and the
// store instead of opening them: the serial port is locked by the running terminal,
// and a second writer is not what a technician wants to test.

import { isIP } from 'node:net';
import type { ApiSection } from '../config/terminal-config.js';

export interface RunningHealth {
  terminalId: string;
  version: string;
  keypad: 'online' | 'offline' | 'none';
  keypadFault: 'stuck_key' | null;
  store: 'ok' | 'unavailable';
  /** null when the running version does not say. */
  training: boolean | null;
}

export type Running =
  | { kind: 'none' }
  /** The API port answers as this terminal. */
  | { kind: 'this'; health: RunningHealth; url: string }
  /** Something else answers there: another terminal (or program) holds the port. */
  | { kind: 'other'; url: string; what: string };

const ASK_TIMEOUT_MS = 1_500;

/** Where to reach an API bound to `host` from this machine (a wildcard bind answers on loopback). */
export function healthUrl(api: ApiSection): string {
  let host = api.host;
  if (host === '0.0.0.0') host = '127.0.0.1';
  else if (host === '::' || host === '[::]') host = '::1';
  if (isIP(host) === 6) host = `[${host}]`;
  return `http://${host}:${api.port}/v1/health`;
}

export async function askRunningTerminal(api: ApiSection, terminalId: string): Promise<Running> {
  const url = healthUrl(api);
  let response: Response;
  try {
    response = await fetch(url, {
      // Health needs no token, but a terminal that wants one everywhere must not refuse doctor.
      headers: api.token ? { authorization: `Bearer ${api.token}` } : {},
      signal: AbortSignal.timeout(ASK_TIMEOUT_MS),
    });
  } catch {
    // Refused, timed out, unreachable: nothing is running there.
    return { kind: 'none' };
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    return { kind: 'other', url, what: `a program that is not a terminal (HTTP ${response.status})` };
  }
  const health = asHealth(body);
  if (!response.ok || health === null) {
    return { kind: 'other', url, what: `a program that is not a terminal (HTTP ${response.status})` };
  }
  if (health.terminalId !== terminalId) {
    return { kind: 'other', url, what: `terminal ${health.terminalId}` };
  }
  return { kind: 'this', health, url };
}

function asHealth(body: unknown): RunningHealth | null {
  if (typeof body !== 'object' || body === null) return null;
  const b = body as Record<string, unknown>;
  if (b.status !== 'ok' || typeof b.terminalId !== 'string') return null;
  const keypad = b.keypad === 'online' || b.keypad === 'none' ? b.keypad : 'offline';
  return {
    terminalId: b.terminalId,
    version: typeof b.version === 'string' ? b.version : '',
    keypad,
    keypadFault: b.keypadFault === 'stuck_key' ? 'stuck_key' : null,
    store: b.store === 'ok' ? 'ok' : 'unavailable',
    training: typeof b.training === 'boolean' ? b.training : null,
  };
}
