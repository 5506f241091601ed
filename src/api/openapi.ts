// The API's OpenAPI 3.1 document, made by @fastify/swagger from the very schemas fastify
// validates requests with (schemas.ts), plus the answers each route gives (here), so
// the documented API and the enforced one are the same. Served at GET /v1/openapi.json
// and written to docs/openapi.json (npm run docs).

import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { clerkBody, clerkStatusBody, promptBody, replaceQuery } from './schemas.js';

const errorBody = (codes: string) =>
  ({
    description: codes,
    type: 'object',
    additionalProperties: false,
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        additionalProperties: false,
        required: ['code', 'message', 'details'],
        properties: {
          code: { type: 'string', description: 'snake_case, stable: programs branch on it' },
          message: { type: 'string', description: 'human words, may change' },
          details: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['field', 'problem'],
              properties: { field: { type: 'string' }, problem: { type: 'string' } },
            },
          },
        },
      },
    },
  }) as const;

// Every /v1 route but health needs the token when api.token is set.
const AUTH = {
  401: errorBody(
    '`unauthorized`: api.token is set and the Bearer token is missing or wrong (with `WWW-Authenticate: Bearer`).',
  ),
};
const BROKEN = { 500: errorBody('`internal_error`: the terminal could not answer; it keeps running.') };
const BODY = {
  400: errorBody(
    '`invalid_request` (with `details`: one entry per field that breaks the rules), `malformed_json`, `bad_request`.',
  ),
  413: errorBody('`body_too_large`: the body must be at most 64 KiB.'),
  415: errorBody(
    '`unsupported_media_type`: bodies must be JSON in UTF-8 (`Content-Type: application/json`).',
  ),
};
const STORE = {
  503: errorBody('`store_unavailable`: the store cannot be written (disk full or read-only).'),
};
const NO_PROMPT = { 404: errorBody('`not_found`: no prompt has this id.') };
/** Errors of a route whose success is not JSON are still JSON. */
function asJson<T extends Record<number, { description: string }>>(errors: T) {
  return Object.fromEntries(
    Object.entries(errors).map(([status, schema]) => [
      status,
      { description: schema.description, content: { 'application/json': { schema } } },
    ]),
  );
}
const DONE = { 204: { description: 'Done; no body.', type: 'null' } };

const department = {
  type: 'object',
  required: ['code', 'name'],
  properties: { code: { type: 'string' }, name: { type: 'string' } },
} as const;

const clerk = {
  description: 'The clerk as stored.',
  type: 'object',
  required: ['id', 'name', 'department', 'photo', 'stars', 'status'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    department,
    photo: { type: ['string', 'null'], description: 'data: URL, or null' },
    stars: { type: ['number', 'null'] },
    status: { type: 'string', enum: ['serving', 'paused'] },
  },
} as const;

const final = {
  type: 'boolean',
  description:
    'true once nothing about the prompt can change any more (every department rated or the rest left, ' +
    "the last 差评's reasons done, or expired, declined, cancelled). Until then it holds the screen, whatever its status.",
} as const;

const source = {
  type: 'string',
  enum: ['api', 'gwq', 'invite'],
  description: "Who opened it: this API, the GWQ evaluator protocol, or the clerk's INVITE key.",
} as const;

const qr = {
  description: "The prompt's current QR code, or null (none configured, or the prompt is no longer open).",
  type: ['object', 'null'],
  required: ['url', 'svg'],
  properties: { url: { type: 'string' }, svg: { type: 'string' } },
} as const;

