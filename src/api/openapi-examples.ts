// An example on every request and every answer of the OpenAPI document, put on its media
// types once @fastify/swagger has made it (it keeps a route schema's examples only when
// the schema is written out, not when it is a $ref to a named one). An operation or an
// answer without its example stops the document from being made: none can be forgotten.

import { clerkSchema, healthSchema, openedPromptSchema, promptSchema } from './answer-schemas.js';
import { keypadEventSchema, platformEventSchema, promptEventSchema } from './event-schemas.js';
import { clerkSignInSchema, promptRequestSchema } from './schemas.js';

interface Example {
  summary: string;
  value: unknown;
}
type Examples = Record<string, Example>;

const PROMPT_ID = promptSchema.examples[0].id;

const err = (
  summary: string,
  code: string,
  message: string,
  details: { field: string; problem: string }[] = [],
) => ({
  [code]: { summary, value: { error: { code, message, details } } },
});

const UNAUTHORIZED = err(
  'No token, or a wrong one',
  'unauthorized',
  'A valid Authorization: Bearer token is required.',
);
const RATE_LIMITED = err(
  'Too many requests from this address',
  'rate_limited',
  'Too many requests from this address; try again in a moment.',
);
const INTERNAL = err(
  'The terminal could not answer',
  'internal_error',
  'The terminal could not answer; it keeps running.',
);
const BUSY = err('The terminal is stopping', 'busy', 'The terminal is stopping; try again in a moment.');
const STORE = {
  ...BUSY,
  ...err('The disk is full', 'store_unavailable', 'The terminal cannot store ratings right now.'),
};
const BODY = {
  400: {
    ...err('A field breaks the rules', 'invalid_request', 'Some fields break the rules.', [
      { field: 'transactionId', problem: 'must be at most 50 characters' },
    ]),
    ...err('Not JSON', 'malformed_json', 'The body is not valid JSON.'),
  },
  413: err('Over 64 KiB', 'body_too_large', 'The body must be at most 64 KiB.'),
  415: err('Not JSON', 'unsupported_media_type', 'Bodies must be JSON (Content-Type: application/json).'),
};
const ALWAYS = { 401: UNAUTHORIZED, 429: RATE_LIMITED, 500: INTERNAL, 503: BUSY };
const NO_PROMPT = { 404: err('No such prompt', 'not_found', 'No prompt has this id.') };
const KIOSK = err('A kiosk', 'kiosk_has_no_clerk', 'A self-service kiosk has no clerk.');

const one = (summary: string, value: unknown): Examples => ({ example: { summary, value } });

