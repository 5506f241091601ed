// The API's OpenAPI 3.1 document, made by @fastify/swagger from the very schemas fastify
// validates requests with (schemas.ts), the answers each route gives (answer-schemas.ts, event-schemas.ts)
// and the responses listed here, so the documented API and the enforced one are the
// same. Made for generators: an operationId on every operation, every schema named under
// components and referenced, an example on every request and answer
// (openapi-examples.ts). Served at GET /v1/openapi.json and written to docs/openapi.json
// (npm run docs), which `redocly lint` checks in the tests.

import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { ANSWER_SCHEMAS } from './answer-schemas.js';
import { EVENT_SCHEMAS } from './event-schemas.js';
import { addExamples } from './openapi-examples.js';
import { OPENAPI_INFO, OPENAPI_TAGS } from './openapi-info.js';
import { idParams, REQUEST_SCHEMAS, replaceQuery } from './schemas.js';

const RETRY_AFTER = {
  'Retry-After': {
    type: 'integer',
    minimum: 1,
    description: 'Seconds to wait before trying again.',
    examples: [1],
  },
};

/** An error answer: the contract's error body, with the codes this route gives at this status. */
const failure = (description: string, headers?: Record<string, object>) => ({
  description,
  $ref: 'Error#',
  ...(headers ? { headers } : {}),
});

/** Refusals every route may give. */
const ALWAYS = {
  429: failure(
    '`rate_limited`: this client (by address) sent more than api.rateLimit requests a second; wait `Retry-After` seconds.',
    RETRY_AFTER,
  ),
  500: failure('`internal_error`: the terminal could not answer; it keeps running.'),
};
const BUSY = '`busy`: the terminal is stopping or overloaded; try again after `Retry-After` seconds';
const UNAVAILABLE = { 503: failure(`${BUSY}.`, RETRY_AFTER) };
/** A route that writes may also find the store unwritable. */
const UNAVAILABLE_OR_STORE = {
  503: failure(
    `${BUSY}; \`store_unavailable\`: the store cannot be written (disk full or read-only), nothing was changed.`,
    RETRY_AFTER,
  ),
};
// Every /v1 route but health needs the token when api.token is set.
const AUTH = {
  401: failure('`unauthorized`: api.token is set and the Bearer token is missing or wrong.', {
    'WWW-Authenticate': {
      type: 'string',
      description: 'The scheme that would be let in.',
      examples: ['Bearer'],
    },
  }),
};
const BODY = {
  400: failure(
    '`invalid_request` (with `details`: one entry per field that breaks the rules), `malformed_json`, `bad_request`.',
  ),
  413: failure('`body_too_large`: the body must be at most 64 KiB.'),
  415: failure('`unsupported_media_type`: bodies must be JSON in UTF-8 (`Content-Type: application/json`).'),
};
const NO_PROMPT = { 404: failure('`not_found`: no prompt has this id.') };
const DONE = { 204: { description: 'Done; no body.', type: 'null' } };
const KIOSK = '`kiosk_has_no_clerk`: a self-service kiosk has no clerk';

const answer = (ref: string, description: string) => ({ description, $ref: `${ref}#` });
/** Errors of a route whose success is not JSON are still JSON. */
function asJson<T extends Record<number, { description: string; headers?: object }>>(errors: T) {
  return Object.fromEntries(
    Object.entries(errors).map(([status, { description, headers }]) => [
      status,
      {
        description,
        ...(headers ? { headers } : {}),
        content: { 'application/json': { schema: { $ref: 'Error#' } } },
      },
    ]),
  );
}

