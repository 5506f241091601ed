// PAINT_TRACE=1: where a press's time goes, hop by hop, on one clock (the epoch in ms,
// performance.timeOrigin + performance.now() in both Node and the page). Wraps the parts
// from outside (no hooks in the product): the terminal's key, the store's commit, the
// WebSocket send, and in the page the socket's message, the screen change and the frame.

import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Page } from 'playwright-core';
import { WebSocket } from 'ws';
import type { Terminal } from '../../src/engine/terminal.js';
import { RatingStore } from '../../src/store/store.js';
import { median, percentile } from './format.js';
import { chromiumPids, treeCpuSeconds } from './idle.js';

const now = () => performance.timeOrigin + performance.now();
export const tracing = () => process.env.PAINT_TRACE === '1';

interface Round {
  press: number;
  key?: number;
  commitStart?: number;
  commitEnd?: number;
  sent?: number;
  throttledUs?: number;
  page?: { received: number; rendered: number; frame: number; painted: number };
}

const HOPS = [
  ['press → key dispatched (KP/1 line + driver)', 'press', 'key'],
  ['key → commit start (core step)', 'key', 'commitStart'],
  ['commit (SQLite transaction + fsync)', 'commitStart', 'commitEnd'],
  ['commit end → view sent on the socket', 'commitEnd', 'sent'],
  ['socket → message in the page', 'sent', 'received'],
  ['message handler (JSON.parse + render), to the DOM change seen', 'received', 'rendered'],
  ['DOM change → next frame (rAF)', 'rendered', 'frame'],
  ['frame → painted (task after rAF)', 'frame', 'painted'],
] as const;

/** The page side: records, for the message that turns the screen to thanks, each hop's time. */
export const PAGE_TRACE = `
  window.__trace = null;
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...a) {
      super(...a);
      this.addEventListener('message', (e) => {
        if (!window.__trace || window.__trace.received || !String(e.data).includes('"kind":"thanks"')) return;
        const t = () => performance.timeOrigin + performance.now();
        window.__trace.received = t();
        const app = document.getElementById('app');
        const mo = new MutationObserver(() => {
          if (app.dataset.screen !== 'thanks') return;
          mo.disconnect();
          window.__trace.rendered = t();
          requestAnimationFrame(() => { window.__trace.frame = t(); setTimeout(() => { window.__trace.painted = t(); }, 0); });
        });
        mo.observe(app, { attributes: true });
      });
    }
  };
`;

function cpuStatPath(): string | null {
  const line = readFileSync('/proc/self/cgroup', 'utf8')
    .split('\n')
    .find((l) => /^\d+:(?:[^:]*,)?cpu(?:,[^:]*)?:/.test(l));
  return line ? `/sys/fs/cgroup/cpu${line.split(':')[2]}/cpu.stat` : null;
}

function throttledUs(path: string | null): number {
  if (!path) return 0;
  try {
    const m = /throttled_time (\d+)/.exec(readFileSync(path, 'utf8'));
    return m ? Number(m[1]) / 1000 : 0;
  } catch {
    return 0;
  }
}

export class PaintTrace {
  private rounds: Round[] = [];
  private current: Round | null = null;
  private readonly statPath = cpuStatPath();
  private throttledAtStart = 0;
  /** CPU seconds so far: the whole bench (engine, simulator, socat, Chromium), and Chromium alone. */
  private readonly cpu = () => ({
    all: treeCpuSeconds(process.pid),
    chromium: chromiumPids().reduce((a, p) => a + treeCpuSeconds(p), 0),
  });
  private readonly cpuAtStart = this.cpu();

  constructor(terminal: Terminal) {
    const self = this;
    const key = terminal.key.bind(terminal);
    terminal.key = (position: number) => {
      if (self.current) self.current.key ??= now();
      return key(position);
    };
    const apply = RatingStore.prototype.apply;
    RatingStore.prototype.apply = function (this: RatingStore, ops) {
      const r = self.current;
      if (r?.key && !r.commitStart) r.commitStart = now();
      apply.call(this, ops);
      if (r?.commitStart && !r.commitEnd) r.commitEnd = now();
    };
    const send = WebSocket.prototype.send;
    WebSocket.prototype.send = function (this: WebSocket, data: unknown, ...rest: unknown[]) {
      const r = self.current;
      if (r && !r.sent && String(data).includes('"kind":"thanks"')) r.sent = now();
      return (send as (...a: unknown[]) => void).call(this, data, ...rest);
    };
  }

  async start(page: Page): Promise<void> {
    await page.evaluate(() => {
      (window as unknown as { __trace: object }).__trace = {};
    });
    this.throttledAtStart = throttledUs(this.statPath);
    this.current = { press: now() };
    this.rounds.push(this.current);
  }

  pressed(at: number): void {
    if (this.current) this.current.press = at;
  }

  async end(page: Page): Promise<void> {
    const r = this.current;
    if (!r) return;
    r.page =
      (await page.evaluate(() => (window as unknown as { __trace: Round['page'] }).__trace)) ?? undefined;
    r.throttledUs = throttledUs(this.statPath) - this.throttledAtStart;
    this.current = null;
  }

  /** The hops' medians over all rounds and over the slowest 5 %, and the slowest rounds one by one. */
  report(): string {
    const at = (r: Round, k: string): number | undefined =>
      k in r ? (r as unknown as Record<string, number>)[k] : r.page?.[k as keyof NonNullable<Round['page']>];
    const ok = this.rounds.filter((r) =>
      HOPS.every(([, a, b]) => at(r, a) !== undefined && at(r, b) !== undefined),
    );
    const total = (r: Round) => (at(r, 'painted') as number) - r.press;
    const sorted = [...ok].sort((a, b) => total(a) - total(b));
    const cut = percentile(sorted.map(total), 95);
    const slow = sorted.filter((r) => total(r) >= cut);
    const hop = (r: Round, a: string, b: string) => (at(r, b) as number) - (at(r, a) as number);
    const rows = HOPS.map(
      ([what, a, b]) =>
        `| ${what} | ${median(ok.map((r) => hop(r, a, b))).toFixed(1)} | ${median(slow.map((r) => hop(r, a, b))).toFixed(1)} |`,
    );
    const cpu = this.cpu();
    const perRound = (s: number) => ((s * 1000) / this.rounds.length).toFixed(1);
    const thr = (rs: Round[]) => median(rs.map((r) => (r.throttledUs ?? 0) / 1000)).toFixed(1);
    return [
      `${ok.length} rounds traced; slowest 5 %: ${slow.length} rounds from ${cut.toFixed(0)} ms`,
      '| hop | median (ms) | median of the slowest 5 % (ms) |',
      '|---|---|---|',
      ...rows,
      `| total | ${median(ok.map(total)).toFixed(1)} | ${median(slow.map(total)).toFixed(1)} |`,
      `| of which the cgroup was throttled (cpu.stat throttled_time) | ${thr(ok)} | ${thr(slow)} |`,
      `CPU per round (prompt, rate screen, press, thanks screen): ${perRound(cpu.all - this.cpuAtStart.all)} ms in all, ` +
        `${perRound(cpu.chromium - this.cpuAtStart.chromium)} ms of it Chromium's`,
      'slowest rounds (ms per hop):',
      ...sorted
        .slice(-8)
        .map(
          (r) =>
            `  ${total(r).toFixed(0)}: ${HOPS.map(([, a, b]) => hop(r, a, b).toFixed(0)).join(' / ')} (throttled ${((r.throttledUs ?? 0) / 1000).toFixed(0)})`,
        ),
    ].join('\n');
  }
}
