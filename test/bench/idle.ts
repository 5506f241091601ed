// Idle CPU: `serve` and Chromium showing the idle screen for a minute, CPU seconds of
// both (every process of Chromium's) from /proc; beside it, the same Chromium showing a
// still copy of that screen (same DOM and styles, no script, no engine) for a minute.
// A soak group: two minutes of waiting do not fit the default bench.

import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium } from '../helpers/chromium.js';
import { BIN } from '../helpers/cli.js';
import type { Figure } from './format.js';
import { firstAnswer, serveConfig, stop } from './startup.js';

const SECONDS = 60;
const SETTLE_MS = 5_000;
const TICKS = 100; // USER_HZ on Linux

/** utime + stime of `pid` and all its descendants, in seconds. */
export function treeCpuSeconds(root: number): number {
  const stats = new Map<number, { ppid: number; ticks: number }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const s = readFileSync(`/proc/${name}/stat`, 'utf8');
      // The command name may hold spaces and parentheses: fields start after the last ')'.
      const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
      stats.set(Number(name), { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) });
    } catch {
      // Gone meanwhile.
    }
  }
  let ticks = 0;
  const todo = [root];
  while (todo.length > 0) {
    const pid = todo.pop() as number;
    ticks += stats.get(pid)?.ticks ?? 0;
    for (const [child, s] of stats) if (s.ppid === pid) todo.push(child);
  }
  return ticks / TICKS;
}

/** CPU seconds per minute the processes under `roots` spend over SECONDS. */
async function cpuPerMinute(roots: number[]): Promise<number> {
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  const before = roots.reduce((a, p) => a + treeCpuSeconds(p), 0);
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const after = roots.reduce((a, p) => a + treeCpuSeconds(p), 0);
  return ((after - before) * 60) / SECONDS;
}

/** The idle screen as a still page: its DOM with the stylesheet inlined and no script. */
async function stillCopy(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const css = await Promise.all(
      [...document.querySelectorAll<HTMLLinkElement>('link[rel=stylesheet]')].map(async (l) =>
        (await fetch(l.href)).text(),
      ),
    );
    const doc = document.documentElement.cloneNode(true) as HTMLElement;
    for (const n of doc.querySelectorAll('script, link[rel=stylesheet]')) n.remove();
    const style = document.createElement('style');
    style.textContent = css.join('\n');
    doc.querySelector('head')?.append(style);
    return `<!doctype html>${doc.outerHTML}`;
  });
}

/** The browser's own process id: playwright's launch does not tell it, but it is our child. */
export function chromiumPids(): number[] {
  const ours: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const s = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid && readFileSync(`/proc/${name}/cmdline`, 'utf8').includes('chrom'))
        ours.push(Number(name));
    } catch {}
  }
  return ours;
}

export async function idleFigures(): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'hcp-bench-idle-'));
  const chromium = await launchChromium();
  const browserPids = chromiumPids();
  if (browserPids.length !== 1)
    throw new Error(`expected one Chromium child process, found ${browserPids.length}`);
  try {
    const c = await serveConfig(dir);
    const serve = spawn(process.execPath, [BIN, 'serve', '--config', c.file], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let ours: number;
    let still: string;
    try {
      await firstAnswer(c.api, serve, (body) => body.includes('"status":"ok"'));
      const page = await chromium.browser.newPage({ viewport: { width: 1024, height: 600 } });
      await page.goto(c.ui);
      await page.waitForSelector('main[data-screen="idle"]');
      ours = await cpuPerMinute([serve.pid as number, ...browserPids]);
      still = await stillCopy(page);
      await page.close();
    } finally {
      await stop(serve);
    }
    const page = await chromium.browser.newPage({ viewport: { width: 1024, height: 600 } });
    await page.setContent(still);
    const limit = await cpuPerMinute(browserPids);
    return [
      {
        name: 'idle CPU: serve + Chromium on the idle screen',
        value: ours,
        unit: 'CPU s/min',
        limit,
        limitUnit: 'CPU s/min',
        limitWhat: 'same Chromium showing a still copy of the idle screen',
        better: 'lower',
      },
    ];
  } finally {
    await chromium.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
