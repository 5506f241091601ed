// The GWQ listener: the WebSocket the SDK's pages open at ws://localhost:1919. Who may
// connect is decided at the upgrade (Origin, and off loopback the address and the relay's
// token); what a connection may send is bounded (96 KiB a frame, 20 frames a second, 8
// connections); and nothing a peer sends can throw out of a handler, since an exception
// there would end the whole terminal.

import type { IncomingMessage } from 'node:http';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { isLoopbackHost } from '../../base/addresses.js';
import type { Logger } from '../../base/logger.js';
import { bearerMatches } from '../../base/same-secret.js';
import type { GwqSection } from '../../config/compat-schema.js';
import {
  answer,
  type GwqOutcome,
  type GwqRequest,
  outcomeAnswer,
  pageAllowed,
  parseRequest,
  RET,
  TYPE,
  versionAnswer,
} from './codec.js';
import type { GwqOperations } from './operations.js';
import { type RefusalLog, refusalLog, shown } from './refusal-log.js';
import { closeServer, listenOn, refuseUpgrade, upgradeOnlyServer } from './socket-server.js';

export interface GwqLimits {
  /** Open connections at once; a newer one from an allowed origin replaces the oldest idle one. */
  maxConnections: number;
  /** Largest frame, in bytes; a larger one closes the connection (1009). */
  maxMessageBytes: number;
  /** Frames one connection may send in any second; one more closes it (1008). */
  messagesPerSecond: number;
  /** A peer that reads nothing is dropped past this many unsent bytes. */
  maxBufferedBytes: number;
  /** New refused origins (or addresses) named in the log each hour; the rest are counted. */
  refusalsNamedPerHour: number;
}

export const DEFAULT_GWQ_LIMITS: GwqLimits = {
  maxConnections: 8,
  maxMessageBytes: 96 * 1024,
  messagesPerSecond: 20,
  maxBufferedBytes: 1024 * 1024,
  refusalsNamedPerHour: 20,
};

/** Close codes (RFC 6455): replaced by a newer connection; sent too fast. */
export const CLOSE_REPLACED = 1001;
export const CLOSE_TOO_FAST = 1008;

/** What SIGHUP may change; host, port and token wait for a restart. */
export type GwqReloadable = Pick<
  GwqSection,
  'answerLevel' | 'origins' | 'allowFrom' | 'levelMap' | 'pageOrigins'
>;

export interface GwqListenerOptions {
  settings: GwqSection;
  ops: GwqOperations;
  log: Logger;
  /** The program's version, answered to type 0. */
  version: string;
  /** 0: any free port (tests). Default: settings.port. */
  port?: number;
  limits?: Partial<GwqLimits>;
  /** Monotonic milliseconds, for the rate limit and the log's hours. */
  now?: () => number;
}

export interface GwqListener {
  readonly port: number;
  readonly url: string;
  /** Connections open now. */
  connections(): number;
  reload(settings: GwqReloadable): void;
  close(): Promise<void>;
}

interface Connection {
  ws: WebSocket;
  openedAt: number;
  /** The prompt its type 10 opened, until that prompt is final. */
  pending: string | null;
  /** The page QR its type 90 showed. */
  pageId: string | null;
  /** When its last frames came, oldest first, at most messagesPerSecond of them. */
  recent: number[];
}

/** 10.1.2.3 whether the socket says 10.1.2.3 or ::ffff:10.1.2.3. */
export function plainAddress(address: string): string {
  const lower = address.toLowerCase();
  return lower.startsWith('::ffff:') && lower.includes('.') ? lower.slice('::ffff:'.length) : lower;
}