const promptAnswer = {
  description:
    'The prompt. Unless api.revealRatings is on, `ratings` is always [] and `ratingsHidden` is true: ' +
    'the business system learns that the citizen rated, not how.',
  type: 'object',
  required: ['id', 'transactionId', 'status', 'final', 'source', 'qr', 'ratings', 'ratingsHidden'],
  properties: {
    id: { type: 'string' },
    transactionId: { type: 'string' },
    status: { type: 'string', enum: ['open', 'rated', 'expired', 'declined', 'cancelled'] },
    final,
    source,
    qr,
    ratings: {
      type: 'array',
      items: {
        type: 'object',
        required: ['department', 'level', 'reasons', 'comment', 'scope', 'ratedAt'],
        properties: {
          department,
          level: { type: 'integer', minimum: 1, maximum: 5, description: '5 非常满意 … 1 非常不满意' },
          reasons: { type: 'array', items: { type: 'string' } },
          comment: { type: ['string', 'null'] },
          scope: { type: ['string', 'null'] },
          ratedAt: { type: 'string', format: 'date-time' },
        },
      },
    },
    ratingsHidden: {
      type: 'boolean',
      description: 'true when api.revealRatings is off and `ratings` is therefore empty whatever happened',
    },
  },
} as const;

/** The answer to POST /v1/prompts. */
function openedAnswer(description: string, statuses: string[]) {
  return {
    description,
    type: 'object',
    required: ['id', 'status', 'expiresAt', 'qr', 'final', 'source'],
    properties: {
      id: { type: 'string' },
      status: { type: 'string', enum: statuses },
      expiresAt: { type: 'string', format: 'date-time' },
      qr,
      final: { ...final, enum: [false] },
      source,
    },
  } as const;
}

const idParam = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', description: "the prompt's id from POST /v1/prompts" } },
} as const;

