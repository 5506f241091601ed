// The local API for the window's business system, exactly as the contract lays it out:
// auth, then content checks, then validation, then existence, then the store, then
// the state. Every error is the contract's error body.

import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import cors from '@fastify/cors';
import Fastify, { type FastifyError, type FastifyReply } from 'fastify';
import { cstDateTime } from '../core/cst.js';
import type { PromptRequest } from '../core/events.js';
import { isLoopbackHost } from '../core/loopback.js';
import type { Citizen, Clerk, QrCode, ServiceFacts } from '../core/model.js';
import { MAX_SERVICE_TIME_AHEAD_MS, tooFarAhead } from '../core/service-facts.js';
import { renderPng } from '../qr/render.js';
import type { PromptSummary } from '../store/queries.js';
import { tokenMatches } from './auth.js';
import { ApiError, errorBody, REPLY_STATUS } from './errors.js';
import { EventStream } from './events.js';
import { ROUTE_SCHEMAS, registerOpenApi } from './openapi.js';
import type { ApiOperations } from './operations.js';
import { checkPhoto } from './photo.js';
import { API_FORMATS } from './schemas.js';
import { detailsOf } from './validation.js';

export const BODY_LIMIT = 64 * 1024;

export interface ApiSettings {
  host: string;
  port: number;
  token: string | null;
  revealRatings: boolean;
  corsOrigins: string[];
}

export interface ApiServer {
  url: string;
  port: number;
  /** What may change while running (SIGHUP): token, revealRatings, corsOrigins. */
  reload(settings: Pick<ApiSettings, 'token' | 'revealRatings' | 'corsOrigins'>): void;
  /** Every route the server has, as fastify registered it (the OpenAPI test's checklist). */
  routes: { method: string; url: string }[];
  close(): Promise<void>;
}

