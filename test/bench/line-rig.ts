// The citizen's path at full size, for the keypad and API-load figures (and their short
// tests): the running terminal as `serve` and Electron start it (engine, real store,
// file logger, KP/1 driver on a socat pty, local API on a port, QR codes), in this
// process; the keypad and the business system each in a child process of their own,
// as they are separate devices and programs in a hall. Times are process.hrtime
// (CLOCK_MONOTONIC), one clock for every process on the machine, so a press stamped in
// the keypad's process and a commit stamped here can be subtracted.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAll } from '../../src/config/load-all.js';
import { type RunningTerminal, startRunningTerminal } from '../../src/engine/running-terminal.js';
import { freePort } from '../helpers/cli.js';
import { type PtyPair, startPtyPair } from '../helpers/socat.js';
import { nowNs } from './child-ipc.js';

const CLERK = { id: '0107', name: '林晓', department: { code: 'D-TAX', name: '县税务局' }, stars: 5 };

export interface LineRig {
  running: RunningTerminal;
  pty: PtyPair;
  /** The API's base, http://127.0.0.1:PORT/v1. */
  api: string;
  /** When each transaction's rating was committed (the engine's `final`), by transaction id. */
  committed: Map<string, bigint>;
  close(): Promise<void>;
}

/**
 * `rateLimit`: api.rateLimit. By default lifted: the bench's business system sends 500
 * requests a second from one address to measure the API answering them, not refusing them.
 */
export async function startLineRig(opts: { rateLimit?: number } = {}): Promise<LineRig> {
  const dir = mkdtempSync(join(tmpdir(), 'hcp-line-'));
  const pty = await startPtyPair();
  const file = join(dir, 'config.json');
  writeFileSync(
    file,
    JSON.stringify({
      terminal: {
        id: 'HA-0001',
        mode: 'counter',
        windowNo: '12',
        hallName: '惠安县行政服务中心',
        areaCode: '350521',
      },
      keypad: { driver: 'frame', path: pty.a },
      store: { path: join(dir, 'terminal.db'), keyFile: join(dir, 'terminal.key') },
      log: { dir: join(dir, 'logs') },
      api: { port: await freePort(), rateLimit: opts.rateLimit ?? 100_000 },
      qr: { baseUrl: 'https://hcp.example.gov.cn/m/rate', secret: 'bench-qr-secret' },
    }),
  );
  const problems: string[] = [];
  const loaded = loadAll(file, { out: () => {}, err: (l: string) => problems.push(l) });
  if (!loaded) {
    await pty.close();
    throw new Error(`the bench terminal's configuration was refused: ${problems.join(' ')}`);
  }
  const running = await startRunningTerminal(loaded.config, loaded.catalogue);
  // A clerk at the window from the start, as the business system signs one in each morning.
  const signIn = await fetch(`${running.api.url}/clerk`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(CLERK),
  });
  if (signIn.status !== 200) {
    await running.stop();
    await pty.close();
    throw new Error(`PUT /v1/clerk answered ${signIn.status}`);
  }
  const committed = new Map<string, bigint>();
  const unsubscribe = running.terminal.subscribe({
    final: (records) => {
      const at = nowNs();
      for (const r of records) if (!committed.has(r.transactionId)) committed.set(r.transactionId, at);
    },
  });
  return {
    running,
    pty,
    api: running.api.url,
    committed,
    async close() {
      unsubscribe();
      await running.stop();
      await pty.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
