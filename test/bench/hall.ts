// The hall console at scale, measured small: one Mosquitto here, N simulated terminals
// (each its own MQTT connection with the contract's will, state retained and republished
// every 30 s, 差评 at a hall's rate), the real `hall` process and its page in Chromium.
// Figures per N: the page's first full drawing beside the same cards as static HTML; a
// state change → its card repainted beside a bare MQTT publish → receive; the broker's
// and the console's CPU while the fleet just reports.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import mqtt, { type MqttClient } from 'mqtt';
import type { Page } from 'playwright-core';
import { PACKAGE_ROOT } from '../../src/base/package-root.js';
import { launchChromium } from '../helpers/chromium.js';
import { freePort, runCli, waitFor } from '../helpers/cli.js';
import { stateReport } from '../helpers/hall-state.js';
import { Broker } from '../helpers/mosquitto.js';
import { type Figure, median, percentile } from './format.js';

const HALL = '350521';
const SIZES = (process.env.HALL_BENCH_N ?? '100,1000,5000').split(',').map(Number);
const STATE_EVERY_MS = 30_000;
/** A window serves about one citizen in 5 minutes; about 2 in 100 ratings are 差评. */
const BAD_PER_TERMINAL_MS = 5 * 60_000 * 50;
const CPU_WINDOW_MS = Number(process.env.HALL_BENCH_CPU_MS ?? 30_000);
const PROBES = 30;
const now = () => performance.timeOrigin + performance.now();
const TICKS = 100; // USER_HZ on Linux

function state(id: string, i: number, clerkName = '林晓') {
  return stateReport({
    terminalId: id,
    hallId: HALL,
    windowNo: String(i + 1),
    clerk: { id: String(i).padStart(4, '0'), name: clerkName, status: 'serving' },
  });
}

interface SimTerminal {
  id: string;
  client: MqttClient;
  timer: NodeJS.Timeout | null;
  stop?: () => void;
}

async function connectTerminal(url: string, i: number): Promise<SimTerminal> {
  const id = `T-${String(i).padStart(5, '0')}`;
  const t = `hcp/${HALL}/${id}`;
  const client = await mqtt.connectAsync(url, {
    clientId: `hcp-${id}`,
    clean: true,
    keepalive: 30,
    reconnectPeriod: 0,
    will: { topic: `${t}/availability`, payload: Buffer.from('offline'), retain: true, qos: 1 },
  });
  const publishState = () =>
    client.publish(`${t}/state`, JSON.stringify(state(id, i)), { retain: true, qos: 1 });
  client.publish(`${t}/availability`, 'online', { retain: true, qos: 1 });
  publishState();
  // Staggered, as real terminals started at different moments are.
  const sim: SimTerminal = { id, client, timer: null };
  const first = setTimeout(() => {
    publishState();
    sim.timer = setInterval(publishState, STATE_EVERY_MS);
  }, Math.random() * STATE_EVERY_MS);
  sim.stop = () => {
    clearTimeout(first);
    if (sim.timer) clearInterval(sim.timer);
  };
  return sim;
}

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after "comm) ".
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

type Until =
  | { kind: 'cards'; n: number }
  | { kind: 'marker'; id: string; marker: string }
  | { kind: 'loaded' };

/**
 * When `until` holds in the page, the moment the frame after it is painted. A function,
 * not a string: the console's CSP refuses eval, as it should.
 */
async function paintAfter(page: Page, until: Until): Promise<number> {
  const handle = await page.waitForFunction(
    (u: Until) => {
      const w = window as unknown as { __painted?: number | null; __pending?: boolean };
      if (w.__painted) {
        const at = w.__painted;
        w.__painted = null;
        return at;
      }
      const holds =
        u.kind === 'cards'
          ? document.querySelectorAll('article.card').length === u.n
          : u.kind === 'marker'
            ? (document.querySelector(`article.card[data-terminal="${u.id}"]`)?.textContent ?? '').includes(
                u.marker,
              )
            : document.readyState === 'complete';
      if (holds && !w.__pending) {
        w.__pending = true;
        requestAnimationFrame(() =>
          setTimeout(() => {
            w.__painted = performance.timeOrigin + performance.now();
            w.__pending = false;
          }, 0),
        );
      }
      return null;
    },
    until,
    { polling: 10, timeout: 300_000 },
  );
  return (await handle.jsonValue()) as number;
}

