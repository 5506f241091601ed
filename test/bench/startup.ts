// `serve` cold start: from spawning the installed command on a fresh data folder to the
// first healthy /v1/health answer; beside it, a bare `node -e` HTTP server from spawn to
// its first answer, the floor any Node program pays (runtime start, module loading).

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BIN, freePort } from '../helpers/cli.js';
import { type Figure, median } from './format.js';

const ROUNDS = 5;
const POLL_MS = 10;

/** A kiosk with no keypad, its store in `dir`: the parts that start on every terminal. */
export async function serveConfig(dir: string): Promise<{ file: string; api: string; ui: string }> {
  const [uiPort, apiPort] = [await freePort(), await freePort()];
  const file = join(dir, 'config.yaml');
  writeFileSync(
    file,
    `terminal:\n  id: HA-0001\n  mode: kiosk\n  areaCode: "350521"\nkeypad:\n  driver: none\nstore:\n  path: ./data/terminal.db\nui:\n  port: ${uiPort}\napi:\n  port: ${apiPort}\n`,
  );
  return { file, api: `http://127.0.0.1:${apiPort}/v1/health`, ui: `http://127.0.0.1:${uiPort}/` };
}

export function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Polls `url` until `healthy(body)`; the child's early exit fails with its output. */
export async function firstAnswer(
  url: string,
  child: ChildProcess,
  healthy: (body: string) => boolean,
): Promise<void> {
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    out += d;
  });
  const end = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`it exited (${child.exitCode}) before answering:\n${out}`);
    try {
      const res = await fetch(url);
      if (healthy(await res.text())) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > end) throw new Error(`no healthy answer from ${url} in a minute:\n${out}`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

async function timeStart(args: string[], url: string, healthy: (body: string) => boolean): Promise<number> {
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    await firstAnswer(url, child, healthy);
    return performance.now() - t0;
  } finally {
    await stop(child);
  }
}

async function serveStart(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'hcp-bench-start-'));
  try {
    const c = await serveConfig(dir);
    return await timeStart([BIN, 'serve', '--config', c.file], c.api, (body) => {
      const h = JSON.parse(body) as { status?: string; store?: string };
      return h.status === 'ok' && h.store === 'ok';
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function bareStart(): Promise<number> {
  const port = await freePort();
  const code = `require('node:http').createServer((q, s) => s.end('ok')).listen(${port}, '127.0.0.1')`;
  return timeStart(['-e', code], `http://127.0.0.1:${port}/`, (body) => body === 'ok');
}

export async function startupFigures(): Promise<Figure[]> {
  const ours: number[] = [];
  const bare: number[] = [];
  // Interleaved, so a busy spell on the machine falls on both.
  for (let i = 0; i < ROUNDS; i++) {
    bare.push(await bareStart());
    ours.push(await serveStart());
  }
  return [
    {
      name: `serve cold start → /v1/health healthy (median of ${ROUNDS})`,
      value: median(ours),
      unit: 'ms',
      limit: median(bare),
      limitUnit: 'ms',
      limitWhat: 'a bare `node -e` HTTP server from spawn to its first answer',
      better: 'lower',
    },
  ];
}
