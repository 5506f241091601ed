// The serve shell: the screens over HTTP and the bridge over a WebSocket, for any
// Chromium in kiosk mode. It holds no rules: view states go down, intents come up.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { type DownMessage, parseUpMessage } from '../../core/bridge.js';
import type { Diagnostics } from '../../engine/diagnostics.js';
import type { Logger } from '../../engine/log.js';
import { handleScreenMessage } from '../../engine/screen-messages.js';
import type { Terminal } from '../../engine/terminal.js';
import { readScreenFile } from './static-files.js';

export interface ServeShellOptions {
  terminal: Terminal;
  host: string;
  port: number;
  /** The built screens (dist/web). */
  webRoot: string;
  /** Voice prompts (assets/sounds). */
  soundsRoot: string;
  volume: () => number;
  hidKeys: string[][];
  log: Logger;
  /** The technicians' screen; absent, it answers "disabled". */
  diagnostics?: Diagnostics;
}

export interface ServeShell {
  url: string;
  port: number;
  close(): Promise<void>;
}

export const BRIDGE_PATH = '/bridge';
const MAX_MESSAGE_BYTES = 4096;

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
    const file = await readScreenFile(path, { web: opts.webRoot, sounds: opts.soundsRoot });
    if (!file) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': file.type, 'Content-Length': file.body.length });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  let origin = '';

  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    // Only the page this shell served may drive the terminal: no other web page on
    // the machine (a browser tab, an ad) can press its buttons.
    if (path !== BRIDGE_PATH || req.headers.origin !== origin) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  const send = (ws: WebSocket, message: DownMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  };
  const broadcast = (message: DownMessage) => {
    for (const ws of wss.clients) send(ws, message);
  };

  const unsubscribe = terminal.subscribe({
    view: (view) => broadcast({ type: 'view', view }),
    sound: (name) => broadcast({ type: 'sound', name, volume: opts.volume() }),
  });

  wss.on('connection', (ws) => {
    send(ws, { type: 'hid_keys', keys: opts.hidKeys });
    send(ws, { type: 'diagnostics_enabled', enabled: opts.diagnostics?.enabled ?? false });
    send(ws, { type: 'view', view: terminal.view() });
    ws.on('message', (data, isBinary) => {
      const message = isBinary ? null : parseUpMessage(data.toString('utf8'));
      if (!message) {
        log.log('warn', 'bridge_message_refused');
        return;
      }
      const answer = handleScreenMessage(message, terminal, opts.diagnostics ?? null);
      if (answer) send(ws, answer);
    });
    ws.on('error', () => ws.terminate());
  });

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
      unsubscribe();
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
