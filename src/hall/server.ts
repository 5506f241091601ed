// The console's web server: the pages, their scripts and sound, one SSE stream per open
// page carrying the board, and the figures' data and exports (figures-api.ts). It holds
// no broker credentials and takes no input but GETs.

import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { sameSecret } from '../base/same-secret.js';
import { readStatic } from '../base/static-files.js';
import { alertWav } from './beep.js';
import type { Board } from './board.js';
import { isFiguresPath } from './figures-api.js';
import type { Figures } from './figures-thread.js';
import type { BrokerStatus } from './subscriber.js';
import type { Alert } from './wire/page-types.js';

export interface HallServerOptions {
  board: Board;
  hallId: string;
  host: string;
  port: number;
  token: string | null;
  /** The built page (dist/web/hall). */
  webRoot: string;
  /**
   * Changes go to the pages at once, but at most this often: at 5 000 terminals the
   * updates then arrive in batches, which keeps them cheap to send and to draw.
   */
  flushMs?: number;
  maxClients?: number;
  /** The kept figures (made on their own thread); absent, the console serves the live board only. */
  figures?: Figures;
  /** Counters beside the board's, for the page's summary (days kept, duplicates). */
  kept?: () => Record<string, number>;
}

export interface HallServer {
  url: string;
  port: number;
  status(status: BrokerStatus): void;
  alert(alert: Alert): void;
  /** The board changed (or counted a refusal): the pages hear of it within flushMs. */
  changed(): void;
  /** New counts were kept: the figure pages reload theirs (at most every few seconds). */
  figuresChanged(): void;
  /** The database failed a write: shown on every page until it writes again. */
  storeProblem(problem: string | null): void;
  close(): Promise<void>;
}

/** A page whose socket stops draining this much behind is dropped; its EventSource reconnects. */
const MAX_BACKLOG_BYTES = 8 * 1024 * 1024;

function securityHeaders(res: ServerResponse) {
  res.setHeader(
    'Content-Security-Policy',
    "default-src 'none'; script-src 'self'; style-src 'self'; media-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  );
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cache-Control', 'no-store');
}

function plain(res: ServerResponse, code: number, text: string) {
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text);
}

/**
 * The pages (src/hall/web, built into dist/web/hall): 监控 is a page of its own; 今日, 统计,
 * 差评 and 月报 are their content in page-shell.html's frame (title, script, navigation).
 */
const PAGES: Record<string, { file: string; title?: string; script?: string }> = {
  '/': { file: 'index.html' },
  '/today': { file: 'today.html', title: '今日', script: 'today.js' },
  '/stats': { file: 'stats.html', title: '统计', script: 'stats.js' },
  '/alerts': { file: 'alerts.html', title: '差评', script: 'alerts-page.js' },
  '/report': { file: 'report.html', title: '月报', script: 'report.js' },
};

/** `&`, `"`, `<` and `>` of a text put into an attribute of the page. */
function attribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * A page as sent. A figure page asks for its data (api/{page} with the page's own query,
 * the token included) with a preload, so that the query runs while the browser loads the
 * scripts and the library; the page's first request for its data is that same address.
 */
async function readPage(root: string, page: { file: string; title?: string; script?: string }, url: URL) {
  const file = await readStatic(root, page.file);
  if (!file || page.title === undefined) return file;
  const shell = await readStatic(root, 'page-shell.html');
  if (!shell) return null;
  const data = `api${url.pathname}${url.search}`;
  const html = shell.body
    .toString('utf8')
    .replaceAll('%TITLE%', page.title)
    .replace('%SCRIPT%', page.script ?? '')
    .replace(
      '%DATA%',
      () => `<link rel="preload" as="fetch" crossorigin="anonymous" href="${attribute(data)}">`,
    )
    .replace('%MAIN%', () => file.body.toString('utf8'));
  return { ...file, body: Buffer.from(html, 'utf8') };
}
/** Their modules and styles: one level, plain names, nothing else from the folder. */
const ASSET = /^\/[a-z0-9-]+\.(js|css)$/;

/** Apache ECharts, from the console's own dependencies: nothing fetched from the internet. */
let echartsFile: Buffer | null = null;
function echarts(): Buffer {
  echartsFile ??= readFileSync(createRequire(import.meta.url).resolve('echarts/dist/echarts.common.min.js'));
  return echartsFile;
}

