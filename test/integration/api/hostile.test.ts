// Throws ≥ 10 000 generated hostile requests at the real API: the terminal never
// crashes, answers each with a 4xx and the contract's error body, and its store is
// unchanged by every refused request.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiRig, answered, apiRig, clerkJson, promptJson } from '../../helpers/api-rig.js';

let r: ApiRig;
beforeAll(async () => {
  r = await apiRig({ settings: { token: 'tok' } });
  const signIn = await answered(
    r.client.PUT('/v1/clerk', { body: clerkJson, headers: { authorization: 'Bearer tok' } }),
  );
  expect(signIn.status).toBe(200);
});
afterAll(async () => {
  await r.close();
});

function fingerprint(): string {
  const db = new Database(join(r.dir, 'terminal.db'), { readonly: true });
  try {
    const rows = ['prompts', 'records', 'settings'].map((t) =>
      JSON.stringify(
        db
          .prepare(`SELECT * FROM ${t}`)
          .all()
          .filter((row: any) => row.key !== 'probe'),
      ),
    );
    return rows.join('\n');
  } finally {
    db.close();
  }
}

const RTL = 'مرحبا بالعالم';
const weirdText = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.constantFrom('😀'.repeat(51), RTL.repeat(5), '\u202e\u0000abc', 'x'.repeat(51), '办'.repeat(51), ''),
  fc.string({ minLength: 10_000, maxLength: 20_000 }),
);
const wrongType = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.double(),
);
const deep = fc.integer({ min: 100, max: 20_000 }).map((n) => '['.repeat(n) + ']'.repeat(n));

/** A valid body broken in at least one place, so it must be refused. */
const brokenPrompt = fc
  .record({
    field: fc.constantFrom('transactionId', 'service', 'departments', 'mode', 'citizen', 'extra'),
    value: fc.oneof(weirdText, wrongType),
    name: fc.constantFrom('陈美英', `${RTL}😀`, '\u202e伪装'),
  })
  .map(({ field, value, name }) => {
    const body: Record<string, unknown> = promptJson({ citizen: { name } });
    if (field === 'transactionId')
      body.transactionId =
        typeof value === 'string' && [...value].length <= 50 && value.length > 0
          ? `${value}${'x'.repeat(51)}`
          : value;
    else if (field === 'service') body.service = { code: 'S', name: value === '' ? 1 : value, more: 1 };
    else if (field === 'departments') body.departments = [{ code: value, name: 5 }];
    else if (field === 'mode') body.mode = typeof value === 'string' ? `${value}!` : value;
    else if (field === 'citizen') body.citizen = { name, type: 3, idNumber: value };
    else body[`extra${String(value).slice(0, 5)}`] = value;
    return JSON.stringify(body);
  });

const request = fc.record({
  method: fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'PATCH'),
  path: fc.oneof(
    fc.constantFrom(
      '/v1/clerk',
      '/v1/clerk/status',
      '/v1/prompts',
      '/v1/prompts/abc',
      '/v1/prompts/%2e%2e%2fclerk',
      '/v2/x',
    ),
    fc.string({ maxLength: 30 }).map((s) => `/v1/prompts/${encodeURIComponent(s)}`),
  ),
  auth: fc.oneof(
    fc.constant('Bearer tok'),
    fc.constant('Bearer nope'),
    fc.constant(undefined),
    fc.string({ maxLength: 20 }),
  ),
  contentType: fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'text/plain',
    undefined,
    'application/json; charset=latin1',
  ),
  body: fc.oneof(
    brokenPrompt,
    fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
    deep,
    fc.integer({ min: 65 * 1024, max: 200 * 1024 }).map((n) => `{"transactionId":"${'x'.repeat(n)}"}`),
    fc.constantFrom('{', '{"status":"paused"', '\uFEFF{}', 'null', '[]', '{"__proto__":{"x":1}}'),
    fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from([0x7b, 0x22, 0xc3, 0x28, ...b])),
    fc.constant(undefined),
  ),
});

describe('hostile requests', () => {
  it('never crash the terminal, are each refused with a 4xx and the error body, and change nothing', {
    timeout: 600_000,
  }, async () => {
    const before = fingerprint();
    let sent = 0;
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async (req) => {
        // Writes that could be valid are made invalid: this test is about refusals.
        const willSucceed =
          req.auth === 'Bearer tok' &&
          ((req.method === 'GET' && (req.path === '/v1/clerk' || req.path.startsWith('/v1/prompts/'))) ||
            (req.method === 'DELETE' && req.path === '/v1/clerk') ||
            (req.method === 'PUT' && req.path === '/v1/clerk/status'));
        if (willSucceed) return;
        const headers: Record<string, string> = {};
        if (req.auth !== undefined) headers.authorization = req.auth;
        if (req.contentType !== undefined) headers['content-type'] = req.contentType;
        const res = await fetch(`${r.url}${req.path}`, {
          method: req.method,
          headers,
          ...(req.body !== undefined && req.method !== 'GET'
            ? { body: typeof req.body === 'string' ? req.body : new Uint8Array(req.body) }
            : {}),
        });
        sent++;
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const text = await res.text();
        expect(res.status, `${req.method} ${req.path} → ${text.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        const body = JSON.parse(text);
        expect(body.error.code).toMatch(/^[a-z_]+$/);
        expect(typeof body.error.message).toBe('string');
        expect(Array.isArray(body.error.details)).toBe(true);
      }),
      { numRuns: 11_000 },
    );
    expect(sent).toBeGreaterThanOrEqual(10_000);
    expect(fingerprint()).toBe(before);
    const health = await answered(r.client.GET('/v1/health'));
    expect(health.status).toBe(200);
    // The mix really covered the contract's refusals.
    for (const status of [400, 401, 404, 413, 415])
      expect(statuses.get(status) ?? 0, String(status)).toBeGreaterThan(0);
  });
});
