// The OpenAPI document: well formed (OpenAPI 3.1 structure, every schema a valid JSON
// Schema 2020-12), complete (every route fastify has), the same as docs/openapi.json, and
// true (real answers, errors included, match the schemas it gives for them).
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterEach, describe, expect, it } from 'vitest';
import { openApiText } from '../../../scripts/openapi-doc.js';
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

type Doc = {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
};
type Operation = {
  summary?: string;
  responses: Record<string, { description: string; content?: Record<string, { schema: object }> }>;
};

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];
const ajv = () => new Ajv2020({ strict: false, validateFormats: false, allErrors: true });

async function served(r: ApiRig): Promise<Doc> {
  const got = await r.call('GET', '/v1/openapi.json');
  expect(got.status).toBe(200);
  return got.body as Doc;
}

function schemaOf(doc: Doc, path: string, method: string, status: number): object {
  const response = doc.paths[path]?.[method]?.responses[String(status)];
  const schema = response?.content?.['application/json']?.schema;
  if (!schema) throw new Error(`the document has no JSON schema for ${method} ${path} ${status}`);
  return schema;
}

function expectMatches(doc: Doc, path: string, method: string, res: { status: number; body: unknown }) {
  const validate = ajv().compile(schemaOf(doc, path, method, res.status));
  const ok = validate(res.body);
  expect(ok, `${method} ${path} ${res.status}: ${JSON.stringify(validate.errors)}`).toBe(true);
}

describe('GET /v1/openapi.json', () => {
  it('is an OpenAPI 3.1 document whose every schema is valid JSON Schema 2020-12', async () => {
    const doc = await served(await rig());
    expect(doc.openapi).toBe('3.1.0');
    expect(typeof doc.info.title).toBe('string');
    expect(typeof doc.info.version).toBe('string');
    let schemas = 0;
    for (const [path, item] of Object.entries(doc.paths)) {
      expect(path.startsWith('/v1/'), path).toBe(true);
      for (const [method, op] of Object.entries(item)) {
        expect(METHODS, `${path}: ${method}`).toContain(method);
        expect(Object.keys(op.responses).length, `${method} ${path}`).toBeGreaterThan(0);
        for (const [status, response] of Object.entries(op.responses)) {
          expect(status, `${method} ${path}`).toMatch(/^[1-5]\d\d$/);
          expect(typeof response.description, `${method} ${path} ${status}`).toBe('string');
          for (const media of Object.values(response.content ?? {})) {
            ajv().compile(media.schema);
            schemas += 1;
          }
        }
      }
    }
    expect(schemas).toBeGreaterThan(40);
  });

  it('has every route the server has (fastify’s own listing)', async () => {
    const r = await rig();
    const doc = await served(r);
    const listed = r.api.routes
      // HEAD is fastify's automatic twin of each GET; OPTIONS * is the CORS preflight.
      .filter((route) => route.method !== 'HEAD' && route.method !== 'OPTIONS')
      .map((route) => `${route.method.toLowerCase()} ${route.url.replace(/:(\w+)/g, '{$1}')}`);
    expect(listed.length).toBeGreaterThanOrEqual(11);
    const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method} ${path}`),
    );
    expect(documented.sort()).toEqual([...new Set(listed)].sort());
  });

  it('is what docs/openapi.json holds (run `npm run docs` after changing the API)', async () => {
    const doc = await served(await rig());
    const file = readFileSync(new URL('../../../docs/openapi.json', import.meta.url), 'utf8');
    expect(file).toBe(openApiText(doc));
  });

  it('needs the token like the rest of /v1', async () => {
    const r = await rig({ settings: { token: 'tok' } });
    const refused = await r.call('GET', '/v1/openapi.json');
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('unauthorized');
    const got = await r.call('GET', '/v1/openapi.json', { headers: { authorization: 'Bearer tok' } });
    expect(got.status).toBe(200);
  });

  it('documents the answers the server really gives, errors included', async () => {
    const r = await rig({ settings: { token: 'tok' } });
    const auth = { authorization: 'Bearer tok' };
    const doc = (await r.call('GET', '/v1/openapi.json', { headers: auth })).body as Doc;
    const call = (method: string, path: string, body?: unknown) =>
      r.call(method, path, { headers: auth, ...(body !== undefined ? { body } : {}) });

    expectMatches(doc, '/v1/health', 'get', await r.call('GET', '/v1/health'));
    expectMatches(doc, '/v1/clerk', 'get', await r.call('GET', '/v1/clerk'));
    expectMatches(doc, '/v1/clerk', 'get', await call('GET', '/v1/clerk'));
    const bad = await call('PUT', '/v1/clerk', { id: '', name: 'x' });
    expect(bad.status).toBe(400);
    expectMatches(doc, '/v1/clerk', 'put', bad);
    expectMatches(doc, '/v1/clerk', 'put', await call('PUT', '/v1/clerk', clerkJson));
    expectMatches(
      doc,
      '/v1/clerk/status',
      'put',
      await call('PUT', '/v1/clerk/status', { status: 'paused' }),
    );
    const paused = await call('POST', '/v1/prompts', promptJson());
    expect(paused.status).toBe(409);
    expectMatches(doc, '/v1/prompts', 'post', paused);
    await call('PUT', '/v1/clerk/status', { status: 'serving' });
    const opened = await call('POST', '/v1/prompts', promptJson());
    expect(opened.status).toBe(201);
    expectMatches(doc, '/v1/prompts', 'post', opened);
    const shown = await call('GET', `/v1/prompts/${opened.body.id}`);
    expectMatches(doc, '/v1/prompts/{id}', 'get', shown);
    expectMatches(doc, '/v1/prompts/{id}', 'get', await call('GET', '/v1/prompts/nope'));
    expectMatches(
      doc,
      '/v1/prompts/{id}/qr.png',
      'get',
      await call('GET', `/v1/prompts/${opened.body.id}/qr.png`),
    );
    r.terminal.intent({ type: 'rate', level: 5 });
    const rated = await call('GET', `/v1/prompts/${opened.body.id}`);
    expect(rated.body).toMatchObject({ status: 'rated', ratings: [], ratingsHidden: true });
    expectMatches(doc, '/v1/prompts/{id}', 'get', rated);
    expectMatches(doc, '/v1/prompts/{id}', 'delete', await call('DELETE', `/v1/prompts/${opened.body.id}`));
  });

  it('documents a revealed rating as served', async () => {
    const r = await rig({ mode: 'kiosk', settings: { revealRatings: true } });
    const doc = await served(r);
    const opened = await r.call('POST', '/v1/prompts', { body: promptJson() });
    r.terminal.intent({ type: 'rate', level: 2 });
    r.terminal.intent({ type: 'submit_reasons' });
    const rated = await r.call('GET', `/v1/prompts/${opened.body.id}`);
    expect(rated.body.ratingsHidden).toBe(false);
    expect(rated.body.ratings).toHaveLength(1);
    expectMatches(doc, '/v1/prompts/{id}', 'get', rated);
  });
});
