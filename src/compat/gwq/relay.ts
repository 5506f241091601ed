// The GWQ relay, for a terminal that is not the clerk's PC: on the PC it listens where the
// SDK's pages look (127.0.0.1:1919, never any other address) and passes every frame
// unchanged to the terminal's listener and back. Each page gets an upstream connection of
// its own, opened with the page's Origin and the relay's token, so the terminal's checks
// decide who may rate; a refusal is passed back as a refused upgrade. While the terminal
// cannot be reached, a page stays connected, each request is answered −3 (打开设备失败),
// and the relay keeps trying to reach it.

import WebSocket, { type RawData, WebSocketServer } from 'ws';
import type { Logger } from '../../base/logger.js';
import { answer, RET, TYPE } from './codec.js';
import { DEFAULT_GWQ_LIMITS } from './listener.js';
import { closeServer, listenOn, refuseUpgrade, upgradeOnlyServer } from './socket-server.js';

export const RELAY_HOST = '127.0.0.1';

export interface RelayOptions {
  /** The terminal's listener, HOST:PORT. */
  to: string;
  token: string;
  /** 0: any free port (tests). */
  port: number;
  log: Logger;
  /** How soon an unreachable terminal is tried again: the first wait, doubled up to the last. */
  retryMs?: { first: number; max: number };
  /** How long an upstream handshake may take before the terminal counts as unreachable. */
  handshakeMs?: number;
  /** Pages connected at once; the terminal keeps 8 of its own. */
  maxPages?: number;
}

export interface Relay {
  readonly port: number;
  /** Pages connected now, and how many of them have the terminal behind them. */
  status(): { pages: number; connected: number };
  close(): Promise<void>;
}

/** Close codes the terminal closes with on purpose: passed to the page, not retried. */
const ABNORMAL = new Set([1005, 1006, 1011, 1012, 1014]);

type Upstream =
  | { kind: 'open'; ws: WebSocket }
  /** The terminal answered the upgrade with this status. */
  | { kind: 'refused'; status: number }
  | { kind: 'unreachable'; error: string };

/** The `type` of a request, for the −3 a page gets while the terminal is unreachable. */
function typeOf(data: RawData, isBinary: boolean): number | null {
  if (isBinary) return null;
  try {
    const v: unknown = JSON.parse(String(data));
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
    const type = (v as Record<string, unknown>).type;
    return typeof type === 'number' && Number.isInteger(type) ? type : null;
  } catch {
    return null;
  }
}

