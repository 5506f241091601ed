// The OpenAPI document: well formed (OpenAPI 3.1, every schema valid JSON Schema
// 2020-12), complete (every route fastify has), made for generators (operationIds, named
// schemas referenced, a description on every field and parameter, an example on every
// request and answer, only standard formats, the event stream as a discriminated union),
// the same as docs/openapi.json, and true (real answers and events, errors included,
// match it). Called through the client generated from it, as a business system would.
import { readFileSync } from 'node:fs';
import { readEvents, type StreamEvent } from 'haochaping-terminal/client';
import { afterEach, describe, expect, it } from 'vitest';
import { openApiText } from '../../../scripts/openapi-doc.js';
import { type Doc, documentValidator, operationsOf } from '../../helpers/api-document.js';
import { type ApiRig, apiRig, clerkJson, promptJson } from '../../helpers/api-rig.js';

const rigs: ApiRig[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) await r.close();
});
async function rig(opts: Parameters<typeof apiRig>[0] = {}) {
  const r = await apiRig(opts);
  rigs.push(r);
  return r;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

async function served(r: ApiRig): Promise<Doc> {
  const { data, response } = await r.client.GET('/v1/openapi.json');
  expect(response.status).toBe(200);
  return data as unknown as Doc;
}

/** A client answer as the status and the body the document describes. */
const answer = (res: { data?: unknown; error?: unknown; response: Response }) => ({
  status: res.response.status,
  body: res.response.ok ? res.data : res.error,
});

function expectMatches(doc: Doc, path: string, method: string, res: { status: number; body: unknown }) {
  if (res.status === 204) {
    const documented = doc.paths[path]?.[method]?.responses['204'];
    expect(documented, `${method} ${path} 204`).toBeDefined();
    expect(documented?.content).toBeUndefined();
    expect(res.body ?? null).toBeNull();
    return;
  }
  const v = documentValidator(doc);
  const validate = v.compile(v.answerSchema(path, method, res.status));
  expect(validate(res.body), `${method} ${path} ${res.status}: ${JSON.stringify(validate.errors)}`).toBe(
    true,
  );
}

/** Every schema object in `node`, with where it is, following no refs. */
function* schemaNodes(node: any, where: string): Generator<{ schema: any; where: string }> {
  if (node === null || typeof node !== 'object') return;
  yield { schema: node, where };
  for (const [key, value] of Object.entries(node.properties ?? {}))
    yield* schemaNodes(value, `${where}.${key}`);
  if (node.items) yield* schemaNodes(node.items, `${where}[]`);
  for (const k of ['oneOf', 'anyOf', 'allOf'])
    for (const [i, s] of (node[k] ?? []).entries()) yield* schemaNodes(s, `${where}/${k}/${i}`);
}

describe('GET /v1/openapi.json', () => {
  it('is an OpenAPI 3.1 document whose every schema is valid JSON Schema 2020-12', async () => {
    const doc = await served(await rig());
    expect(doc.openapi).toBe('3.1.0');
    expect(typeof doc.info.title).toBe('string');
    expect(typeof doc.info.version).toBe('string');
    const v = documentValidator(doc);
    let schemas = 0;
    for (const { path, method, op } of operationsOf(doc)) {
      expect(path.startsWith('/v1/'), path).toBe(true);
      expect(METHODS, `${path}: ${method}`).toContain(method);
      expect(Object.keys(op.responses).length, `${method} ${path}`).toBeGreaterThan(0);
      for (const [status, response] of Object.entries(op.responses)) {
        expect(status, `${method} ${path}`).toMatch(/^[1-5]\d\d$/);
        expect(typeof response.description, `${method} ${path} ${status}`).toBe('string');
        for (const media of Object.values(response.content ?? {})) {
          v.compile(media.schema);
          schemas += 1;
        }
      }
    }
    expect(schemas).toBeGreaterThan(60);
  });

  it('has every route the server has (fastify’s own listing)', async () => {
    const r = await rig();
    const doc = await served(r);
    const listed = r.api.routes
      // HEAD is fastify's automatic twin of each GET; OPTIONS * is the CORS preflight.
      .filter((route) => route.method !== 'HEAD' && route.method !== 'OPTIONS')
      .map((route) => `${route.method.toLowerCase()} ${route.url.replace(/:(\w+)/g, '{$1}')}`);
    expect(listed.length).toBeGreaterThanOrEqual(12);
    const documented = operationsOf(doc).map(({ method, path }) => `${method} ${path}`);
    expect(documented.sort()).toEqual([...new Set(listed)].sort());
  });

  it('is what docs/openapi.json holds (run `npm run docs` after changing the API)', async () => {
    const doc = await served(await rig());
    const file = readFileSync(new URL('../../../docs/openapi.json', import.meta.url), 'utf8');
    expect(file).toBe(openApiText(doc));
  });

  it('needs the token like the rest of /v1', async () => {
    const r = await rig({ settings: { token: 'tok' } });
    const refused = await r.clientWith({ token: null }).GET('/v1/openapi.json');
    expect(refused.response.status).toBe(401);
    expect(refused.error?.error.code).toBe('unauthorized');
    expect((await r.client.GET('/v1/openapi.json')).response.status).toBe(200);
  });
});

describe('the document, for a generator', () => {
  it('names every operation (operationId), once each, and tags it with a described tag', async () => {
    const doc = await served(await rig());
    const ids = Object.fromEntries(
      operationsOf(doc).map(({ path, method, op }) => [op.operationId, `${method} ${path}`]),
    );
    expect(ids).toEqual({
      getHealth: 'get /v1/health',
      getClerk: 'get /v1/clerk',
      signInClerk: 'put /v1/clerk',
      signOutClerk: 'delete /v1/clerk',
      setClerkStatus: 'put /v1/clerk/status',
      openPrompt: 'post /v1/prompts',
      getCurrentPrompt: 'get /v1/prompts/current',
      getPrompt: 'get /v1/prompts/{id}',
      getPromptQrPng: 'get /v1/prompts/{id}/qr.png',
      cancelPrompt: 'delete /v1/prompts/{id}',
      streamEvents: 'get /v1/events',
      getOpenApiDocument: 'get /v1/openapi.json',
    });
    const tags = new Set(((doc as any).tags as { name: string; description: string }[]).map((t) => t.name));
    for (const { op } of operationsOf(doc)) {
      expect(op.tags).toHaveLength(1);
      expect(tags.has(op.tags?.[0] as string)).toBe(true);
      expect(op.description?.length, op.operationId).toBeGreaterThan(20);
    }
  });

  it('names its schemas under components and refers to them: no body or answer schema is written out', async () => {
    const doc = await served(await rig());
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining([
        'Prompt',
        'OpenedPrompt',
        'PromptRequest',
        'Rating',
        'Clerk',
        'ClerkSignIn',
        'Health',
        'Error',
        'ErrorDetail',
        'QrCode',
        'KeypadStatus',
        'PlatformStatus',
        'PromptEvent',
        'KeypadEvent',
        'PlatformEvent',
        'StreamEvent',
      ]),
    );
    let errors = 0;
    for (const { path, method, op } of operationsOf(doc)) {
      const media = [
        ...Object.values(op.requestBody?.content ?? {}).map((m) => ['request', m] as const),
        ...Object.entries(op.responses).flatMap(([status, res]) =>
          Object.entries(res.content ?? {}).map(([type, m]) => [`${status} ${type}`, m] as const),
        ),
      ];
      for (const [what, m] of media) {
        // The PNG's bytes and the document itself are the only answers not described by a named schema.
        if (what.endsWith('image/png') || (path === '/v1/openapi.json' && what.startsWith('200'))) continue;
        expect(m.schema, `${method} ${path} ${what}`).toEqual({
          $ref: expect.stringMatching(/^#\/components\/schemas\/\w+$/),
        });
        if (m.schema.$ref === '#/components/schemas/Error') errors += 1;
      }
    }
    // The error body is written once, and referred to from each error answer.
    expect(errors).toBeGreaterThan(40);
    const text = JSON.stringify(doc);
    expect(text.split('"snake_case and stable').length - 1).toBe(1);
  });

  it('describes every field and parameter, and gives an example of every scalar', async () => {
    const doc = await served(await rig());
    const missing: string[] = [];
    for (const [name, component] of Object.entries(doc.components.schemas)) {
      if (!component.description) missing.push(`${name}: no description`);
      for (const { schema, where } of schemaNodes(component, name)) {
        if (where === name || /\/(oneOf|anyOf)\/\d+$/.test(where)) continue;
        // A field that refers to a named schema takes that schema's description.
        if (schema.$ref) continue;
        if (!schema.description) missing.push(`${where}: no description`);
        const scalar = ['string', 'integer', 'number', 'boolean'].some((t) =>
          [schema.type].flat().includes(t),
        );
        if (scalar && !(schema.examples?.length > 0)) missing.push(`${where}: no example`);
      }
    }
    for (const { path, method, op } of operationsOf(doc)) {
      for (const p of op.parameters ?? []) {
        if (!p.description) missing.push(`${method} ${path} ${p.in} ${p.name}: no description`);
        if (p.example === undefined) missing.push(`${method} ${path} ${p.in} ${p.name}: no example`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('gives an example of every request and every answer, each valid against its schema', async () => {
    const doc = await served(await rig());
    const v = documentValidator(doc);
    const problems: string[] = [];
    for (const { path, method, op } of operationsOf(doc)) {
      const media = [
        ...Object.entries(op.requestBody?.content ?? {}).map(([type, m]) => [`request ${type}`, m] as const),
        ...Object.entries(op.responses).flatMap(([status, res]) =>
          Object.entries(res.content ?? {}).map(([type, m]) => [`${status} ${type}`, m] as const),
        ),
      ];
      for (const [what, m] of media) {
        if (what.endsWith('image/png')) continue;
        const examples = Object.entries(m.examples ?? {});
        if (examples.length === 0) problems.push(`${method} ${path} ${what}: no example`);
        const validate = v.compile(m.schema);
        for (const [name, ex] of examples)
          if (!validate(ex.value))
            problems.push(`${method} ${path} ${what} ${name}: ${JSON.stringify(validate.errors)}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('uses only standard formats: the UTC+8 times are strings with a pattern, which the server enforces', async () => {
    const r = await rig();
    const doc = await served(r);
    const formats = new Set<string>();
    for (const [name, component] of Object.entries(doc.components.schemas))
      for (const { schema } of schemaNodes(component, name)) if (schema.format) formats.add(schema.format);
    expect([...formats].sort()).toEqual(['date-time']);
    const request = doc.components.schemas.PromptRequest;
    for (const field of ['acceptDate', 'serviceTime']) {
      const schema = request.properties[field];
      expect(schema).toMatchObject({ type: 'string', pattern: expect.any(String) });
      const pattern = new RegExp(schema.pattern);
      expect(pattern.test('2026-11-29 09:40:00')).toBe(true);
      expect(pattern.test('2026-11-29T09:40:00')).toBe(false);
    }
    await r.client.PUT('/v1/clerk', { body: clerkJson });
    for (const acceptDate of ['2026-11-29T09:40:00', '2026-02-30 10:00:00']) {
      const refused = await r.client.POST('/v1/prompts', { body: promptJson({ acceptDate }) });
      expect(refused.response.status).toBe(400);
      expect(refused.error?.error.details).toEqual([
        { field: 'acceptDate', problem: 'must be a real date and time, yyyy-MM-dd HH:mm:ss (UTC+8)' },
      ]);
    }
  });

  it('documents the event stream as its events: a oneOf of named events with a discriminator on `event`', async () => {
    const doc = await served(await rig());
    const op = doc.paths['/v1/events']?.get;
    expect(op?.responses['200']?.content?.['text/event-stream']?.schema).toEqual({
      $ref: '#/components/schemas/StreamEvent',
    });
    expect(op?.description).toMatch(/event: TYPE/);
    const union = doc.components.schemas.StreamEvent;
    expect(union.discriminator.propertyName).toBe('event');
    const mapping = union.discriminator.mapping as Record<string, string>;
    expect(Object.keys(mapping).sort()).toEqual(['keypad', 'platform', 'prompt']);
    expect(union.oneOf.map((s: { $ref: string }) => s.$ref).sort()).toEqual(Object.values(mapping).sort());
    for (const [type, ref] of Object.entries(mapping)) {
      const event = doc.components.schemas[ref.split('/').pop() as string];
      expect(event.properties.event.const).toBe(type);
      expect(event.required).toEqual(['event', 'data']);
      expect(event.properties.data.$ref).toMatch(/^#\/components\/schemas\//);
    }
  });
});

describe('the document is true', () => {
  it('documents the answers the server really gives, errors included', async () => {
    const r = await rig({ settings: { token: 'tok' } });
    const api = r.client;
    const doc = await served(r);

    expectMatches(doc, '/v1/health', 'get', answer(await r.clientWith({ token: null }).GET('/v1/health')));
    expectMatches(doc, '/v1/clerk', 'get', answer(await r.clientWith({ token: null }).GET('/v1/clerk')));
    expectMatches(doc, '/v1/clerk', 'get', answer(await api.GET('/v1/clerk')));
    const bad = answer(await api.PUT('/v1/clerk', { body: { id: '', name: 'x' } as never }));
    expect(bad.status).toBe(400);
    expectMatches(doc, '/v1/clerk', 'put', bad);
    expectMatches(doc, '/v1/clerk', 'put', answer(await api.PUT('/v1/clerk', { body: clerkJson })));
    expectMatches(
      doc,
      '/v1/clerk/status',
      'put',
      answer(await api.PUT('/v1/clerk/status', { body: { status: 'paused' } })),
    );
    const paused = answer(await api.POST('/v1/prompts', { body: promptJson() }));
    expect(paused.status).toBe(409);
    expectMatches(doc, '/v1/prompts', 'post', paused);
    await api.PUT('/v1/clerk/status', { body: { status: 'serving' } });
    const opened = await api.POST('/v1/prompts', { body: promptJson() });
    expect(opened.response.status).toBe(201);
    expectMatches(doc, '/v1/prompts', 'post', answer(opened));
    const id = opened.data?.id as string;
    const retried = answer(await api.POST('/v1/prompts', { body: promptJson() }));
    expect(retried.status).toBe(200);
    expectMatches(doc, '/v1/prompts', 'post', retried);
    const other = answer(await api.POST('/v1/prompts', { body: promptJson({ transactionId: 'TX-2' }) }));
    expect(other.status).toBe(409);
    expectMatches(doc, '/v1/prompts', 'post', other);
    expectMatches(doc, '/v1/prompts/current', 'get', answer(await api.GET('/v1/prompts/current')));
    const path = { params: { path: { id } } };
    expectMatches(doc, '/v1/prompts/{id}', 'get', answer(await api.GET('/v1/prompts/{id}', path)));
    expectMatches(
      doc,
      '/v1/prompts/{id}',
      'get',
      answer(await api.GET('/v1/prompts/{id}', { params: { path: { id: 'nope' } } })),
    );
    expectMatches(
      doc,
      '/v1/prompts/{id}/qr.png',
      'get',
      answer(await api.GET('/v1/prompts/{id}/qr.png', { ...path, parseAs: 'blob' })),
    );
    r.terminal.intent({ type: 'rate', level: 5 });
    const rated = answer(await api.GET('/v1/prompts/{id}', path));
    expect(rated.body).toMatchObject({ status: 'rated', ratings: [], ratingsHidden: true });
    expectMatches(doc, '/v1/prompts/{id}', 'get', rated);
    expectMatches(doc, '/v1/prompts/current', 'get', answer(await api.GET('/v1/prompts/current')));
    expectMatches(doc, '/v1/prompts/{id}', 'delete', answer(await api.DELETE('/v1/prompts/{id}', path)));
    expectMatches(doc, '/v1/clerk', 'delete', answer(await api.DELETE('/v1/clerk')));
    const refusedStream = await r.clientWith({ token: 'wrong' }).GET('/v1/events', { parseAs: 'stream' });
    expect(refusedStream.response.status).toBe(401);
    expect(refusedStream.response.headers.get('www-authenticate')).toBe('Bearer');
    expectMatches(doc, '/v1/events', 'get', answer(refusedStream));
  });

  it('documents a revealed rating as served', async () => {
    const r = await rig({ mode: 'kiosk', settings: { revealRatings: true } });
    const doc = await served(r);
    const opened = await r.client.POST('/v1/prompts', { body: promptJson() });
    r.terminal.intent({ type: 'rate', level: 2 });
    r.terminal.intent({ type: 'submit_reasons' });
    const rated = answer(
      await r.client.GET('/v1/prompts/{id}', { params: { path: { id: opened.data?.id as string } } }),
    );
    expect(rated.body).toMatchObject({ ratingsHidden: false, ratings: [{ level: 2 }] });
    expectMatches(doc, '/v1/prompts/{id}', 'get', rated);
  });

  it('documents the events the stream really sends (read by the generated client)', async () => {
    const r = await rig({ settings: { token: 'tok', revealRatings: true } });
    const doc = await served(r);
    const v = documentValidator(doc);
    const validate = v.compile({ $ref: '#/components/schemas/StreamEvent' });
    await r.client.PUT('/v1/clerk', { body: clerkJson });
    // The answer's head comes once the stream is subscribed: nothing after it is missed.
    const stop = new AbortController();
    const stream = await r.client.GET('/v1/events', { parseAs: 'stream', signal: stop.signal });
    expect(stream.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events: StreamEvent[] = [];
    const reading = (async () => {
      for await (const e of readEvents(stream.data as ReadableStream<Uint8Array>)) {
        events.push(e);
        if (e.event === 'prompt' && e.data.final) return;
      }
    })();
    const opened = await r.client.POST('/v1/prompts', {
      body: promptJson({
        mode: 'parallel',
        departments: [
          { code: 'D-1', name: '县市场监管局' },
          { code: 'D-2', name: '县卫生健康局' },
        ],
      }),
    });
    expect(opened.response.status).toBe(201);
    r.terminal.intent({ type: 'choose_scope', scope: 'department' });
    r.terminal.intent({ type: 'rate', level: 5 });
    r.terminal.intent({ type: 'rate', level: 2 });
    r.terminal.intent({ type: 'submit_reasons' });
    await reading;
    stop.abort();
    expect(events.length).toBeGreaterThan(1);
    for (const e of events)
      expect(validate(e), `${JSON.stringify(e)}: ${JSON.stringify(validate.errors)}`).toBe(true);
    const prompts = events.filter((e) => e.event === 'prompt');
    expect(prompts.filter((e) => e.data.final)).toHaveLength(1);
    expect(prompts.at(-1)?.data).toMatchObject({ id: opened.data?.id, final: true, ratingsHidden: false });
  });
});
