// A real terminal (real store in a temp folder) behind the real API on a free port.
import { join } from 'node:path';
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
  url: string;
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
      ...opts.settings,
    },
    version: '0.0.0-test',
    terminalId: 'HA-0001',
  });
  const base = api.url.replace(/\/v1$/, '');
  return {
    terminal,
    api,
    dir,
    url: base,
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

export const clerkJson = {
  id: '0107',
  name: '林晓',
  department: { code: 'D-TAX', name: '县税务局' },
  stars: 5,
};
export const promptJson = (overrides: Record<string, unknown> = {}) => ({
  transactionId: 'TX-1',
  service: { code: 'S-1', name: '个体工商户登记' },
  departments: [{ code: 'D-MKT', name: '县市场监管局' }],
  mode: 'single',
  ...overrides,
});
