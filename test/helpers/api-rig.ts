// A real terminal (real store in a temp folder) behind the real API on a free port,
// called as a business system calls it: through the typed client generated from the
// OpenAPI document (`client`), or, for requests no client would send (malformed bodies,
// wrong methods, odd headers), raw (`call`).
import { join } from 'node:path';
import {
  type ClerkSignIn,
  type PromptRequest,
  type TerminalClient,
  type TerminalClientOptions,
  terminalClient,
} from 'haochaping-terminal/client';
import { type ApiServer, type ApiSettings, startApi } from '../../src/api/server.js';
import type { Logger } from '../../src/base/logger.js';
import type { ReasonsCatalogue } from '../../src/core/reasons.js';
import { Terminal } from '../../src/engine/terminal.js';
import { RatingStore } from '../../src/store/store.js';
import { coreConfig } from './core-fixture.js';
import type { FakeClock } from './fake-clock.js';
import { tempDir } from './temp.js';

export interface ApiRig {
  terminal: Terminal;
  api: ApiServer;
  dir: string;
  /** The API's address without /v1. */
  url: string;
  /** The typed client, with the rig's token if it has one. */
  client: TerminalClient;
  /** Another client: another token (or none), other headers. */
  clientWith(options: Omit<TerminalClientOptions, 'baseUrl'>): TerminalClient;
  /** A raw request, for what no client would send. */
  call(
    method: string,
    path: string,
    init?: { body?: unknown; raw?: string | Buffer; headers?: Record<string, string> },
  ): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

export async function apiRig(
  opts: {
    mode?: 'counter' | 'kiosk';
    settings?: Partial<ApiSettings>;
    clock?: FakeClock;
    catalogue?: ReasonsCatalogue;
    dir?: string;
    /** A training terminal (terminal.training). */
    training?: boolean;
    log?: Logger;
  } = {},
): Promise<ApiRig> {
  const dir = opts.dir ?? tempDir();
  const terminal = new Terminal({
    config: coreConfig({
      mode: opts.mode ?? 'counter',
      ...(opts.catalogue ? { catalogue: opts.catalogue } : {}),
      training: opts.training ?? false,
    }),
    openStore: () =>
      RatingStore.open({
        path: join(dir, 'terminal.db'),
        keyFile: join(dir, 'terminal.key'),
        training: opts.training ?? false,
      }),
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.log ? { log: opts.log } : {}),
  });
  terminal.start();
  const api = await startApi({
    ops: terminal,
    settings: {
      host: '127.0.0.1',
      port: 0,
      token: null,
      revealRatings: false,
      corsOrigins: [],
      // api.rateLimit's default, as a terminal has it.
      rateLimit: 50,
      ...opts.settings,
    },
    version: '0.0.0-test',
    terminalId: 'HA-0001',
  });
  const base = api.url.replace(/\/v1$/, '');
  const clientWith = (options: Omit<TerminalClientOptions, 'baseUrl'>) =>
    terminalClient({ baseUrl: base, ...options });
  return {
    terminal,
    api,
    dir,
    url: base,
    client: clientWith({ token: opts.settings?.token ?? null }),
    clientWith,
    async call(method, path, init = {}) {
      const headers: Record<string, string> = { ...init.headers };
      let body: string | Buffer | undefined;
      if (init.raw !== undefined) body = init.raw;
      else if (init.body !== undefined) {
        body = JSON.stringify(init.body);
        headers['content-type'] ??= 'application/json';
      }
      const res = await fetch(base + path, {
        method,
        headers,
        ...(body !== undefined ? { body: typeof body === 'string' ? body : new Uint8Array(body) } : {}),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        // not JSON: left as text for the assertion to show
      }
      return { status: res.status, body: parsed, headers: res.headers };
    },
    async close() {
      await api.close();
      terminal.stop();
    },
  };
}

/**
 * A client call's answer, as the tests read it: the status, the body (the data, or the
 * error body; null when there is none) and the headers.
 */
export async function answered(
  call: Promise<{ response: Response; data?: unknown; error?: unknown }>,
): Promise<{ status: number; body: any; headers: Headers }> {
  const { response, data, error } = await call;
  return { status: response.status, body: (response.ok ? data : error) ?? null, headers: response.headers };
}

export const clerkJson: ClerkSignIn = {
  id: '0107',
  name: '林晓',
  department: { code: 'D-TAX', name: '县税务局' },
  stars: 5,
};
/** A valid prompt request; overrides may break it on purpose (sent raw, with `call`). */
export const promptJson = (overrides: Record<string, unknown> = {}): PromptRequest =>
  ({
    transactionId: 'TX-1',
    service: { code: 'S-1', name: '个体工商户登记' },
    departments: [{ code: 'D-MKT', name: '县市场监管局' }],
    mode: 'single',
    ...overrides,
  }) as PromptRequest;