export async function startRelay(opts: RelayOptions): Promise<Relay> {
  const { log } = opts;
  const retry = opts.retryMs ?? { first: 1_000, max: 15_000 };
  const handshakeMs = opts.handshakeMs ?? 5_000;
  const maxPages = opts.maxPages ?? 16;
  const target = `ws://${opts.to}/`;
  const wss = new WebSocketServer({ noServer: true, maxPayload: DEFAULT_GWQ_LIMITS.maxMessageBytes });
  const pages = new Set<Page>();
  let closing = false;
  let unreachableLogged = false;

  const connectUpstream = (origin: string | undefined): Promise<Upstream> =>
    new Promise((resolve) => {
      const ws = new WebSocket(target, {
        ...(origin !== undefined ? { origin } : {}),
        headers: { authorization: `Bearer ${opts.token}` },
        handshakeTimeout: handshakeMs,
        maxPayload: DEFAULT_GWQ_LIMITS.maxMessageBytes,
        perMessageDeflate: false,
      });
      let settled = false;
      const done = (u: Upstream) => {
        if (settled) return;
        settled = true;
        resolve(u);
      };
      ws.on('unexpected-response', (_req, res) => {
        done({ kind: 'refused', status: res.statusCode ?? 502 });
        res.resume();
        ws.terminate();
      });
      ws.on('open', () => done({ kind: 'open', ws }));
      ws.on('error', (err) => done({ kind: 'unreachable', error: err.message }));
    });

  class Page {
    upstream: WebSocket | null = null;
    /** Type 10s sent up and not answered yet: answered −3 should the terminal vanish. */
    waiting = 0;
    private timer: NodeJS.Timeout | null = null;
    private wait = retry.first;
    private ended = false;

    constructor(
      readonly ws: WebSocket,
      readonly origin: string | undefined,
    ) {
      ws.on('message', (data, isBinary) => this.fromPage(data, isBinary));
      ws.on('error', () => ws.terminate());
      ws.on('close', () => this.end());
    }

    attach(up: WebSocket): void {
      this.upstream = up;
      this.wait = retry.first;
      up.on('message', (data, isBinary) => {
        if (!isBinary && this.waiting > 0 && typeOf(data, false) === TYPE.evaluate) this.waiting -= 1;
        if (this.ws.readyState === this.ws.OPEN) this.ws.send(data, { binary: isBinary });
      });
      up.on('error', () => up.terminate());
      up.on('close', (code, reason) => {
        if (this.upstream !== up) return;
        this.upstream = null;
        this.answerWaiting();
        if (this.ended) return;
        if (ABNORMAL.has(code)) {
          log.log('warn', 'gwq_relay_terminal_lost', { code });
          this.scheduleRetry();
        } else {
          // The terminal closed this page on purpose (replaced, too fast, too large): so does the relay.
          this.ws.close(code, reason.toString().slice(0, 120));
        }
      });
    }

    private fromPage(data: RawData, isBinary: boolean): void {
      const up = this.upstream;
      if (up && up.readyState === up.OPEN) {
        if (!isBinary && typeOf(data, false) === TYPE.evaluate) this.waiting += 1;
        up.send(data, { binary: isBinary });
        return;
      }
      if (this.ws.readyState === this.ws.OPEN) this.ws.send(answer(typeOf(data, isBinary), RET.noDevice));
    }

    /** What the terminal can no longer answer is answered here, so no page waits for ever. */
    private answerWaiting(): void {
      for (; this.waiting > 0; this.waiting--)
        if (this.ws.readyState === this.ws.OPEN) this.ws.send(answer(TYPE.evaluate, RET.noDevice));
    }

    scheduleRetry(): void {
      if (this.ended || closing || this.timer) return;
      this.timer = setTimeout(() => {
        this.timer = null;
        void this.retryNow();
      }, this.wait);
      this.wait = Math.min(retry.max, this.wait * 2);
    }

    private async retryNow(): Promise<void> {
      const u = await connectUpstream(this.origin);
      if (this.ended || closing) {
        if (u.kind === 'open') u.ws.terminate();
        return;
      }
      if (u.kind === 'open') {
        log.log('info', 'gwq_relay_terminal_reached');
        unreachableLogged = false;
        this.attach(u.ws);
      } else if (u.kind === 'refused') {
        // Reachable again, but no longer admitting this page (origins changed, token): it is told.
        log.log('warn', 'gwq_relay_refused', { status: u.status });
        this.ws.close(1008, `refused by the terminal (${u.status})`);
      } else {
        this.scheduleRetry();
      }
    }

    end(): void {
      if (this.ended) return;
      this.ended = true;
      pages.delete(this);
      if (this.timer) clearTimeout(this.timer);
      this.upstream?.close(1000);
      this.upstream = null;
    }
  }

  const server = upgradeOnlyServer('the GWQ relay', (req, socket, head) => {
    void (async () => {
      try {
        if (pages.size >= maxPages) return refuseUpgrade(socket, 503);
        const origin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined;
        const u = await connectUpstream(origin);
        if (socket.destroyed || closing) {
          if (u.kind === 'open') u.ws.terminate();
          return;
        }
        if (u.kind === 'refused') {
          log.log('warn', 'gwq_relay_refused', { status: u.status });
          return refuseUpgrade(socket, u.status);
        }
        if (u.kind === 'unreachable' && !unreachableLogged) {
          // Once until it is reached again: a page retrying every second must not fill the log.
          unreachableLogged = true;
          log.log('warn', 'gwq_relay_terminal_unreachable', { to: opts.to, error: u.error });
        }
        wss.handleUpgrade(req, socket, head, (ws) => {
          const page = new Page(ws, origin);
          pages.add(page);
          if (u.kind === 'open') page.attach(u.ws);
          else page.scheduleRetry();
        });
      } catch (err) {
        log.log('error', 'gwq_relay_upgrade_failed', {
          error: err instanceof Error ? err.message : String(err),
        });
        socket.destroy();
      }
    })();
  });

  const port = await listenOn(server, opts.port, RELAY_HOST);
  server.on('error', (err) => log.log('error', 'gwq_relay_error', { error: err.message }));

  return {
    port,
    status() {
      let connected = 0;
      for (const p of pages) if (p.upstream) connected++;
      return { pages: pages.size, connected };
    },
    async close() {
      closing = true;
      for (const p of [...pages]) {
        p.end();
        p.ws.terminate();
      }
      wss.close();
      await closeServer(server);
    },
  };
}
