// The serve shell: the screens over HTTP and the bridge over a WebSocket, for any
// Chromium in kiosk mode. It holds no rules: view states go down, intents come up.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../base/logger.js';
import type { SlideList } from '../../base/slide-folder.js';
import type { Diagnostics } from '../../engine/diagnostics.js';
import type { Terminal } from '../../engine/terminal.js';
import { readScreenFile } from '../screen-files.js';
import { type BridgeLimits, createBridgeSocket } from './bridge-socket.js';

export { BRIDGE_PATH } from './bridge-socket.js';

export interface ServeShellOptions {
  terminal: Terminal;
  host: string;
  port: number;
  /** The built screens (dist/web). */
  webRoot: string;
  /** Voice prompts (assets/sounds). */
  soundsRoot: string;
  /** The hall's notices as last read (ui.idleSlides); absent: none. */
  slides?: () => SlideList | null;
  volume: () => number;
  hidKeys: string[][];
  log: Logger;
  /** The technicians' screen; absent, it answers "disabled". */
  diagnostics?: Diagnostics;
  /** ui.token: the bridge then admits only connections that carry it (?token=). */
  token?: string | null;
  /** Bounds on the bridge's peers; the defaults suit one kiosk screen. */
  bridgeLimits?: Partial<BridgeLimits>;
  /** Monotonic milliseconds for the bridge's rate limits (tests stop time with it). */
  bridgeNow?: () => number;
}

export interface ServeShell {
  url: string;
  port: number;
  close(): Promise<void>;
}

function securityHeaders(res: ServerResponse) {
  res.setHeader(
    'Content-Security-Policy',
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  );
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cache-Control', 'no-store');
}

export async function startServeShell(opts: ServeShellOptions): Promise<ServeShell> {
  const { terminal, log } = opts;

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((err) => {
      log.log('error', 'serve_request_failed', { error: err instanceof Error ? err.message : String(err) });
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 15_000;

  async function handle(req: IncomingMessage, res: ServerResponse) {
    securityHeaders(res);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' });
      res.end();
      return;
    }
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const file = await readScreenFile(path, {
      web: opts.webRoot,
      sounds: opts.soundsRoot,
      ...(opts.slides ? { slides: opts.slides } : {}),
    });
    if (!file) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('not found');
      return;
    }
    if (file.immutable) res.setHeader('Cache-Control', 'private, max-age=86400, immutable');
    res.writeHead(200, { 'Content-Type': file.type, 'Content-Length': file.body.length });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  }

  const bridge = createBridgeSocket({
    terminal,
    hidKeys: opts.hidKeys,
    volume: opts.volume,
    log,
    diagnostics: opts.diagnostics ?? null,
    token: opts.token ?? null,
    ...(opts.bridgeLimits ? { limits: opts.bridgeLimits } : {}),
    ...(opts.bridgeNow ? { now: opts.bridgeNow } : {}),
  });
  let origin = '';
  server.on('upgrade', (req, socket, head) => bridge.upgrade(req, socket, head, origin));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const hostForUrl = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  const url = `http://${hostForUrl}:${port}/`;
  origin = `http://${hostForUrl}:${port}`;

  return {
    url,
    port,
    async close() {
      bridge.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