export async function startHallServer(opts: HallServerOptions): Promise<HallServer> {
  const { board } = opts;
  const clients = new Set<ServerResponse>();
  const maxClients = opts.maxClients ?? 50;
  let broker: BrokerStatus = { state: 'connecting' };
  let port = opts.port;
  const wav = alertWav();

  const allowedHosts = (): Set<string> =>
    new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `${opts.host}:${port}`]);

  function authorised(req: IncomingMessage, url: URL): boolean {
    if (opts.token !== null) return sameSecret(url.searchParams.get('token') ?? '', opts.token);
    // Without a token the console is on loopback; a foreign Host is a DNS-rebinding page.
    return allowedHosts().has((req.headers.host ?? '').toLowerCase());
  }

  function send(res: ServerResponse, event: string, data: unknown) {
    res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    if (res.writableLength > MAX_BACKLOG_BYTES) {
      clients.delete(res);
      figureClients.delete(res);
      res.destroy();
    }
  }
  const broadcast = (event: string, data: unknown) => {
    for (const res of clients) send(res, event, data);
  };
  const stats = () => ({
    accepted: board.accepted,
    refused: board.refusals,
    terminals: board.size,
    duplicates: board.duplicates,
    ...opts.kept?.(),
  });
  let storeProblem: string | null = null;
  const figureClients = new Set<ServerResponse>();
  let lastStats = '';

  function openStream(req: IncomingMessage, res: ServerResponse, figuresOnly: boolean) {
    if (clients.size + figureClients.size >= maxClients) {
      plain(res, 503, 'too many open consoles');
      return;
    }
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write('retry: 3000\n\n');
    if (figuresOnly) {
      // A figure page: told when counts or a 差评 arrive, and of the broker; not the board.
      figureClients.add(res);
      req.on('close', () => figureClients.delete(res));
      send(res, 'hello', { hallId: opts.hallId, broker, storeProblem });
      return;
    }
    clients.add(res);
    req.on('close', () => clients.delete(res));
    send(res, 'snapshot', {
      storeProblem,
      hallId: opts.hallId,
      broker,
      stats: stats(),
      now: Date.now(),
      ...board.snapshot(),
    });
  }

  const server: Server = createServer((req, res) => {
    securityHeaders(res);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' });
      res.end();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const head = req.method === 'HEAD';
    if (url.pathname === '/echarts.js') {
      const body = echarts();
      // The library changes only with the console's version: the phone may keep it a day.
      res.setHeader('Cache-Control', 'max-age=86400');
      res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Content-Length': body.length });
      res.end(head ? undefined : body);
      return;
    }
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204);
      res.end();
      return;
    }
    if (ASSET.test(url.pathname)) {
      // The scripts and the styles hold no data of the hall.
      void readStatic(opts.webRoot, url.pathname.slice(1)).then((file) => {
        if (!file) return plain(res, 404, 'not found');
        res.writeHead(200, { 'Content-Type': file.type, 'Content-Length': file.body.length });
        res.end(req.method === 'HEAD' ? undefined : file.body);
      });
      return;
    }
    if (url.pathname === '/alert.wav') {
      res.writeHead(200, { 'Content-Type': 'audio/wav', 'Content-Length': wav.length });
      res.end(req.method === 'HEAD' ? undefined : wav);
      return;
    }
    const page = PAGES[url.pathname];
    const data = url.pathname.startsWith('/api/') || url.pathname.startsWith('/export/');
    if (!page && !data && url.pathname !== '/events') return plain(res, 404, 'not found');
    if (!authorised(req, url)) {
      return plain(res, 403, '需要正确的访问令牌：请使用管理员提供的完整地址（…/?token=…）打开本页。');
    }
    if (url.pathname === '/events') return openStream(req, res, url.searchParams.get('only') === 'figures');
    if (data) {
      const figures = opts.figures;
      if (!figures || !isFiguresPath(url.pathname)) return plain(res, 404, 'not found');
      figures.answer(url).then(
        (reply) => {
          if (!reply) return plain(res, 404, 'not found');
          if (reply.disposition) res.setHeader('Content-Disposition', reply.disposition);
          res.writeHead(reply.status, {
            'Content-Type': reply.type,
            'Content-Length': reply.body.byteLength,
          });
          res.end(head ? undefined : reply.body);
        },
        (err) => {
          // A failed read is the database's trouble, not the reader's: say so, keep serving.
          if (!res.headersSent) plain(res, 500, `读取统计数据失败：${(err as Error).message}`);
          else res.destroy();
        },
      );
      return;
    }
    void readPage(opts.webRoot, page as (typeof PAGES)[string], url).then((file) => {
      if (!file) return plain(res, 500, 'the console is not built: run npm run build');
      res.writeHead(200, { 'Content-Type': file.type, 'Content-Length': file.body.length });
      res.end(req.method === 'HEAD' ? undefined : file.body);
    });
  });
  server.headersTimeout = 10_000;
  // Only the request itself must arrive in time; an SSE response may stay open for days.
  server.requestTimeout = 15_000;

  const flushMs = opts.flushMs ?? 100;
  let lastFlush = 0;
  let pending: NodeJS.Timeout | null = null;
  const flush = () => {
    pending = null;
    lastFlush = performance.now();
    const changes = board.takeChanges();
    if (changes) broadcast('terminals', changes);
    const now = JSON.stringify(stats());
    if (now !== lastStats) {
      lastStats = now;
      broadcast('stats', stats());
    }
  };
  const changed = () => {
    if (pending) return;
    pending = setTimeout(flush, Math.max(0, lastFlush + flushMs - performance.now()));
  };
  // A comment now and then keeps proxies and phones from closing an idle stream.
  const heartbeat = setInterval(() => {
    for (const res of [...clients, ...figureClients]) res.write(': \n\n');
  }, 15_000);
  // New counts come in bursts (every terminal just after the hour): the pages reload once.
  let figuresTimer: NodeJS.Timeout | null = null;
  const figuresChanged = () => {
    figuresTimer ??= setTimeout(() => {
      figuresTimer = null;
      for (const res of figureClients) send(res, 'figures', {});
    }, 2_000);
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const hostForUrl = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  const url = `http://${hostForUrl}:${port}/`;

  return {
    url,
    port,
    status(status) {
      broker = status;
      broadcast('broker', status);
      for (const res of figureClients) send(res, 'broker', status);
    },
    changed,
    figuresChanged,
    storeProblem(problem) {
      if (problem === storeProblem) return;
      storeProblem = problem;
      broadcast('store', { problem });
      for (const res of figureClients) send(res, 'store', { problem });
    },
    alert(alert) {
      // Changes first, so the alert's terminal is on the page when the alert is.
      const changes = board.takeChanges();
      if (changes) broadcast('terminals', changes);
      broadcast('alert', alert);
      for (const res of figureClients) send(res, 'alert', alert);
    },
    async close() {
      if (pending) clearTimeout(pending);
      if (figuresTimer) clearTimeout(figuresTimer);
      clearInterval(heartbeat);
      for (const res of [...clients, ...figureClients]) res.end();
      clients.clear();
      figureClients.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