/** Each route's schema: request (validated) and answers (documented). */
export const ROUTE_SCHEMAS = {
  health: {
    operationId: 'getHealth',
    tags: ['Health'],
    summary: "The terminal's state (no token needed)",
    description: 'The keypad, the platform, the store and the queue, for a status light. Needs no token.',
    security: [],
    response: { 200: answer('Health', "The terminal's state."), ...ALWAYS, ...UNAVAILABLE },
  },
  getClerk: {
    operationId: 'getClerk',
    tags: ['Clerk'],
    summary: 'Who is signed in',
    description: 'The clerk signed in at this window, or 404 when nobody is.',
    response: {
      200: answer('Clerk', 'The clerk signed in.'),
      ...AUTH,
      404: failure('`not_found`: no clerk is signed in.'),
      ...ALWAYS,
      ...UNAVAILABLE,
    },
  },
  putClerk: {
    operationId: 'signInClerk',
    tags: ['Clerk'],
    summary: 'Sign a clerk in as serving',
    description: 'Signs the clerk in as serving, replacing whoever was signed in.',
    body: { $ref: 'ClerkSignIn#' },
    response: {
      200: answer('Clerk', 'The clerk as stored.'),
      ...BODY,
      ...AUTH,
      ...UNAVAILABLE_OR_STORE,
      409: failure(`${KIOSK}.`),
      ...ALWAYS,
    },
  },
  deleteClerk: {
    operationId: 'signOutClerk',
    tags: ['Clerk'],
    summary: 'Sign the clerk out (离岗)',
    description:
      'Signs the clerk out. An open prompt ends as DELETE /v1/prompts/{id} ends it: what the citizen has not begun is ' +
      'cancelled, a reasons screen on show runs to its end.',
    response: { ...DONE, ...AUTH, ...UNAVAILABLE_OR_STORE, 409: failure(`${KIOSK}.`), ...ALWAYS },
  },
  putClerkStatus: {
    operationId: 'setClerkStatus',
    tags: ['Clerk'],
    summary: '恢复服务 / 暂停服务',
    description:
      'Pauses or resumes the window. A pause while a prompt is open takes effect when that prompt is final.',
    body: { $ref: 'ClerkStatusChange#' },
    response: {
      200: answer('Clerk', 'The clerk with the new status.'),
      ...BODY,
      ...AUTH,
      ...UNAVAILABLE_OR_STORE,
      409: failure(`\`clerk_absent\`: no clerk is signed in; ${KIOSK}.`),
      ...ALWAYS,
    },
  },
  postPrompt: {
    operationId: 'openPrompt',
    tags: ['Prompts'],
    summary: "Open a rating prompt on the citizen's screen",
    description:
      'Opens a prompt for the transaction just done. A POST equal to the prompt on screen in transactionId, service, ' +
      'departments and mode is a retry (the first answer was lost): 200 with that prompt, nothing new opened.',
    body: { $ref: 'PromptRequest#' },
    querystring: replaceQuery,
    response: {
      201: answer('OpenedPrompt', 'The prompt is open.'),
      200: answer(
        'OpenedPrompt',
        'A retry: transactionId, service, departments and mode equal those of the prompt on screen, which is answered ' +
          '(it may be rated already, but is not final).',
      ),
      ...BODY,
      ...AUTH,
      ...UNAVAILABLE_OR_STORE,
      409: failure(
        '`prompt_open` (unless ?replace=true; also when replacing a prompt whose citizen is still choosing reasons), ' +
          'with `details: [{"field": "promptId", "problem": "<id of the prompt on screen>"}]`; ' +
          '`already_rated` (this transaction was rated here), `clerk_absent`, `clerk_paused`.',
      ),
      ...ALWAYS,
    },
  },
  getCurrentPrompt: {
    operationId: 'getCurrentPrompt',
    tags: ['Prompts'],
    summary: 'The prompt on screen',
    description: 'The prompt that is not final yet (as GET /v1/prompts/{id}), or 404 when there is none.',
    response: {
      200: answer('Prompt', 'The prompt on screen.'),
      ...AUTH,
      404: failure('`not_found`: every prompt is final (none is on screen).'),
      ...ALWAYS,
      ...UNAVAILABLE,
    },
  },
  getPrompt: {
    operationId: 'getPrompt',
    tags: ['Prompts'],
    summary: 'A prompt and, if the hall allows, how it was rated',
    description: "The prompt's status, whether it is final, and its ratings when api.revealRatings is on.",
    params: idParams,
    response: { 200: answer('Prompt', 'The prompt.'), ...AUTH, ...NO_PROMPT, ...ALWAYS, ...UNAVAILABLE },
  },
  getPromptQr: {
    operationId: 'getPromptQrPng',
    tags: ['Prompts'],
    summary: "The open prompt's QR code as a PNG",
    description: 'For a receipt printer: the QR code of a prompt that is still open, as a PNG image.',
    params: idParams,
    response: {
      200: {
        description: 'The QR code as a PNG image.',
        content: {
          'image/png': {
            schema: { type: 'string', contentMediaType: 'image/png', description: 'The PNG bytes.' },
          },
        },
      },
      ...asJson({
        ...AUTH,
        ...NO_PROMPT,
        409: failure('`no_qr`: no QR code now (none configured, or the prompt is no longer open).'),
        ...ALWAYS,
        ...UNAVAILABLE,
      }),
    },
  },
  deletePrompt: {
    operationId: 'cancelPrompt',
    tags: ['Prompts'],
    summary: 'Withdraw a prompt that is not final',
    description:
      "Before any rating the prompt is cancelled; after one, the departments not yet rated are left unrated, while a 差评's " +
      'reasons screen on show runs to its end (the final event follows then). 409 `not_open` only once it is final.',
    params: idParams,
    response: {
      ...DONE,
      ...AUTH,
      ...NO_PROMPT,
      ...UNAVAILABLE_OR_STORE,
      409: failure('`not_open`: the prompt is final already.'),
      ...ALWAYS,
    },
  },
  events: {
    operationId: 'streamEvents',
    tags: ['Events'],
    summary: 'Server-Sent Events: prompt, keypad and platform changes',
    description:
      'A Server-Sent Events stream (text/event-stream, UTF-8) that stays open. Each event is written as `event: TYPE`, ' +
      '`data: JSON` (one line) and a blank line; the schema below describes one event, `event` being TYPE and `data` ' +
      'the parsed JSON. Types: `prompt` (data as GET /v1/prompts/{id}, `status` and `final` as of that change: one when ' +
      'it opens, one at its first rating, exactly one with `final: true`, the last for that prompt), `keypad` and ' +
      '`platform`. Lines beginning with `:` are comments (`: connected` first, then one every 15 s to keep the ' +
      'connection open); ignore them. Events carry no `id:` and are not replayed: after a reconnect, read ' +
      'GET /v1/prompts/current (or the prompt by its id). Opening the stream counts against api.rateLimit; the events do not.',
    response: {
      200: {
        description: 'The stream: one StreamEvent after another, until the client or the terminal closes it.',
        content: { 'text/event-stream': { schema: { $ref: 'StreamEvent#' } } },
      },
      ...asJson({ ...AUTH, ...ALWAYS, ...UNAVAILABLE }),
    },
  },
  openapi: {
    operationId: 'getOpenApiDocument',
    tags: ['Document'],
    summary: 'This document',
    description: 'The OpenAPI 3.1 document of this API, as docs/openapi.json holds it.',
    response: {
      200: {
        description: 'The OpenAPI 3.1 document.',
        type: 'object',
        additionalProperties: true,
        properties: {
          openapi: { type: 'string', description: 'The OpenAPI version.', examples: ['3.1.0'] },
        },
      },
      ...AUTH,
      ...ALWAYS,
      ...UNAVAILABLE,
    },
  },
} as const;

/** Registers the document's maker and the named schemas; call before any route is added. */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  for (const schema of [...REQUEST_SCHEMAS, ...ANSWER_SCHEMAS, ...EVENT_SCHEMAS]) app.addSchema(schema);
  // Response schemas here are documentation: the replies are written as before, with
  // JSON.stringify, so a field a schema does not list is never dropped silently.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: OPENAPI_INFO,
      tags: [...OPENAPI_TAGS],
      servers: [{ url: 'http://127.0.0.1:7480', description: 'The default api.host and api.port.' }],
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            description: 'api.token; needed only when it is set.',
          },
        },
      },
      security: [{ bearer: [] }],
    },
    // Components named as the schemas are (`$id`), not def-0, def-1 …
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`) },
    // 3.1 is JSON Schema 2020-12: `const` is kept as it is.
    convertConstToEnum: false,
    // The CORS plugin's preflight route (OPTIONS *) is not part of the API.
    transform: ({ schema, url, route }) => {
      const hide = route.method === 'OPTIONS' || url === '*';
      return { schema: hide ? { ...schema, hide: true } : schema, url };
    },
    transformObject: (documentObject) =>
      addExamples((documentObject as { openapiObject: never }).openapiObject),
  });
}
