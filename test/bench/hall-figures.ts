// The hall console's figures at scale: a hall of 60 terminals over a year and a county of
// 5 000 over a month, published per the contract (one retained stats message a terminal
// and day) to a real Mosquitto and kept by the real console, while its 统计 data is asked
// for every 2 s (as a duty manager's pages and a script would). Figures, each beside a
// limit measured in the same run: the time to keep every day beside the broker's taking
// them; the 统计 query while the days arrive beside the same query at rest (and the
// reconnects meanwhile: none); the database's size beside the messages' own bytes; the 统计
// page's drawing beside the same page as static HTML; the console's memory beside the same
// console with an empty database.

import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import mqtt from 'mqtt';
import { PACKAGE_ROOT } from '../../src/base/package-root.js';
import { cstToday, dayText } from '../../src/hall/db/days.js';
import { launchChromium } from '../helpers/chromium.js';
import { consoleJson, dayRows, HALL, seeded, startConsole, statsPayload } from '../helpers/hall-console.js';
import { Broker } from '../helpers/mosquitto.js';
import { type Figure, line, median } from './format.js';

const FIGURES_SCALE = Number(process.env.HALL_FIGURES_SCALE ?? 1);
/** How often the 统计 data is asked for while the days arrive. */
const POLL_MS = 2_000;
const now = () => performance.timeOrigin + performance.now();

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

function fileBytes(dir: string, names: string[]): number {
  return names
    .map((f) => {
      try {
        return statSync(join(dir, f)).size;
      } catch {
        return 0;
      }
    })
    .reduce((a, b) => a + b, 0);
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
    const from = list[0] as string;
    const statsPath = `api/stats?from=${from}&to=${end}&by=window`;
    // Every message is made first, so that the publishing below is the broker's pace alone.
    const messages: { topic: string; payload: string }[] = [];
    let bytes = 0;
    let rated = 0;
    for (let t = 0; t < terminals; t++) {
      const id = `T-${String(t).padStart(5, '0')}`;
      for (const day of list) {
        const rows = dayRows(rand, t + 1, 1);
        for (const r of rows) rated += r.levels.reduce((a, c) => a + c, 0);
        const payload = JSON.stringify(statsPayload(id, day, String(t + 1), rows, `${day} 17:00:30`));
        bytes += Buffer.byteLength(payload);
        messages.push({ topic: `hcp/${HALL}/${id}/stats/${day}`, payload });
      }
    }
    const keptRatings = async () =>
      (await consoleJson(hall.url, statsPath)).tables[0].rows.reduce(
        (n: number, r: unknown[]) => n + (r[2] as number),
        0,
      );

    // The pages ask while the days arrive; the query times say whether intake and pages
    // share a thread, and the first poll that sees every rating ends the intake.
    const t0 = now();
    const polls: number[] = [];
    let keptAt = 0;
    const poller = (async () => {
      const give = t0 + 30 * 60_000;
      for (;;) {
        const q0 = now();
        const got = await keptRatings();
        polls.push(now() - q0);
        if (got === rated) {
          keptAt = now();
          return;
        }
        if (now() > give)
          throw new Error(
            `${what}: the console kept ${got} ratings of ${rated}; it said: ${hall.run.stderr()}`,
          );
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
    })();
    // Retained, as terminals publish them: a console that lost its connection under the
    // flood gets them again when it subscribes anew.
    let inFlight: Promise<unknown>[] = [];
    for (const m of messages) {
      inFlight.push(pub.publishAsync(m.topic, m.payload, { qos: 1, retain: true }));
      if (inFlight.length >= 200) {
        await Promise.all(inFlight);
        inFlight = [];
      }
    }
    await Promise.all(inFlight);
    const takenAt = now();
    await pub.endAsync();
    await poller;
    const reconnects = (hall.run.stdout().match(/Broker: connected/g) ?? []).length - 1;
    const rest: number[] = [];
    for (let i = 0; i < 5; i++) {
      const q0 = now();
      await keptRatings();
      rest.push(now() - q0);
    }
    figures.push(
      {
        name: `hall console keeping ${what}: first day published → every day kept (seen by a poll every ${POLL_MS / 1000} s)`,
        value: (keptAt - t0) / 1000,
        unit: 's',
        limit: (takenAt - t0) / 1000,
        limitUnit: 's',
        limitWhat: "the broker taking them all (the publisher's last PUBACK)",
        better: 'lower',
      },
      {
        name: `hall console 统计 query (by window) while ${what} arrive, p50 of ${polls.length}`,
        value: median(polls),
        unit: 'ms',
        limit: median(rest),
        limitUnit: 'ms',
        limitWhat: 'the same query with every day kept and nothing arriving',
        better: 'lower',
      },
      {
        name: `hall console broker reconnects while keeping ${what}`,
        value: reconnects,
        unit: '',
        limit: 0,
        limitUnit: '',
        limitWhat: 'none',
        better: 'lower',
      },
    );

    // The files as they stand after the flood (the console gives its log back as it goes).
    figures.push({
      name: `hall console database, ${what}`,
      value: fileBytes(data, ['hall.db', 'hall.db-wal']) / 1e6,
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
      const d0 = now();
      await page.goto(url);
      await page.waitForSelector('body[data-ready="true"]', { timeout: 300_000 });
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));
      draws.push(now() - d0);
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
      const d0 = now();
      await page.goto(`http://127.0.0.1:${(staticServer.address() as AddressInfo).port}/`);
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));
      staticDraws.push(now() - d0);
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