export async function startGwqListener(opts: GwqListenerOptions): Promise<GwqListener> {
  const limits = { ...DEFAULT_GWQ_LIMITS, ...opts.limits };
  const now = opts.now ?? (() => performance.now());
  const { ops, log } = opts;
  const fixed = { host: opts.settings.host, token: opts.settings.token };
  const loopback = isLoopbackHost(fixed.host);
  let settings: GwqReloadable = { ...opts.settings };
  const refusals: RefusalLog = refusalLog(log, limits.refusalsNamedPerHour, now);
  const connections = new Set<Connection>();
  /** Prompts whose type 10 waits for its answer, by prompt id; a closed connection stays until final. */
  const waiting = new Map<string, Connection>();
  let photoNoted = false;

  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxMessageBytes });

  const send = (c: Connection, text: string): boolean => {
    if (c.ws.readyState !== c.ws.OPEN) return false;
    if (c.ws.bufferedAmount > limits.maxBufferedBytes) {
      log.log('warn', 'gwq_peer_not_reading');
      c.ws.terminate();
      return false;
    }
    c.ws.send(text);
    return true;
  };

  const unsubscribe = ops.subscribe((promptId: string, outcome: GwqOutcome) => {
    const c = waiting.get(promptId);
    if (!c) return;
    waiting.delete(promptId);
    if (c.pending === promptId) c.pending = null;
    // The citizen's rating is kept whatever happened to the page; only the answer is lost.
    if (!send(c, outcomeAnswer(outcome, settings))) log.log('warn', 'gwq_answer_lost', { promptId });
    else log.log('info', 'gwq_answered', { promptId });
  });

  const evaluate = (c: Connection, r: Extract<GwqRequest, { kind: 'evaluate' }>): string | null => {
    if (c.pending !== null) return answer(TYPE.evaluate, RET.deviceError);
    const reply = ops.evaluate({
      tellerName: r.tellerName,
      tellerNo: r.tellerNo,
      photo: r.photo.kind === 'image' ? r.photo.dataUrl : null,
      timeoutSeconds: r.timeoutSeconds,
    });
    if (!reply.ok) {
      log.log('info', 'gwq_evaluate_refused', { ret: reply.ret, why: reply.why });
      return answer(TYPE.evaluate, reply.ret);
    }
    c.pending = reply.promptId;
    waiting.set(reply.promptId, c);
    const photo = r.photo.kind === 'ignored' ? 'ignored' : reply.photo;
    if (photo === 'ignored' && !photoNoted) {
      // Logged once a run: the SDK's own samples send a Windows path with every call.
      photoNoted = true;
      log.log('warn', 'gwq_photo_ignored', {
        why:
          r.photo.kind === 'ignored' && r.photo.why === 'path'
            ? 'a file path (never read): send the photo as base64'
            : 'not a base64 JPEG, PNG or WebP within 40 KiB',
      });
    }
    log.log('info', 'gwq_prompt_opened', { promptId: reply.promptId });
    // Answered when the prompt is final (the subscription above).
    return null;
  };

  /** What the engine answers; a fault of its own is the SDK's −7, never a silent page. */
  const engine = <T>(type: number, call: () => T): T | string => {
    try {
      return call();
    } catch (err) {
      log.log('error', 'gwq_engine_failed', { error: err instanceof Error ? err.message : String(err) });
      return answer(type, RET.deviceError);
    }
  };

  const respond = (c: Connection, text: string): string | null => {
    const r = parseRequest(text);
    switch (r.kind) {
      case 'version':
        return versionAnswer(opts.version);
      case 'evaluate':
        return engine(TYPE.evaluate, () => evaluate(c, r));
      case 'end': {
        // Answered before the prompt ends, so the type 10's answer comes after this one.
        send(c, answer(TYPE.end, RET.ok));
        if (c.pending !== null) ops.end(c.pending);
        if (c.pageId !== null) ops.closePage(c.pageId);
        c.pageId = null;
        return null;
      }
      case 'show_page': {
        // The URL may carry a token: it is never logged.
        if (!pageAllowed(r.url, settings.pageOrigins)) return answer(TYPE.showPage, RET.badParameter);
        const reply = engine(TYPE.showPage, () => ops.showPage(r.url));
        if (typeof reply === 'string') return reply;
        if (!reply.ok) return answer(TYPE.showPage, reply.ret);
        c.pageId = reply.pageId;
        return answer(TYPE.showPage, RET.ok);
      }
      case 'no_device':
        return answer(r.type, RET.noDevice);
      case 'invalid':
        return answer(r.type, RET.badParameter);
    }
  };

  /** Why an upgrade is refused (status and what the log names), or null to take it. */
  const admission = (req: IncomingMessage): { status: number; event: string; key: string } | null => {
    const origin = req.headers.origin;
    if (typeof origin !== 'string' || !settings.origins.includes(origin))
      return {
        status: 403,
        event: 'gwq_origin_refused',
        key: typeof origin === 'string' ? origin : '(none)',
      };
    if (!loopback) {
      const address = plainAddress(req.socket.remoteAddress ?? '');
      if (!settings.allowFrom.some((a) => plainAddress(a) === address))
        return { status: 403, event: 'gwq_address_refused', key: address };
      if (fixed.token === null || !bearerMatches(req.headers.authorization, fixed.token))
        return { status: 401, event: 'gwq_token_refused', key: address };
    }
    return null;
  };

  /** Room for one more: the oldest connection with no evaluation pending gives way. */
  const makeRoom = (): boolean => {
    if (connections.size < limits.maxConnections) return true;
    let oldest: Connection | null = null;
    for (const c of connections)
      if (c.pending === null && (!oldest || c.openedAt < oldest.openedAt)) oldest = c;
    if (!oldest) return false;
    connections.delete(oldest);
    oldest.ws.close(CLOSE_REPLACED, 'replaced by a newer connection');
    log.log('info', 'gwq_connection_replaced');
    return true;
  };

  const tooFast = (c: Connection): boolean => {
    const t = now();
    if (c.recent.length >= limits.messagesPerSecond) {
      if (t - (c.recent[0] as number) < 1000) return true;
      c.recent.shift();
    }
    c.recent.push(t);
    return false;
  };

  wss.on('connection', (ws: WebSocket) => {
    const c: Connection = { ws, openedAt: now(), pending: null, pageId: null, recent: [] };
    connections.add(c);
    let cutOff = false;
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (cutOff) return;
      try {
        if (tooFast(c)) {
          cutOff = true;
          log.log('warn', 'gwq_too_many_messages', { perSecond: limits.messagesPerSecond });
          ws.close(CLOSE_TOO_FAST, 'too many messages');
          return;
        }
        // A binary frame is no message of this protocol: not a JSON object with a type.
        const text = isBinary || !Buffer.isBuffer(data) ? null : data.toString('utf8');
        const reply = text === null ? answer(null, RET.badParameter) : respond(c, text);
        if (reply !== null) send(c, reply);
      } catch (err) {
        log.log('error', 'gwq_message_failed', { error: err instanceof Error ? err.message : String(err) });
      }
    });
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      connections.delete(c);
      // The prompt stays on screen: the citizen may be rating. Its answer will be logged lost.
      if (c.pending !== null) log.log('warn', 'gwq_connection_closed_while_open', { promptId: c.pending });
    });
  });

  const server = upgradeOnlyServer('the GWQ evaluator listener', (req, socket, head) => {
    try {
      const refusal = admission(req);
      if (refusal) {
        refusals.refused(refusal.event, refusal.key, {
          [refusal.event === 'gwq_origin_refused' ? 'origin' : 'address']: shown(refusal.key),
        });
        refuseUpgrade(socket, refusal.status);
        return;
      }
      if (!makeRoom()) {
        refuseUpgrade(socket, 503);
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    } catch (err) {
      log.log('error', 'gwq_upgrade_failed', { error: err instanceof Error ? err.message : String(err) });
      socket.destroy();
    }
  });

  const port = await listenOn(server, opts.port ?? opts.settings.port, fixed.host);
  server.on('error', (err) => log.log('error', 'gwq_listener_error', { error: err.message }));
  const shownHost = fixed.host.includes(':') ? `[${fixed.host}]` : fixed.host;

  return {
    port,
    url: `ws://${shownHost}:${port}`,
    connections: () => connections.size,
    reload(next) {
      settings = {
        answerLevel: next.answerLevel,
        origins: [...next.origins],
        allowFrom: [...next.allowFrom],
        levelMap: [...next.levelMap],
        pageOrigins: [...next.pageOrigins],
      };
    },
    async close() {
      unsubscribe();
      refusals.flush();
      for (const c of connections) c.ws.terminate();
      wss.close();
      await closeServer(server);
    },
  };
}
