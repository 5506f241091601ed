// The installed `serve` for the store's end-to-end tests: a configuration file on its own
// data folder and the reference platform simulator, the local API to open prompts and
// read health, and the screens' bridge to rate as the page would and to see each screen.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import WebSocket from 'ws';
import { type ApiAnswer, callApi } from '../../helpers/api-call.js';
import { freePort, type Run, runCli, waitFor } from '../../helpers/cli.js';
import type { PlatformSim } from '../../sim/platform-sim.js';
import { openPeer, type Peer } from '../serve/bridge-peers.js';

export const APP_MARK = 'HA-APP';
export const SECRET = 'store-rig-secret';
export const PIN = '24680';
const PATIENCE_MS = 30_000;

export interface ServeRig {
  dir: string;
  dbPath: string;
  run: Run;
  api: (method: string, path: string, body?: unknown) => Promise<ApiAnswer>;
  screen: Peer;
  health: () => Promise<Record<string, any>>;
  /** Opens a prompt for TRANSACTION (citizen optional) and waits for its rating screen. */
  prompt: (transactionId: string, citizen?: Record<string, unknown>) => Promise<string>;
  /** What the screen was last sent. */
  screenKind: () => string | undefined;
  /** The screen kinds sent since `from` (an index into screen.received). */
  kindsSince: (from: number) => string[];
  send: (message: unknown) => void;
  stop: (signal?: NodeJS.Signals) => Promise<void>;
}

/** Starts `serve` on DIR (made by the caller, kept across restarts) against SIM. */
export async function startServe(dir: string, sim: PlatformSim, runs: Run[]): Promise<ServeRig> {
  const [apiPort, uiPort] = [await freePort(), await freePort()];
  const configFile = join(dir, 'config.json');
  const dbPath = join(dir, 'data', 'terminal.db');
  writeFileSync(
    configFile,
    JSON.stringify({
      terminal: { id: 'HA-0001', mode: 'kiosk', areaCode: '350521', windowNo: '12' },
      keypad: { driver: 'none' },
      store: { path: dbPath, keyFile: join(dir, 'data', 'terminal.key') },
      log: { dir: join(dir, 'logs') },
      platform: { url: sim.url, appMark: APP_MARK, secret: SECRET, timeoutSeconds: 3 },
      api: { port: apiPort },
      ui: { port: uiPort },
      diagnostics: { pin: PIN },
    }),
  );
  const run = runCli(['serve', '--config', configFile]);
  runs.push(run);
  await waitFor(() => run.stdout().includes('Local API:'), `serve to start\n${run.stderr()}`, PATIENCE_MS);
  const base = `http://127.0.0.1:${apiPort}/v1`;
  const api = (method: string, path: string, body?: unknown) => callApi(base, method, path, body);
  const origin = `http://127.0.0.1:${uiPort}`;
  const peer = await openPeer(`ws://127.0.0.1:${uiPort}/bridge`, origin);
  if (typeof peer === 'number') throw new Error(`the bridge refused the screen: HTTP ${peer}`);
  const kinds = (from: number) =>
    peer.received.slice(from).flatMap((m) => (m.type === 'view' ? [m.view.screen.kind as string] : []));
  const rig: ServeRig = {
    dir,
    dbPath,
    run,
    api,
    screen: peer,
    health: async () => (await api('GET', '/health')).body,
    screenKind: () => kinds(0).at(-1),
    kindsSince: kinds,
    send: (message) => peer.ws.send(JSON.stringify(message)),
    async prompt(transactionId, citizen) {
      const opened = await api('POST', '/prompts?replace=true', {
        transactionId,
        service: { code: 'S-1', name: '个体工商户登记' },
        departments: [{ code: 'D-MKT', name: '县市场监管局' }],
        mode: 'single',
        ...(citizen ? { citizen } : {}),
      });
      expect(opened.status, JSON.stringify(opened.body)).toBe(201);
      await waitFor(() => rig.screenKind() === 'rate', 'the rating screen', PATIENCE_MS);
      return opened.body.id as string;
    },
    async stop(signal = 'SIGTERM') {
      peer.ws.terminate();
      const exited = run.exit;
      run.child.kill(signal);
      await exited;
    },
  };
  return rig;
}

/** The technicians' diagnostics as the screen gets them, opened with the PIN. */
export async function openDiagnostics(rig: ServeRig): Promise<any> {
  const from = rig.screen.received.length;
  rig.send({ type: 'diagnostics_open', pin: PIN });
  await waitFor(
    () => rig.screen.received.slice(from).some((m) => m.type === 'diagnostics'),
    'the diagnostics view',
    PATIENCE_MS,
  );
  return rig.screen.received.slice(from).find((m) => m.type === 'diagnostics').view;
}

export function closeQuietly(ws: WebSocket | undefined): void {
  if (ws && ws.readyState === WebSocket.OPEN) ws.terminate();
}