/** Each route's schema: request (validated) and answers (documented). */
export const ROUTE_SCHEMAS = {
  health: {
    summary: "The terminal's state (no token needed)",
    security: [],
    response: {
      200: {
        description: "The terminal's state.",
        type: 'object',
        required: [
          'status',
          'version',
          'terminalId',
          'keypad',
          'keypadFault',
          'platform',
          'store',
          'queue',
          'training',
        ],
        properties: {
          status: { type: 'string', enum: ['ok'] },
          version: { type: 'string' },
          terminalId: { type: 'string' },
          keypad: { type: 'string', enum: ['online', 'offline', 'none'] },
          keypadFault: { type: ['string', 'null'], enum: ['stuck_key', null] },
          platform: {
            type: 'string',
            enum: ['online', 'offline', 'auth_failed', 'misconfigured', 'unconfigured'],
          },
          store: { type: 'string', enum: ['ok', 'unavailable'] },
          queue: {
            type: 'object',
            required: ['pending', 'rejected'],
            properties: { pending: { type: 'integer' }, rejected: { type: 'integer' } },
          },
          training: { type: 'boolean' },
        },
      },
      ...BROKEN,
    },
  },
  getClerk: {
    summary: 'Who is signed in',
    response: { 200: clerk, ...AUTH, 404: errorBody('`not_found`: no clerk is signed in.'), ...BROKEN },
  },
  putClerk: {
    summary: 'Sign a clerk in as serving (replaces whoever was signed in)',
    body: clerkBody,
    response: {
      200: clerk,
      ...BODY,
      ...AUTH,
      ...STORE,
      409: errorBody('`kiosk_has_no_clerk`: a self-service kiosk has no clerk.'),
      ...BROKEN,
    },
  },
  deleteClerk: {
    summary: 'Sign the clerk out (离岗); an open prompt is cancelled',
    response: {
      ...DONE,
      ...AUTH,
      ...STORE,
      409: errorBody('`kiosk_has_no_clerk`: a self-service kiosk has no clerk.'),
      ...BROKEN,
    },
  },
  putClerkStatus: {
    summary: '恢复服务 / 暂停服务 (a pause during a prompt takes effect when it ends)',
    body: clerkStatusBody,
    response: {
      200: clerk,
      ...BODY,
      ...AUTH,
      ...STORE,
      409: errorBody('`clerk_absent`: no clerk is signed in; `kiosk_has_no_clerk`.'),
      ...BROKEN,
    },
  },
  postPrompt: {
    summary: "Open a rating prompt on the citizen's screen",
    body: promptBody,
    querystring: replaceQuery,
    response: {
      201: openedAnswer('The prompt is open.', ['open']),
      200: openedAnswer(
        'A retry: transactionId, service, departments and mode equal those of the prompt on screen, which is answered ' +
          '(a business system whose first answer was lost). It may be rated already, but is not final.',
        ['open', 'rated'],
      ),
      ...BODY,
      ...AUTH,
      ...STORE,
      409: errorBody(
        '`prompt_open` (unless ?replace=true; also when replacing a prompt whose citizen is still choosing reasons), ' +
          'with `details: [{"field": "promptId", "problem": "<id of the prompt on screen>"}]`; ' +
          '`already_rated` (this transaction was rated here), `clerk_absent`, `clerk_paused`.',
      ),
      ...BROKEN,
    },
  },
  getCurrentPrompt: {
    summary: 'The prompt that is not final yet (the one on screen)',
    response: {
      200: promptAnswer,
      ...AUTH,
      404: errorBody('`not_found`: every prompt is final (none is on screen).'),
      ...BROKEN,
    },
  },
  getPrompt: {
    summary: 'A prompt and, if the hall allows, how it was rated',
    params: idParam,
    response: { 200: promptAnswer, ...AUTH, ...NO_PROMPT, ...BROKEN },
  },
  getPromptQr: {
    summary: "The open prompt's QR code as a PNG (for a receipt printer)",
    params: idParam,
    response: {
      200: {
        description: 'PNG image',
        content: { 'image/png': { schema: { type: 'string', format: 'binary' } } },
      },
      ...asJson({
        ...AUTH,
        ...NO_PROMPT,
        409: errorBody('`no_qr`: no QR code now (none configured, or the prompt is no longer open).'),
        ...BROKEN,
      }),
    },
  },
  deletePrompt: {
    summary:
      "Withdraw a prompt that is not final: before any rating it is cancelled; after one, the departments not yet rated are left unrated, while a 差评's reasons screen on show runs to its end (the final event follows then)",
    params: idParam,
    response: {
      ...DONE,
      ...AUTH,
      ...NO_PROMPT,
      ...STORE,
      409: errorBody('`not_open`: the prompt is final already.'),
      ...BROKEN,
    },
  },
  events: {
    summary: 'Server-Sent Events: prompt, keypad and platform changes',
    response: {
      200: {
        description:
          '`event: prompt` (data: as GET /v1/prompts/{id}, with `status` and `final` as of that change: one when it opens, one at its first rating, ' +
          'exactly one with `final: true`, the last for that prompt), `event: keypad` ({"state", "fault"}), ' +
          '`event: platform` ({"state", "pending"}); a comment line every 15 s.',
        content: { 'text/event-stream': { schema: { type: 'string' } } },
      },
      ...asJson(AUTH),
    },
  },
  openapi: {
    summary: 'This document',
    response: { 200: { type: 'object', description: 'The OpenAPI 3.1 document' }, ...AUTH },
  },
} as const;

/** Registers the document's maker; call before any route is added. */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  // Response schemas here are documentation: the replies are written as before, with
  // JSON.stringify, so a field a schema does not list is never dropped silently.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'haochaping-terminal local API',
        version: '1',
        description:
          "The rating terminal's local API for the window's business system. Every error body is " +
          '{"error": {"code", "message", "details"}}. Checks run in this order and the first that fails answers: ' +
          '401 → 415/413 → 400 → 404 → 503 → 409. A known path asked with a method it does not have answers 405 ' +
          '`method_not_allowed` with `Allow`.',
      },
      servers: [{ url: 'http://127.0.0.1:7480', description: 'the default api.host and api.port' }],
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            description: 'api.token; needed only when it is set',
          },
        },
      },
      security: [{ bearer: [] }],
    },
    // The CORS plugin's preflight route (OPTIONS *) is not part of the API.
    transform: ({ schema, url, route }) => {
      const hide = route.method === 'OPTIONS' || url === '*';
      return { schema: hide ? { ...schema, hide: true } : schema, url };
    },
  });
}
