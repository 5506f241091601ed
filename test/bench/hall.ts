// The hall console at scale, measured small: one Mosquitto here, N simulated terminals
// (each its own MQTT connection with the contract's will, state retained and republished
// every 30 s, 差评 at a hall's rate), the real `hall` process and its page in Chromium.
// Figures per N: the page's first full drawing beside the same cards as static HTML; a
// state change → its card repainted beside a bare MQTT publish → receive; the broker's
// and the console's CPU while the fleet just reports.

import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import mqtt, { type MqttClient } from 'mqtt';
import type { Page } from 'playwright-core';
import { PACKAGE_ROOT } from '../../src/base/package-root.js';
import { cstToday, dayText } from '../../src/hall/db/console-db.js';
import { launchChromium } from '../helpers/chromium.js';
import { freePort, runCli, waitFor } from '../helpers/cli.js';
import {
  consoleJson,
  dayRows,
  HALL as HALL_ID,
  seeded,
  startConsole,
  statsPayload,
} from '../helpers/hall-console.js';
import { stateReport } from '../helpers/hall-state.js';
import { Broker } from '../helpers/mosquitto.js';
import { type Figure, line, median, percentile } from './format.js';

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

// ---------------------------------------------------------------------------------
// The figures at scale: a hall of 60 terminals over a year and a county of 5 000 over a
// month, published per the contract (one stats message a terminal and day) to a real
// Mosquitto and kept by the real console. Figures: the database's size beside the
// messages' own bytes, the 统计 page's drawing beside the same page as static HTML, the
// console's memory beside the same console with an empty database.

const FIGURES_SCALE = Number(process.env.HALL_FIGURES_SCALE ?? 1);

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(line?.split(/\s+/)[1] ?? 0) / 1024;
}

function dayList(days: number, end: string): string[] {
  const out: string[] = [];
  const d = new Date(`${end}T00:00:00Z`);
  for (let i = 0; i < days; i++) {
    out.unshift(d.toISOString().slice(0, 10));
    d.setUTCDate(d.getUTCDate() - 1);
  }
  return out;
}

