// The local API for the window's business system, exactly as the contract lays it out:
// the rate limit, then auth, then content checks, then validation, then existence, then the store, then
// the state. Every error is the contract's error body.

import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import cors from '@fastify/cors';
import Fastify, { type FastifyError, type FastifyReply } from 'fastify';
import { isLoopbackHost } from '../base/addresses.js';
import { type Logger, silentLogger } from '../base/logger.js';
import { bearerMatches } from '../base/same-secret.js';
import { registerClerkRoutes } from './clerk-routes.js';
import { ApiError, errorBody } from './errors.js';
import { registerEventRoutes } from './event-routes.js';
import type { EventStream } from './events.js';
import { AllowedMethods, answerClientError } from './http-refusals.js';
import { ROUTE_SCHEMAS, registerOpenApi } from './openapi.js';
import type { ApiOperations } from './operations.js';
import { registerPromptRoutes } from './prompt-routes.js';
import { registerRateLimit } from './rate-limit.js';
import { detailsOf } from './validation.js';

export const BODY_LIMIT = 64 * 1024;

export interface ApiSettings {
  host: string;
  port: number;
  token: string | null;
  revealRatings: boolean;
  corsOrigins: string[];
  /** Requests a second per client address (api.rateLimit); GET /v1/health has its own bucket. */
  rateLimit: number;
}

export interface ApiServer {
  url: string;
  port: number;
  /** What may change while running (SIGHUP): token, revealRatings, corsOrigins, rateLimit. */
  reload(settings: Pick<ApiSettings, 'token' | 'revealRatings' | 'corsOrigins' | 'rateLimit'>): void;
  /** Every route the server has, as fastify registered it (the OpenAPI test's checklist). */
  routes: { method: string; url: string }[];
  close(): Promise<void>;
}

export interface ApiOptions {
  ops: ApiOperations;
  settings: ApiSettings;
  version: string;
  terminalId: string;
  log?: Logger;
}

export async function startApi(opts: ApiOptions): Promise<ApiServer> {
  const settings = { ...opts.settings };
  if (!settings.token && !isLoopbackHost(settings.host)) {
    throw new Error(`api.host ${settings.host} is not a loopback address: set api.token, or bind 127.0.0.1`);
  }
  const { ops } = opts;
  const log = opts.log ?? silentLogger;
  const authorized = (header: string | undefined, path: string) =>
    !settings.token || path === '/v1/health' || bearerMatches(header, settings.token);
  const unauthorized = () =>
    new ApiError(401, 'unauthorized', 'A valid Authorization: Bearer token is required.');
  const allowed = new AllowedMethods();
  let closing = false;

  const app = Fastify({
    logger: false,
    bodyLimit: BODY_LIMIT,
    // A client that trickles bytes is cut off: the whole request must arrive in 10 s.
    requestTimeout: 10_000,
    connectionTimeout: 30_000,
    keepAliveTimeout: 5_000,
    // A request that arrives while the server closes is refused by our own hook below, in
    // the contract's body (fastify's own 503 has another shape).
    return503OnClosing: false,
    forceCloseConnections: true,
    // Node checks request and header time-outs only this often (its default is 30 s).
    serverFactory: (handler) =>
      createServer(
        { connectionsCheckingInterval: 500, headersTimeout: 5_000, requestTimeout: 10_000 },
        handler,
      ),
    genReqId: () => randomUUID(),
    // A request Node's parser refuses (malformed, headers too large, too slow) gets the
    // contract's error body too.
    clientErrorHandler: answerClientError,
    // The router could not read a path parameter (it does not decode, or is longer than
    // the router takes): ids are opaque, and an id that cannot be one is not found —
    // after the token, as for any other request.
    frameworkErrors: (err, req, anyReply) => {
      const reply = anyReply as FastifyReply;
      const path = req.raw.url?.split('?')[0] ?? '';
      const refusal = !authorized(req.headers.authorization, path)
        ? unauthorized()
        : err.code === 'FST_ERR_BAD_URL' || err.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? new ApiError(404, 'not_found', 'No prompt has this id.')
          : new ApiError(400, 'bad_request', 'The request could not be read.');
      if (refusal.status === 401) reply.header('www-authenticate', 'Bearer');
      reply.code(refusal.status).send(errorBody(refusal.code, refusal.message, refusal.details));
    },
    ajv: {
      customOptions: {
        allErrors: true,
        coerceTypes: false,
        removeAdditional: false,
        useDefaults: false,
      },
    },
  });

  // Our own JSON parser: strict UTF-8, no prototype tricks, and our error codes.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer', bodyLimit: BODY_LIMIT },
    (req, body, done) => {
      // No route takes it (404, 405): the body is never looked at.
      if (req.is404) {
        done(null, undefined);
        return;
      }
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
  app.addContentTypeParser('*', (req, _payload, done) => {
    if (req.is404) {
      done(null, undefined);
      return;
    }
    done(
      new ApiError(415, 'unsupported_media_type', 'Bodies must be JSON (Content-Type: application/json).'),
      undefined,
    );
  });

  app.setErrorHandler((err: FastifyError | ApiError, req, reply) => {
    if (err instanceof ApiError) {
      // RFC 6750: a 401 says which scheme would be let in.
      if (err.status === 401) reply.header('www-authenticate', 'Bearer');
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
    log.log('error', 'api_error', {
      method: req.method,
      route: req.routeOptions.url ?? '',
      error: err.message,
    });
    return reply
      .code(500)
      .send(errorBody('internal_error', 'The terminal could not answer; it keeps running.'));
  });

  const routes: { method: string; url: string }[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      routes.push({ method, url: route.url });
      allowed.add(method, route.url);
    }
  });
  await registerOpenApi(app);

  // A known path asked with another method is 405 with the methods it has (after the
  // token, in the onRequest hook below); an unknown path is 404.
  app.setNotFoundHandler((req, reply) => {
    const methods = allowed.of(req.url.split('?')[0] ?? '');
    if (methods.length > 0) {
      reply
        .code(405)
        .header('allow', methods.join(', '))
        .send(errorBody('method_not_allowed', `This path answers ${methods.join(', ')} only.`));
      return;
    }
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
  // After CORS: a browser can read its 429 (the plugin's headers are on it).
  const checkRate = await registerRateLimit(app, () => settings.rateLimit);

  app.addHook('onRequest', async (req, reply) => {
    if (closing) {
      reply.header('retry-after', '5');
      throw new ApiError(503, 'busy', 'The terminal is stopping; try again in a moment.');
    }
    // 429 first of all, before the token: a flood costs the terminal as little as can be.
    await checkRate(req, reply);
    // A preflight the plugin did not answer came from an origin that is not listed.
    if (req.method === 'OPTIONS') {
      throw new ApiError(403, 'origin_not_allowed', 'This origin may not call the API.');
    }
    const path = req.url.split('?')[0] ?? '';
    if (!authorized(req.headers.authorization, path)) throw unauthorized();
    // A body-carrying request must say it is JSON, and must fit, before anything is read;
    // a request no route takes (404, 405) is answered as such whatever its body.
    if ((req.method === 'PUT' || req.method === 'POST') && !req.is404) {
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

  const ctx = { app, ops, settings };

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

  registerClerkRoutes(ctx);
  registerPromptRoutes(ctx);

  const streams = new Set<EventStream>();
  registerEventRoutes(ctx, streams);

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
      settings.rateLimit = next.rateLimit;
    },
    async close() {
      closing = true;
      for (const s of [...streams]) s.close();
      await app.close();
    },
  };
}