export interface ApiOptions {
  ops: ApiOperations;
  settings: ApiSettings;
  version: string;
  terminalId: string;
  log?: (event: string, fields: Record<string, unknown>) => void;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** A QR code as the contract gives it: its text and its SVG, nothing else. */
function qrView(qr: QrCode | null): { url: string; svg: string } | null {
  return qr ? { url: qr.url, svg: qr.svg } : null;
}

/**
 * The prompt as the business system sees it: how the citizen rated only if the hall
 * allows; `qr` is its current QR code (null once it is no longer open).
 */
export function promptView(p: PromptSummary, reveal: boolean, qr: QrCode | null) {
  return {
    id: p.id,
    transactionId: p.transactionId,
    status: p.status,
    qr: qrView(qr),
    ratings: reveal
      ? p.records.map((r) => ({
          department: r.department,
          level: r.level,
          reasons: r.reasons,
          comment: r.comment,
          scope: r.scope,
          ratedAt: iso(r.ratedAt),
        }))
      : [],
    // An empty list must not read as "not rated": say when it is empty by the hall's choice.
    ratingsHidden: !reveal,
  };
}

function refuse(reply: { ok: false; code: string; message: string }): never {
  throw new ApiError(REPLY_STATUS[reply.code] ?? 409, reply.code, reply.message);
}

export async function startApi(opts: ApiOptions): Promise<ApiServer> {
  const settings = { ...opts.settings };
  if (!settings.token && !isLoopbackHost(settings.host)) {
    throw new Error(`api.host ${settings.host} is not a loopback address: set api.token, or bind 127.0.0.1`);
  }
  const { ops } = opts;
  const log = opts.log ?? (() => {});

  const app = Fastify({
    logger: false,
    bodyLimit: BODY_LIMIT,
    // A client that trickles bytes is cut off: the whole request must arrive in 10 s.
    requestTimeout: 10_000,
    connectionTimeout: 30_000,
    keepAliveTimeout: 5_000,
    return503OnClosing: true,
    forceCloseConnections: true,
    // Node checks request and header time-outs only this often (its default is 30 s).
    serverFactory: (handler) =>
      createServer(
        { connectionsCheckingInterval: 500, headersTimeout: 5_000, requestTimeout: 10_000 },
        handler,
      ),
    genReqId: () => randomUUID(),
    ajv: {
      customOptions: {
        allErrors: true,
        coerceTypes: false,
        removeAdditional: false,
        useDefaults: false,
        formats: API_FORMATS,
      },
    },
  });

  // Our own JSON parser: strict UTF-8, no prototype tricks, and our error codes.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer', bodyLimit: BODY_LIMIT },
    (req, body, done) => {
      const charset = /charset=([^;]+)/i
        .exec(String(req.headers['content-type'] ?? ''))?.[1]
        ?.trim()
        .toLowerCase();
      if (charset && charset !== 'utf-8' && charset !== 'utf8') {
        done(new ApiError(415, 'unsupported_media_type', 'Bodies must be JSON in UTF-8.'), undefined);
        return;
      }
      let text: string;
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(body as Buffer);
      } catch {
        done(new ApiError(400, 'malformed_json', 'The body is not valid UTF-8.'), undefined);
        return;
      }
      try {
        const value = JSON.parse(text, (key, v) =>
          key === '__proto__' || key === 'constructor' ? undefined : v,
        );
        done(null, value);
      } catch {
        done(new ApiError(400, 'malformed_json', 'The body is not valid JSON.'), undefined);
      }
    },
  );
  app.addContentTypeParser('*', (_req, _payload, done) => {
    done(
      new ApiError(415, 'unsupported_media_type', 'Bodies must be JSON (Content-Type: application/json).'),
      undefined,
    );
  });

  app.setErrorHandler((err: FastifyError | ApiError, req, reply) => {
    if (err instanceof ApiError) {
      return reply.code(err.status).send(errorBody(err.code, err.message, err.details));
    }
    if (err.validation) {
      return reply
        .code(400)
        .send(
          errorBody('invalid_request', 'Some fields break the rules.', detailsOf(err.validation as never)),
        );
    }
    switch (err.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return reply.code(413).send(errorBody('body_too_large', 'The body must be at most 64 KiB.'));
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return reply.code(415).send(errorBody('unsupported_media_type', 'Bodies must be JSON.'));
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
        return reply.code(400).send(errorBody('malformed_json', 'The body is not valid JSON.'));
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      return reply.code(err.statusCode).send(errorBody('bad_request', 'The request could not be read.'));
    }
    log('api_error', { method: req.method, route: req.routeOptions.url ?? '', error: err.message });
    return reply
      .code(500)
      .send(errorBody('internal_error', 'The terminal could not answer; it keeps running.'));
  });

  const routes: { method: string; url: string }[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });
  await registerOpenApi(app);

  app.setNotFoundHandler((_req, reply) => {
    reply.code(404).send(errorBody('not_found', 'No such endpoint.'));
  });

  // After the error handler: a route takes the handler in force when it is added, and
  // the plugin adds one (OPTIONS *) whose refusals must be the contract's error body.
  // CORS for the listed origins (read at each request: SIGHUP may change the list). The
  // plugin answers their preflights before the token check, as browsers send none.
  await app.register(cors, {
    origin: (origin, cb) =>
      cb(null, origin !== undefined && settings.corsOrigins.includes(origin) ? origin : false),
    methods: ['GET', 'PUT', 'POST', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type'],
    maxAge: 600,
    // A preflight missing Access-Control-Request-Method gets the same answer, not the
    // plugin's plain-text 400: every error here is the contract's error body.
    strictPreflight: false,
  });

  app.addHook('onRequest', async (req) => {
    // A preflight the plugin did not answer came from an origin that is not listed.
    if (req.method === 'OPTIONS') {
      throw new ApiError(403, 'origin_not_allowed', 'This origin may not call the API.');
    }
    const path = req.url.split('?')[0];
    if (settings.token && path !== '/v1/health' && !tokenMatches(req.headers.authorization, settings.token)) {
      throw new ApiError(401, 'unauthorized', 'A valid Authorization: Bearer token is required.');
    }
    // A body-carrying request must say it is JSON, and must fit, before anything is read.
    if (req.method === 'PUT' || req.method === 'POST') {
      const type = String(req.headers['content-type'] ?? '')
        .split(';')[0]
        ?.trim()
        .toLowerCase();
      if (type !== 'application/json') {
        throw new ApiError(
          415,
          'unsupported_media_type',
          'Bodies must be JSON (Content-Type: application/json).',
        );
      }
      if (Number(req.headers['content-length'] ?? 0) > BODY_LIMIT) {
        throw new ApiError(413, 'body_too_large', 'The body must be at most 64 KiB.');
      }
    }
    return undefined;
  });

  /** The contract puts 503 before 409: a write the store cannot take is refused as such. */
  const needStore = () => {
    if (ops.health().store !== 'ok') {
      throw new ApiError(503, 'store_unavailable', 'The terminal cannot store ratings right now.');
    }
  };

  const clerkView = () => {
    const c = ops.clerk;
    return c
      ? { id: c.id, name: c.name, department: c.department, photo: c.photo, stars: c.stars, status: c.status }
      : null;
  };

  app.get('/v1/health', { schema: ROUTE_SCHEMAS.health }, async () => {
    const h = ops.health();
    return {
      status: 'ok',
      version: opts.version,
      terminalId: opts.terminalId,
      keypad: h.keypad,
      keypadFault: h.keypadFault,
      platform: h.platform,
      store: h.store,
      queue: { pending: h.queue?.pending ?? 0, rejected: h.queue?.rejected ?? 0 },
      training: h.training,
    };
  });

  app.get('/v1/clerk', { schema: ROUTE_SCHEMAS.getClerk }, async () => {
    const clerk = clerkView();
    if (!clerk) throw new ApiError(404, 'not_found', 'No clerk is signed in.');
    return clerk;
  });

  app.put('/v1/clerk', { schema: ROUTE_SCHEMAS.putClerk }, async (req) => {
    const body = req.body as {
      id: string;
      name: string;
      department: Clerk['department'];
      photo?: string;
      stars?: number;
    };
    let photo: string | null = null;
    if (body.photo !== undefined) {
      const checked = checkPhoto(body.photo);
      if (!checked.ok) {
        throw new ApiError(400, 'invalid_request', 'Some fields break the rules.', [
          { field: 'photo', problem: checked.problem },
        ]);
      }
      photo = checked.photo;
    }
    needStore();
    const reply = ops.signIn({
      id: body.id,
      name: body.name,
      department: { code: body.department.code, name: body.department.name },
      photo,
      stars: body.stars ?? null,
    });
    if (!reply.ok) refuse(reply);
    return clerkView();
  });

  app.delete('/v1/clerk', { schema: ROUTE_SCHEMAS.deleteClerk }, async (_req, reply) => {
    needStore();
    const r = ops.signOut();
    if (!r.ok) refuse(r);
    return reply.code(204).send();
  });

  app.put('/v1/clerk/status', { schema: ROUTE_SCHEMAS.putClerkStatus }, async (req) => {
    needStore();
    const r = ops.setClerkStatus((req.body as { status: 'serving' | 'paused' }).status);
    if (!r.ok) refuse(r);
    return clerkView();
  });

  app.post('/v1/prompts', { schema: ROUTE_SCHEMAS.postPrompt }, async (req, reply) => {
    const body = req.body as Omit<PromptRequest, 'citizen' | 'facts'> & {
      citizen?: Partial<Citizen> & { name: string };
    } & Partial<Omit<ServiceFacts, 'acceptDate' | 'taskHandleItem'>> & {
        acceptDate?: string;
        taskHandleItem?: string;
      };
    const count = body.departments.length;
    const rule =
      body.mode === 'single' && count !== 1
        ? 'must have exactly one department for mode single'
        : body.mode === 'parallel' && count < 2
          ? 'must have two or more departments for mode parallel'
          : null;
    if (rule) {
      throw new ApiError(400, 'invalid_request', 'Some fields break the rules.', [
        { field: 'departments', problem: rule },
      ]);
    }
    // Against the terminal's own clock; a little ahead is the business system's clock
    // drifting (the rating is then flagged clock_skew), more is a wrong value.
    if (body.serviceTime !== undefined && tooFarAhead(body.serviceTime, ops.now())) {
      throw new ApiError(400, 'invalid_request', 'Some fields break the rules.', [
        {
          field: 'serviceTime',
          problem: `must not be more than ${MAX_SERVICE_TIME_AHEAD_MS / 60_000} minutes ahead of the terminal's clock (${cstDateTime(ops.now())}); check the business system's clock`,
        },
      ]);
    }
    const request: PromptRequest = {
      transactionId: body.transactionId,
      service: { code: body.service.code, name: body.service.name },
      departments: body.departments.map((d) => ({ code: d.code, name: d.name })),
      mode: body.mode,
      citizen: body.citizen
        ? {
            name: body.citizen.name,
            idNumber: body.citizen.idNumber ?? '',
            phone: body.citizen.phone ?? '',
            type: body.citizen.type ?? 1,
          }
        : null,
      facts: {
        ...(body.serviceNumber !== undefined ? { serviceNumber: body.serviceNumber } : {}),
        ...(body.proStatus !== undefined ? { proStatus: body.proStatus } : {}),
        ...(body.acceptDate !== undefined ? { acceptDate: body.acceptDate } : {}),
        ...(body.serviceTime !== undefined ? { serviceTime: body.serviceTime } : {}),
        // An empty 办理项 says no more than none.
        ...(body.taskHandleItem ? { taskHandleItem: body.taskHandleItem } : {}),
      },
    };
    const replace = (req.query as { replace?: string }).replace === 'true';
    const opened = ops.openPrompt(request, { replace });
    if (!opened.ok) refuse(opened);
    const id = opened.promptId as string;
    // The prompt is on screen already; only this answer waits for the platform's page
    // (the URL mode), at most platform.urlTimeoutSeconds.
    const qr = await ops.settledQr(id);
    return reply.code(201).send({
      id,
      status: 'open',
      expiresAt: iso(opened.expiresAt as number),
      qr: qrView(qr),
    });
  });

  app.get('/v1/prompts/:id', { schema: ROUTE_SCHEMAS.getPrompt }, async (req) => {
    const p = ops.getPrompt((req.params as { id: string }).id);
    if (!p) throw new ApiError(404, 'not_found', 'No prompt has this id.');
    return promptView(p, settings.revealRatings, ops.qrOf(p.id));
  });

  // For a receipt printer: the open prompt's QR code as a PNG.
  app.get('/v1/prompts/:id/qr.png', { schema: ROUTE_SCHEMAS.getPromptQr }, async (req, reply) => {
    const id = (req.params as { id: string }).id;
    if (!ops.getPrompt(id)) throw new ApiError(404, 'not_found', 'No prompt has this id.');
    const qr = ops.qrOf(id);
    if (!qr)
      throw new ApiError(
        409,
        'no_qr',
        'This prompt has no QR code now (none configured, or it is no longer open).',
      );
    return reply.type('image/png').send(await renderPng(qr.url, { scale: 6 }));
  });

  app.delete('/v1/prompts/:id', { schema: ROUTE_SCHEMAS.deletePrompt }, async (req, reply) => {
    const id = (req.params as { id: string }).id;
    if (!ops.getPrompt(id)) throw new ApiError(404, 'not_found', 'No prompt has this id.');
    needStore();
    const r = ops.cancelPrompt(id);
    if (!r.ok) refuse(r);
    return reply.code(204).send();
  });

  const streams = new Set<EventStream>();
  app.get('/v1/events', { schema: ROUTE_SCHEMAS.events }, (req, reply: FastifyReply) => {
    reply.hijack();
    req.raw.socket.setTimeout(0);
    // A hijacked reply writes its own head: carry over what the CORS plugin set, before
    // the stream writes it.
    for (const name of ['access-control-allow-origin', 'vary']) {
      const value = reply.getHeader(name);
      if (value !== undefined) reply.raw.setHeader(name, value);
    }
    let unsubscribe = () => {};
    const stream = new EventStream(reply.raw, () => {
      unsubscribe();
      streams.delete(stream);
    });
    streams.add(stream);
    unsubscribe = ops.subscribe({
      prompt: (id) => {
        const p = ops.getPrompt(id);
        if (p) stream.send('prompt', promptView(p, settings.revealRatings, ops.qrOf(id)));
      },
      keypadState: (state, fault) => stream.send('keypad', { state, fault }),
      platformState: (state, pending) => stream.send('platform', { state, pending }),
    });
  });

  app.get('/v1/openapi.json', { schema: ROUTE_SCHEMAS.openapi }, async () => app.swagger());

  await app.listen({ host: settings.host, port: settings.port });
  const port = (app.server.address() as AddressInfo).port;
  const host = settings.host.includes(':') ? `[${settings.host}]` : settings.host;

  return {
    url: `http://${host}:${port}/v1`,
    port,
    routes,
    reload(next) {
      settings.token = next.token;
      settings.revealRatings = next.revealRatings;
      settings.corsOrigins = [...next.corsOrigins];
    },
    async close() {
      for (const s of [...streams]) s.close();
      await app.close();
    },
  };
}