async function oneScale(
  what: string,
  terminals: number,
  days: number,
  chromium: Awaited<ReturnType<typeof launchChromium>>,
): Promise<Figure[]> {
  const broker = await Broker.start({ extra: 'max_queued_messages 0' });
  const data = mkdtempSync(join(tmpdir(), 'hcp-hall-bench-'));
  const hall = await startConsole(broker.url, data);
  const pid = hall.run.child.pid as number;
  const figures: Figure[] = [];
  try {
    await new Promise((r) => setTimeout(r, 2_000));
    const emptyRss = rssMb(pid);
    const pub = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
    const rand = seeded(terminals * 1000 + days);
    const end = dayText(cstToday(Date.now()));
    const list = dayList(days, end);
    let bytes = 0;
    let rated = 0;
    let inFlight: Promise<unknown>[] = [];
    for (let t = 0; t < terminals; t++) {
      const id = `T-${String(t).padStart(5, '0')}`;
      for (const day of list) {
        const rows = dayRows(rand, t + 1, 1);
        for (const r of rows) rated += r.levels.reduce((a, c) => a + c, 0);
        const payload = JSON.stringify(statsPayload(id, day, String(t + 1), rows, `${day} 17:00:30`));
        bytes += Buffer.byteLength(payload);
        // Retained, as terminals publish them: a console that lost its connection under the
        // flood gets them again when it subscribes anew.
        inFlight.push(
          pub.publishAsync(`hcp/${HALL_ID}/${id}/stats/${day}`, payload, { qos: 1, retain: true }),
        );
        if (inFlight.length >= 200) {
          await Promise.all(inFlight);
          inFlight = [];
        }
      }
    }
    await Promise.all(inFlight);
    await pub.endAsync();
    const from = list[0] as string;
    const statsPath = `api/stats?from=${from}&to=${end}&by=window`;
    const end0 = Date.now() + 30 * 60_000;
    for (;;) {
      const got = (await consoleJson(hall.url, statsPath)).tables[0].rows.reduce(
        (n: number, r: unknown[]) => n + (r[2] as number),
        0,
      );
      if (got === rated) break;
      if (Date.now() > end0)
        throw new Error(
          `${what}: the console kept ${got} ratings of ${rated}; it said: ${hall.run.stderr()}`,
        );
      await new Promise((r) => setTimeout(r, 10_000));
    }
    const dbBytes = ['hall.db', 'hall.db-wal']
      .map((f) => {
        try {
          return statSync(join(data, f)).size;
        } catch {
          return 0;
        }
      })
      .reduce((a, b) => a + b, 0);
    figures.push({
      name: `hall console database, ${what}`,
      value: dbBytes / 1e6,
      unit: 'MB',
      limit: bytes / 1e6,
      limitUnit: 'MB',
      limitWhat: 'the stats messages as published (compact JSON)',
      better: 'lower',
    });

    // The 统计 page over the whole range, by window: navigation to its charts and tables painted.
    const page = await chromium.browser.newPage({ viewport: { width: 1600, height: 1000 } });
    const url = new URL(`stats?from=${from}&to=${end}&by=window`, hall.url).href;
    const draws: number[] = [];
    for (let round = 0; round < 3; round++) {
      const t0 = now();
      await page.goto(url);
      await page.waitForSelector('body[data-ready="true"]', { timeout: 300_000 });
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));
      draws.push(now() - t0);
    }
    const html = await page.evaluate(() => {
      const copy = document.documentElement.cloneNode(true) as HTMLElement;
      for (const s of copy.querySelectorAll('script, link')) s.remove();
      return copy.outerHTML;
    });
    const css = ['hall.css', 'figures.css']
      .map((f) => readFileSync(join(PACKAGE_ROOT, 'dist', 'web', 'hall', f), 'utf8'))
      .join('\n');
    const staticServer = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(html.replace('</head>', `<style>${css}</style></head>`));
    });
    await new Promise<void>((r) => staticServer.listen(0, '127.0.0.1', r));
    const staticDraws: number[] = [];
    for (let round = 0; round < 3; round++) {
      const t0 = now();
      await page.goto(`http://127.0.0.1:${(staticServer.address() as AddressInfo).port}/`);
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));
      staticDraws.push(now() - t0);
    }
    staticServer.close();
    await page.close();
    figures.push({
      name: `hall console 统计 page drawn, ${what} (by window)`,
      value: median(draws),
      unit: 'ms',
      limit: median(staticDraws),
      limitUnit: 'ms',
      limitWhat: 'the same page as static HTML in the same Chromium',
      better: 'lower',
    });
    figures.push({
      name: `hall console RSS, ${what}`,
      value: rssMb(pid),
      unit: 'MB',
      limit: emptyRss,
      limitUnit: 'MB',
      limitWhat: 'the same console with an empty database',
      better: 'lower',
    });
    // The console's own account of the run (reconnects under the flood, if any).
    if (hall.run.stderr() !== '')
      console.error(`[bench] ${what}: the console said: ${hall.run.stderr().trim()}`);
    for (const f of figures) console.error(`[bench] ${line(f)}`);
    return figures;
  } finally {
    await hall.stop();
    await broker.dispose();
    rmSync(data, { recursive: true, force: true });
  }
}

export async function hallScaleFigures(): Promise<Figure[]> {
  const chromium = await launchChromium();
  try {
    const n = (x: number) => Math.max(1, Math.round(x * FIGURES_SCALE));
    return [
      ...(await oneScale(`a hall of ${n(60)} terminals over ${n(365)} days`, n(60), n(365), chromium)),
      ...(await oneScale(`a county of ${n(5000)} terminals over ${n(30)} days`, n(5000), n(30), chromium)),
    ];
  } finally {
    await chromium.close();
  }
}
