// KP/1 press → thank-you screen painted in Chromium, through the real keypad driver on
// a socat pty, the engine with its real store, the serve shell's WebSocket and the
// screens; beside the raw path: the same Chromium painting a DOM change on a message
// from a bare WebSocket server.

import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Page } from 'playwright-core';
import { WebSocketServer } from 'ws';
import { PACKAGE_ROOT } from '../../src/base/package-root.js';
import { DEFAULT_HID_KEYS } from '../../src/config/schema.js';
import { startKeypad } from '../../src/engine/keypad-wiring.js';
import { Terminal } from '../../src/engine/terminal.js';
import { startServeShell } from '../../src/shells/serve/server.js';
import { RatingStore } from '../../src/store/store.js';
import { launchChromium } from '../helpers/chromium.js';
import { coreConfig, request } from '../helpers/core-fixture.js';
import { startPtyPair } from '../helpers/socat.js';
import { KeypadSim } from '../sim/keypad-sim.js';
import { type Figure, percentile } from './format.js';
import { PAGE_TRACE, PaintTrace, tracing } from './paint-trace.js';

const ROUNDS = 200;
const now = () => performance.timeOrigin + performance.now();

/** In the page: note when the screen turns to `kind` and the frame after it is painted. */
const WATCH = `
  window.__paintedAt = null;
  window.__watch = (kind) => {
    window.__paintedAt = null;
    const target = document.getElementById('app') ?? document.body;
    const seen = () => (target.dataset.screen ?? target.textContent) === kind;
    const done = () => requestAnimationFrame(() => setTimeout(() => {
      window.__paintedAt = performance.timeOrigin + performance.now();
    }, 0));
    const mo = new MutationObserver(() => { if (seen()) { mo.disconnect(); done(); } });
    mo.observe(target, { attributes: true, childList: true, subtree: true, characterData: true });
  };
`;

async function paintedAt(page: Page): Promise<number> {
  const handle = await page.waitForFunction(
    () => (window as unknown as { __paintedAt: number | null }).__paintedAt,
    null,
    {
      polling: 5,
      timeout: 10_000,
    },
  );
  return (await handle.jsonValue()) as number;
}

async function terminalPath(page: Page): Promise<number[]> {
  const dir = mkdtempSync(join(tmpdir(), 'hcp-bench-'));
  const pty = await startPtyPair();
  const sim = new KeypadSim({ path: pty.b });
  await sim.open();
  const terminal = new Terminal({
    config: coreConfig({ mode: 'kiosk' }),
    openStore: () => RatingStore.open({ path: join(dir, 't.db'), keyFile: join(dir, 't.key') }),
  });
  terminal.start();
  const keypad = await startKeypad(
    {
      driver: 'frame',
      path: pty.a,
      autoIds: [],
      baudRate: 9600,
      keymap: [5, 4, 3, 2, 1],
      hidKeys: DEFAULT_HID_KEYS.map((k) => [...k]),
      debounceMs: 300,
    },
    terminal,
    { log() {} },
  );
  const shell = await startServeShell({
    terminal,
    host: '127.0.0.1',
    port: 0,
    // PAINT_WEB_ROOT: another build of the screens, to compare a change before/after in one sitting.
    webRoot: process.env.PAINT_WEB_ROOT ?? join(PACKAGE_ROOT, 'dist', 'web'),
    soundsRoot: join(PACKAGE_ROOT, 'assets', 'sounds'),
    volume: () => 0,
    hidKeys: [],
    log: { log() {} },
  });
  const samples: number[] = [];
  const trace = tracing() ? new PaintTrace(terminal) : null;
  try {
    if (trace) await page.addInitScript(PAGE_TRACE);
    if (process.env.PAINT_NO_AUDIO)
      await page.addInitScript('window.Audio = class { play() { return Promise.resolve(); } };');
    await page.goto(shell.url);
    await page.evaluate(WATCH);
    await page.waitForSelector('main[data-screen="idle"]');
    for (let i = 0; i < ROUNDS; i++) {
      terminal.openPrompt(request({ transactionId: `P-${i}` }), { replace: true });
      await page.waitForSelector('main[data-screen="rate"]');
      await page.evaluate(() => (window as unknown as { __watch: (k: string) => void }).__watch('thanks'));
      await trace?.start(page);
      const t0 = now();
      trace?.pressed(t0);
      void sim.press(1);
      samples.push((await paintedAt(page)) - t0);
      await trace?.end(page);
    }
    if (trace) console.log(trace.report());
  } finally {
    await shell.close();
    await keypad.stop();
    terminal.stop();
    await sim.close();
    await pty.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return samples;
}

async function rawPath(page: Page): Promise<number[]> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><body><main id="app" data-screen="idle">idle</main><script>
      ${WATCH}
      const ws = new WebSocket('ws://' + location.host + '/');
      ws.onmessage = (e) => { const app = document.getElementById('app'); app.dataset.screen = e.data; app.textContent = e.data; };
      window.__ready = new Promise((r) => { ws.onopen = r; });
    </script></body>`);
  });
  const wss = new WebSocketServer({ server });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const samples: number[] = [];
  try {
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await page.evaluate(() => (window as unknown as { __ready: Promise<void> }).__ready);
    const [client] = [...wss.clients];
    if (!client) throw new Error('the raw page did not connect');
    for (let i = 0; i < ROUNDS; i++) {
      client.send('rate');
      await page.waitForSelector('main[data-screen="rate"]');
      await page.evaluate(() => (window as unknown as { __watch: (k: string) => void }).__watch('thanks'));
      const t0 = now();
      client.send('thanks');
      samples.push((await paintedAt(page)) - t0);
    }
  } finally {
    wss.close();
    server.close();
  }
  return samples;
}

export async function paintFigures(): Promise<Figure[]> {
  const chromium = await launchChromium();
  try {
    const page = await chromium.browser.newPage({ viewport: { width: 1024, height: 600 } });
    const raw = await rawPath(page);
    // PAINT_CDP_TRACE=file.json: Chromium's own trace of our path (open it in chrome://tracing or Perfetto).
    const cdpTrace = process.env.PAINT_CDP_TRACE;
    if (cdpTrace)
      await chromium.browser.startTracing(page, {
        path: cdpTrace,
        screenshots: false,
        categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel', 'v8', 'media'],
      });
    const ours = await terminalPath(page);
    if (cdpTrace) await chromium.browser.stopTracing();
    if (process.env.PAINT_DEBUG)
      console.log(
        'ours',
        [...ours]
          .sort((a, b) => a - b)
          .map((x) => x.toFixed(0))
          .join(' '),
        '\nraw',
        [...raw]
          .sort((a, b) => a - b)
          .map((x) => x.toFixed(0))
          .join(' '),
      );
    const figure = (p: number): Figure => ({
      name: `KP/1 press → thanks painted (p${p})`,
      value: percentile(ours, p),
      unit: 'ms',
      limit: percentile(raw, p),
      limitUnit: 'ms',
      limitWhat: 'same Chromium painting a DOM change on a bare WebSocket message',
      better: 'lower',
    });
    return [figure(50), figure(99)];
  } finally {
    await chromium.close();
  }
}