export async function hallFigures(): Promise<Figure[]> {
  const broker = await Broker.start({ extra: 'max_queued_messages 100000' });
  const port = await freePort();
  const consoleData = mkdtempSync(join(tmpdir(), 'hcp-hall-bench-'));
  const consoleRun = runCli([
    'hall',
    '--broker',
    broker.url,
    '--hall',
    HALL,
    '--port',
    String(port),
    '--data',
    consoleData,
  ]);
  await waitFor(() => consoleRun.stdout().includes('Broker: connected'), 'the console', 30_000);
  const url = `http://127.0.0.1:${port}/`;
  const chromium = await launchChromium();
  const terminals: SimTerminal[] = [];
  const figures: Figure[] = [];
  const css = readFileSync(join(PACKAGE_ROOT, 'dist', 'web', 'hall', 'hall.css'), 'utf8');
  let staticHtml = '';
  const staticServer = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(staticHtml);
  });
  await new Promise<void>((r) => staticServer.listen(0, '127.0.0.1', r));
  const staticUrl = `http://127.0.0.1:${(staticServer.address() as AddressInfo).port}/`;
  // The bare path the console's updates ride on: one publish, one subscriber, same broker.
  const bareSub = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
  const barePub = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
  await bareSub.subscribeAsync('bench/bare', { qos: 1 });
  let badTimer: NodeJS.Timeout | null = null;

  try {
    for (const n of SIZES) {
      // Grow the fleet to n, in small parallel batches.
      while (terminals.length < n) {
        const batch = Math.min(50, n - terminals.length);
        const start = terminals.length;
        terminals.push(
          ...(await Promise.all(
            Array.from({ length: batch }, (_, k) => connectTerminal(broker.url, start + k)),
          )),
        );
      }
      if (badTimer) clearInterval(badTimer);
      badTimer = setInterval(
        () => {
          const t = terminals[Math.floor(Math.random() * terminals.length)] as SimTerminal;
          t.client.publish(
            `hcp/${HALL}/${t.id}/events`,
            JSON.stringify({
              type: 'bad_rating',
              level: 2,
              evalDetail: 'D01',
              windowNo: '1',
              clerkId: '0001',
              deptCode: null,
              taskName: '食品经营许可',
              training: false,
              at: '2026-11-29 14:31:05',
            }),
            { qos: 1 },
          );
        },
        Math.max(50, BAD_PER_TERMINAL_MS / n),
      );

      // First drawing of all n terminals, from navigation to the painted frame.
      const page = await chromium.browser.newPage({ viewport: { width: 1600, height: 1000 } });
      const loads: number[] = [];
      for (let round = 0; round < 3; round++) {
        const t0 = now();
        await page.goto(url);
        loads.push((await paintAfter(page, { kind: 'cards', n })) - t0);
      }
      // The same cards as a static page: what Chromium needs to draw them without our script.
      const body = await page.evaluate(() => {
        const copy = document.body.cloneNode(true) as HTMLElement;
        for (const s of copy.querySelectorAll('script')) s.remove();
        return copy.outerHTML;
      });
      staticHtml = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>${css}</style></head>${body}</html>`;
      const staticLoads: number[] = [];
      const staticPage = await chromium.browser.newPage({ viewport: { width: 1600, height: 1000 } });
      for (let round = 0; round < 3; round++) {
        const t0 = now();
        await staticPage.goto(staticUrl);
        staticLoads.push((await paintAfter(staticPage, { kind: 'loaded' })) - t0);
      }
      await staticPage.close();
      figures.push({
        name: `hall console, first drawing of ${n} terminals`,
        value: median(loads),
        unit: 'ms',
        limit: median(staticLoads),
        limitUnit: 'ms',
        limitWhat: 'the same cards as static HTML in the same Chromium',
        better: 'lower',
      });

      // A state change on one terminal → its card repainted.
      const lat: number[] = [];
      for (let i = 0; i < PROBES; i++) {
        const k = Math.floor(Math.random() * n);
        const t = terminals[k] as SimTerminal;
        const marker = `probe${i}x${n}`;
        const t0 = now();
        t.client.publish(`hcp/${HALL}/${t.id}/state`, JSON.stringify(state(t.id, k, marker)), {
          retain: true,
          qos: 1,
        });
        lat.push((await paintAfter(page, { kind: 'marker', id: t.id, marker })) - t0);
        // Back to the ordinary state, so the next state tick does not look like a probe.
        t.client.publish(`hcp/${HALL}/${t.id}/state`, JSON.stringify(state(t.id, k)), {
          retain: true,
          qos: 1,
        });
        // Past the console's batching window, so a probe does not wait on its own reset.
        await new Promise((r) => setTimeout(r, 300));
      }
      const bare: number[] = [];
      for (let i = 0; i < PROBES; i++) {
        const got = new Promise<number>((r) => bareSub.once('message', () => r(now())));
        const t0 = now();
        barePub.publish('bench/bare', 'x', { qos: 1 });
        bare.push((await got) - t0);
      }
      figures.push({
        name: `hall console, state change → card painted, ${n} terminals (p50)`,
        value: median(lat),
        unit: 'ms',
        limit: median(bare),
        limitUnit: 'ms',
        limitWhat: 'bare MQTT.js publish → receive, same broker',
        better: 'lower',
      });
      figures.push({
        name: `hall console, state change → card painted, ${n} terminals (p99)`,
        value: percentile(lat, 99),
        unit: 'ms',
        limit: percentile(bare, 99),
        limitUnit: 'ms',
        limitWhat: 'bare MQTT.js publish → receive, same broker',
        better: 'lower',
      });

      // CPU while the fleet only reports (the page stays open and drawing).
      const b0 = cpuSeconds(broker.pid);
      const c0 = cpuSeconds(consoleRun.child.pid as number);
      const w0 = now();
      await new Promise((r) => setTimeout(r, CPU_WINDOW_MS));
      const wall = (now() - w0) / 1000;
      for (const [who, pid, before] of [
        ['broker', broker.pid, b0],
        ['console process', consoleRun.child.pid as number, c0],
      ] as const) {
        figures.push({
          name: `${who} CPU with ${n} terminals reporting every 30 s`,
          value: ((cpuSeconds(pid) - before) / wall) * 100,
          unit: '% of a core',
          limit: 100,
          limitUnit: '% of a core',
          limitWhat: 'one whole core',
          better: 'lower',
        });
      }
      await page.close();
    }
    return figures;
  } finally {
    if (badTimer) clearInterval(badTimer);
    for (const t of terminals) {
      t.stop?.();
      t.client.end(true);
    }
    bareSub.end(true);
    barePub.end(true);
    staticServer.close();
    await chromium.close();
    consoleRun.child.kill('SIGTERM');
    await consoleRun.exit;
    await broker.dispose();
    rmSync(consoleData, { recursive: true, force: true });
  }
}

// The figures at scale (a hall's year, a county's month): hall-figures.ts.
export { hallScaleFigures } from './hall-figures.js';
