// The serve shell's end of the bridge: a WebSocket that any program on the machine (and,
// on a non-loopback ui.host, on the network) can try to open. Who may connect is decided
// at the upgrade (path, Origin, ui.token, a connection cap); what a connection may send
// is bounded (size by ws, rate by a token bucket); and nothing a peer sends can throw
// out of a handler, because an exception there would end the whole terminal.
import { type IncomingMessage, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import type { Logger } from '../../base/logger.js';
import { sameSecret } from '../../base/same-secret.js';
import type { DownMessage } from '../../core/bridge.js';
import type { Diagnostics } from '../../engine/diagnostics.js';
import { answerScreenMessage, greeting, subscribeScreens } from '../../engine/screen-messages.js';
import type { Terminal } from '../../engine/terminal.js';
import { type LogBudget, logBudget } from './log-budget.js';
import { type TokenBucket, tokenBucket } from './token-bucket.js';

export const BRIDGE_PATH = '/bridge';

export interface BridgeLimits {
  /** Largest message up, in bytes; a larger one closes the connection (1009). */
  maxMessageBytes: number;
  /** Open bridge connections at once; one more is refused (503). The screen needs one. */
  maxConnections: number;
  /** Messages a connection may send at once, and per second after that. */
  burst: number;
  perSecond: number;
  /** A peer that reads nothing has its connection dropped past this many unsent bytes. */
  maxBufferedBytes: number;
  /** Bridge log lines per minute; the rest are counted, and the count is logged. */
  logLinesPerMinute: number;
}

// A touch screen sends a few messages a second at most; a flood of a few thousand a
// second from one peer is cut off after the burst, and the screen's own transport
// reconnects by itself should it ever be cut off too.
export const DEFAULT_BRIDGE_LIMITS: BridgeLimits = {
  maxMessageBytes: 4096,
  maxConnections: 16,
  burst: 200,
  perSecond: 50,
  maxBufferedBytes: 1024 * 1024,
  logLinesPerMinute: 30,
};

/** Close code for a peer that sent faster than the limits allow (RFC 6455: policy violation). */
export const CLOSE_TOO_MANY_MESSAGES = 1008;

export interface BridgeSocketOptions {
  terminal: Terminal;
  hidKeys: string[][];
  volume: () => number;
  log: Logger;
  diagnostics: Diagnostics | null;
  /** ui.token: when set, a connection must carry it as ?token=. */
  token: string | null;
  limits?: Partial<BridgeLimits>;
  /** Monotonic milliseconds, for the rate limits. */
  now?: () => number;
}

export interface BridgeSocket {
  /** Takes over an HTTP upgrade request; `origin` is the page's own (http://host:port). */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, origin: string): void;
  close(): void;
}

function refuse(socket: Duplex, status: number): void {
  socket.on('error', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
  );
}

export function createBridgeSocket(opts: BridgeSocketOptions): BridgeSocket {
  const limits = { ...DEFAULT_BRIDGE_LIMITS, ...opts.limits };
  const now = opts.now ?? (() => performance.now());
  const { terminal, token } = opts;
  const log: LogBudget = logBudget(opts.log, limits.logLinesPerMinute, now);
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxMessageBytes });

  // Why a connection is refused, or null to take it.
  const admission = (req: IncomingMessage, origin: string): { status: number; why: string } | null => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      return { status: 400, why: 'bad_url' };
    }
    if (url.pathname !== BRIDGE_PATH) return { status: 404, why: 'path' };
    // Only the page this shell served may drive the terminal: no other web page in a
    // browser on the machine (a tab, an ad) can press its buttons. With a token, the
    // page may have been opened through any of the machine's addresses; the token, which
    // no foreign page knows, is what admits it.
    const sent = req.headers.origin;
    const ownOrigin = sent === origin || (token !== null && sent === `http://${req.headers.host ?? ''}`);
    if (!ownOrigin) return { status: 403, why: 'origin' };
    if (token !== null && !sameSecret(url.searchParams.get('token') ?? '', token))
      return { status: 401, why: 'token' };
    if (wss.clients.size >= limits.maxConnections) return { status: 503, why: 'connections' };
    return null;
  };

  const send = (ws: WebSocket, message: DownMessage) => {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > limits.maxBufferedBytes) {
      log.log('warn', 'bridge_peer_not_reading');
      ws.terminate();
      return;
    }
    ws.send(JSON.stringify(message));
  };
  const broadcast = (message: DownMessage) => {
    for (const ws of wss.clients) send(ws, message);
  };

  const unsubscribe = subscribeScreens(terminal, opts.volume, broadcast);

  wss.on('connection', (ws: WebSocket) => {
    const bucket: TokenBucket = tokenBucket(limits.burst, limits.perSecond, now);
    let refused = 0;
    let cutOff = false;
    // One refusal per connection is logged as it happens, the rest counted at the close:
    // a peer sending thousands of bad messages must not write thousands of lines.
    const connectionLog: Logger = {
      log(level, event, fields) {
        if (event === 'bridge_message_refused' && ++refused > 1) return;
        log.log(level, event, fields);
      },
    };
    for (const message of greeting(terminal, opts.hidKeys, opts.diagnostics)) send(ws, message);
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (cutOff) return;
      try {
        if (!bucket.take()) {
          cutOff = true;
          log.log('warn', 'bridge_too_many_messages', { burst: limits.burst, perSecond: limits.perSecond });
          ws.close(CLOSE_TOO_MANY_MESSAGES, 'too many messages');
          return;
        }
        // Binary frames are never messages of this contract.
        const text = isBinary || !Buffer.isBuffer(data) ? null : data.toString('utf8');
        let answer: DownMessage | null;
        if (text === null) {
          connectionLog.log('warn', 'bridge_message_refused');
          answer = { type: 'refused', reason: 'invalid' };
        } else {
          answer = answerScreenMessage(text, terminal, opts.diagnostics, connectionLog);
        }
        if (answer) send(ws, answer);
      } catch (err) {
        log.log('error', 'bridge_message_failed', {
          error: err instanceof Error ? err.message : String(err),
        });
      }
    });
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      if (refused > 1) log.log('warn', 'bridge_messages_refused', { count: refused });
    });
  });

  return {
    upgrade(req, socket, head, origin) {
      try {
        const refusal = admission(req, origin);
        if (refusal) {
          log.log('warn', 'bridge_connection_refused', { reason: refusal.why });
          refuse(socket, refusal.status);
          return;
        }
        wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
      } catch (err) {
        log.log('error', 'bridge_upgrade_failed', {
          error: err instanceof Error ? err.message : String(err),
        });
        socket.destroy();
      }
    },
    close() {
      unsubscribe();
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}
