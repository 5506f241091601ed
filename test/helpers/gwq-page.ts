// A business system's web page that drives the evaluator through the GWQ (柜外清) SDK's
// JavaScript wrapper, as real ones do: it opens the WebSocket when it loads, sends
// {"type":10,…} to start an evaluation, and reads obj.ret and obj.EvaluatorLevel in
// onmessage. Served from a port of its own, so it has an origin of its own; the tests
// hand it the listener's port in its address (?port=), never a fixed one.
import { createServer, type Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { chromiumForFile } from './chromium-per-file.js';

const PAGE = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>不动产登记 · 评价</title></head>
<body><p id="state">connecting</p>
<script>
  // The wrapper's state, read by the tests.
  var answers = [];
  var closedWith = null;
  var params = new URLSearchParams(location.search);
  var evaluator = new WebSocket('ws://' + (params.get('host') || '127.0.0.1') + ':' + params.get('port'));
  evaluator.onopen = function () { document.getElementById('state').textContent = 'open'; };
  evaluator.onclose = function (e) { closedWith = e.code; document.getElementById('state').textContent = 'closed'; };
  evaluator.onmessage = function (e) {
    var obj = JSON.parse(e.data);
    if (obj.type == 10) {
      // What a business system keeps: success and the level, or the SDK's error code.
      answers.push(obj.ret == 0 ? { type: 10, ret: obj.ret, level: obj.EvaluatorLevel } : { type: 10, ret: obj.ret });
    } else {
      answers.push({ type: obj.type, ret: obj.ret, version: obj.version });
    }
  };
  function StartEvaluator(tellerName, tellerNo, tellerPhoto, timeout) {
    evaluator.send(JSON.stringify({ type: 10, TellerName: tellerName, TellerNo: tellerNo, TellerPhoto: tellerPhoto, Timeout: timeout }));
  }
  function StopEvaluator() { evaluator.send(JSON.stringify({ type: 2 })); }
  function ShowPage(url) { evaluator.send(JSON.stringify({ type: 90, URL: url })); }
  function Send(text) { evaluator.send(text); }
</script></body></html>`;

export interface GwqPageServer {
  /** The page's origin, as the browser sends it: what compat.gwq.origins must list. */
  origin: string;
  close(): Promise<void>;
}

export async function serveGwqPage(): Promise<GwqPageServer> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(PAGE);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as { port: number }).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface GwqAnswer {
  type: number | null;
  ret: number;
  level?: number;
  version?: string;
}

/** The business system's page in the clerk's browser, connected to `port` (on `host`). */
export class BusinessPage {
  private constructor(readonly page: Page) {}

  static async open(browser: Browser, server: GwqPageServer, port: number, host = '127.0.0.1') {
    const page = await browser.newPage();
    await page.goto(`${server.origin}/?port=${port}&host=${host}`);
    return new BusinessPage(page);
  }

  /** 'open', 'closed' or 'connecting'. */
  async state(): Promise<string> {
    return (await this.page.textContent('#state')) ?? '';
  }

  async opened(): Promise<void> {
    await this.page.waitForFunction(() => document.getElementById('state')?.textContent !== 'connecting');
    const state = await this.state();
    if (state !== 'open') throw new Error(`the evaluator's WebSocket did not open (${state})`);
  }

  startEvaluator(
    name = '林晓',
    no = '0427',
    photo = 'C:\\GWQ\\photo\\0427.jpg',
    timeout = 60,
  ): Promise<void> {
    return this.page.evaluate(([n, o, p, t]) => (window as any).StartEvaluator(n, o, p, t), [
      name,
      no,
      photo,
      timeout,
    ] as const);
  }

  stopEvaluator(): Promise<void> {
    return this.page.evaluate(() => (window as any).StopEvaluator());
  }

  showPage(url: string): Promise<void> {
    return this.page.evaluate((u) => (window as any).ShowPage(u), url);
  }

  send(text: string): Promise<void> {
    return this.page.evaluate((t) => (window as any).Send(t), text);
  }

  answers(): Promise<GwqAnswer[]> {
    return this.page.evaluate(() => (window as any).answers);
  }

  closedWith(): Promise<number | null> {
    return this.page.evaluate(() => (window as any).closedWith);
  }

  close(): Promise<void> {
    return this.page.close();
  }
}

/** Chromium and the business system's site for a test file: up before its tests, closed after. */
export function gwqSiteForFile(): { browser: () => Browser; site: () => GwqPageServer } {
  const browser = chromiumForFile();
  let site: GwqPageServer | null = null;
  beforeAll(async () => {
    site = await serveGwqPage();
  });
  afterAll(async () => {
    await site?.close();
  });
  return {
    browser,
    site: () => {
      if (!site) throw new Error("the business system's site was not started for this file");
      return site;
    },
  };
}

/** Waits for the page's `n`th answer in all, and gives it. */
export async function answered(p: BusinessPage, n: number): Promise<GwqAnswer | undefined> {
  await expect.poll(async () => (await p.answers()).length, { timeout: 20_000 }).toBe(n);
  return (await p.answers()).at(-1);
}