/** By operationId: the request's examples, and each answer's by status. */
const EXAMPLES: Record<string, { request?: Examples; responses: Record<string, Examples> }> = {
  getHealth: {
    responses: { 200: one('A terminal at work', healthSchema.examples[0]), ...ALWAYS },
  },
  getClerk: {
    responses: {
      200: one('The clerk at the window', clerkSchema.examples[0]),
      404: err('Nobody signed in', 'not_found', 'No clerk is signed in.'),
      ...ALWAYS,
    },
  },
  signInClerk: {
    request: one('A clerk starts serving', clerkSignInSchema.examples[0]),
    responses: { 200: one('Signed in', clerkSchema.examples[0]), ...BODY, ...ALWAYS, 503: STORE, 409: KIOSK },
  },
  signOutClerk: { responses: { ...ALWAYS, 503: STORE, 409: KIOSK } },
  setClerkStatus: {
    request: one('暂停服务', { status: 'paused' }),
    responses: {
      200: one('Paused', { ...clerkSchema.examples[0], status: 'paused' }),
      ...BODY,
      ...ALWAYS,
      503: STORE,
      409: {
        ...err('Nobody signed in', 'clerk_absent', 'No clerk is signed in.'),
        ...KIOSK,
      },
    },
  },
  openPrompt: {
    request: {
      single: { summary: 'One department', value: promptRequestSchema.examples[0] },
      parallel: {
        summary: '并联审批, with the citizen’s name and the service facts',
        value: {
          transactionId: 'TX-20261129-0002',
          service: { code: '350521-S-0102', name: '食品经营许可' },
          departments: [
            { code: '11350521MB0000000X', name: '县市场监管局' },
            { code: '11350521MB0000001Y', name: '县卫生健康局' },
          ],
          mode: 'parallel',
          citizen: { name: '陈秀英', phone: '13800000000' },
          serviceNumber: 1,
          proStatus: '3',
          acceptDate: '2026-11-29 09:12:00',
          serviceTime: '2026-11-29 09:40:00',
        },
      },
    },
    responses: {
      201: one('Opened', openedPromptSchema.examples[0]),
      200: one('The same POST again: the prompt on screen', {
        ...openedPromptSchema.examples[0],
        status: 'rated',
      }),
      ...BODY,
      ...ALWAYS,
      503: STORE,
      409: {
        ...err('Another prompt is on screen', 'prompt_open', 'A prompt is already open.', [
          { field: 'promptId', problem: PROMPT_ID },
        ]),
        ...err('Rated already', 'already_rated', 'This transaction was already rated on this terminal.'),
        ...err('Nobody signed in', 'clerk_absent', 'No clerk is signed in.'),
        ...err('The window is paused', 'clerk_paused', 'The clerk paused the window.'),
      },
    },
  },
  getCurrentPrompt: {
    responses: {
      200: one('A 并联审批 prompt after its first department', {
        ...promptSchema.examples[0],
        final: false,
      }),
      404: err('Nothing on screen', 'not_found', 'No prompt is on screen.'),
      ...ALWAYS,
    },
  },
  getPrompt: {
    responses: { 200: one('Rated and final', promptSchema.examples[0]), ...NO_PROMPT, ...ALWAYS },
  },
  getPromptQrPng: {
    responses: {
      ...NO_PROMPT,
      409: err(
        'No QR code now',
        'no_qr',
        'This prompt has no QR code now (none configured, or it is no longer open).',
      ),
      ...ALWAYS,
    },
  },
  cancelPrompt: {
    responses: {
      ...NO_PROMPT,
      409: err('Final already', 'not_open', 'The prompt has already ended.'),
      ...ALWAYS,
      503: STORE,
    },
  },
  streamEvents: {
    responses: {
      200: {
        prompt: { summary: 'A prompt opened', value: promptEventSchema.examples[0] },
        keypad: { summary: 'The keypad went offline', value: keypadEventSchema.examples[0] },
        platform: { summary: 'The platform', value: platformEventSchema.examples[0] },
      },
      ...ALWAYS,
    },
  },
  getOpenApiDocument: {
    responses: { 200: one('This document', { openapi: '3.1.0' }), ...ALWAYS },
  },
};

type Media = { schema?: unknown; examples?: Examples };
type Operation = {
  operationId?: string;
  requestBody?: { content: Record<string, Media> };
  responses: Record<string, { content?: Record<string, Media> }>;
};

/** Puts the examples on the document's media types; throws if one is missing. */
export function addExamples<T extends { paths: Record<string, Record<string, Operation>> }>(doc: T): T {
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const where = `${method.toUpperCase()} ${path}`;
      const table = op.operationId ? EXAMPLES[op.operationId] : undefined;
      if (!table) throw new Error(`the OpenAPI document has no examples for ${where}`);
      for (const media of Object.values(op.requestBody?.content ?? {})) {
        if (!table.request) throw new Error(`the OpenAPI document has no request example for ${where}`);
        media.examples = table.request;
      }
      for (const [status, response] of Object.entries(op.responses)) {
        for (const [type, media] of Object.entries(response.content ?? {})) {
          if (type === 'image/png') continue;
          const examples = table.responses[status];
          if (!examples) throw new Error(`the OpenAPI document has no example for ${where} ${status}`);
          media.examples = examples;
        }
      }
    }
  }
  return doc;
}
