// haochaping-terminal/client: a typed client of the terminal's local API, for a business
// system written in TypeScript or JavaScript (Node 20+, or a browser). The types are
// generated from the OpenAPI document (openapi-types.ts, by openapi-typescript); the
// calls are openapi-fetch's, typed by them; the event stream, which openapi-fetch leaves
// as bytes, is read here into typed events.
//
//   const api = terminalClient({ baseUrl: 'http://127.0.0.1:7480', token });
//   const { data, error } = await api.POST('/v1/prompts', { body: { … } });
//   for await (const e of followEvents(api)) if (e.event === 'prompt' && e.data.final) …

import createClient, { type Client } from 'openapi-fetch';
import type { components, operations, paths } from './openapi-types.js';

export type { components, operations, paths };
export type Schemas = components['schemas'];
export type Prompt = Schemas['Prompt'];
export type OpenedPrompt = Schemas['OpenedPrompt'];
export type PromptRequest = Schemas['PromptRequest'];
export type Rating = Schemas['Rating'];
export type Clerk = Schemas['Clerk'];
export type ClerkSignIn = Schemas['ClerkSignIn'];
export type Health = Schemas['Health'];
export type ApiError = Schemas['Error'];
export type StreamEvent = Schemas['StreamEvent'];

export type TerminalClient = Client<paths>;

export interface TerminalClientOptions {
  /** The terminal's address without /v1: http://127.0.0.1:7480. */
  baseUrl: string;
  /** api.token, when the terminal has one. */
  token?: string | null;
  /** Another fetch (a test's, or one bound to an agent). */
  fetch?: (request: Request) => Promise<Response>;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
}

export function terminalClient(options: TerminalClientOptions): TerminalClient {
  return createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    headers: {
      ...options.headers,
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}

/**
 * The events of a `text/event-stream` body, parsed: each `event:` and `data:` block as a
 * StreamEvent; comment lines (`: keep-alive`) and events of types this client does not
 * know (a newer terminal's) are skipped.
 */
export async function* readEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<StreamEvent> {
  const decoder = new TextDecoder('utf-8');
  const reader = body.getReader();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const event = parseBlock(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        if (event) yield event;
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

const KNOWN = new Set(['prompt', 'keypad', 'platform']);

/** One SSE block: `event:` and `data:` lines (a data of several lines is joined with \n). */
function parseBlock(block: string): StreamEvent | null {
  let type = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') type = value;
    else if (field === 'data') data.push(value);
  }
  if (data.length === 0 || !KNOWN.has(type)) return null;
  return { event: type, data: JSON.parse(data.join('\n')) } as StreamEvent;
}

/**
 * Opens GET /v1/events and yields its events until `signal` aborts or the terminal
 * closes the stream. Throws the API's error body when the stream is refused (401, 429).
 */
export async function* followEvents(
  client: TerminalClient,
  options: { signal?: AbortSignal } = {},
): AsyncGenerator<StreamEvent> {
  const { data, error, response } = await client.GET('/v1/events', {
    parseAs: 'stream',
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (error || !data) {
    throw Object.assign(new Error(`GET /v1/events answered ${response.status}`), {
      status: response.status,
      body: error,
    });
  }
  yield* readEvents(data);
}
