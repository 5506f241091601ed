// The OpenAPI document exactly as a running terminal serves it: a real terminal (real
// store in a temporary folder) behind the real API, asked over HTTP.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApi } from '../src/api/server.js';
import { Terminal } from '../src/engine/terminal.js';
import { RatingStore } from '../src/store/store.js';
import { coreConfig } from '../test/helpers/core-fixture.js';

export function openApiText(doc: unknown): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}

export async function servedOpenApi(): Promise<{ doc: unknown; routes: { method: string; url: string }[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'hcp-openapi-'));
  const terminal = new Terminal({
    config: coreConfig({}),
    openStore: () => RatingStore.open({ path: join(dir, 'terminal.db'), keyFile: join(dir, 'terminal.key') }),
  });
  terminal.start();
  try {
    const api = await startApi({
      ops: terminal,
      settings: {
        host: '127.0.0.1',
        port: 0,
        token: 'docs',
        revealRatings: false,
        corsOrigins: [],
        rateLimit: 50,
      },
      version: '0.0.0-docs',
      terminalId: 'HA-0001',
    });
    try {
      const res = await fetch(`${api.url}/openapi.json`, { headers: { authorization: 'Bearer docs' } });
      if (res.status !== 200) throw new Error(`GET /v1/openapi.json answered ${res.status}`);
      return { doc: await res.json(), routes: api.routes };
    } finally {
      await api.close();
    }
  } finally {
    terminal.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
