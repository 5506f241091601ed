import { afterEach, describe, expect, it } from 'vitest';
import { type ApiRig, answered, apiRig, clerkJson, promptJson } from '../../helpers/api-rig.js';
import { clerk, request } from '../../helpers/core-fixture.js';
import { FakeClock } from '../../helpers/fake-clock.js';

const rigs: ApiRig[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) await r.close();
});
async function rig(opts: Parameters<typeof apiRig>[0] = {}) {
  const r = await apiRig(opts);
  rigs.push(r);
  return r;
}

const PNG_1PX = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

function expectError(res: { status: number; body: any }, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.body).toMatchObject({
    error: { code, message: expect.any(String), details: expect.any(Array) },
  });
}

describe('health', () => {
  it('answers without auth, in the contract’s shape', async () => {
    const r = await rig({ settings: { token: 's3cret-token' } });
    const res = await answered(r.client.GET('/v1/health'));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: 'ok',
      version: '0.0.0-test',
      terminalId: 'HA-0001',
      keypad: 'none',
      keypadFault: null,
      platform: 'unconfigured',
      store: 'ok',
      queue: { pending: 0, rejected: 0 },
      training: false,
    });
  });

  it('says training: true on a training terminal, whose ratings wait for no platform', async () => {
    for (const training of [false, true]) {
      const r = await rig({ training });
      r.terminal.signIn(clerk);
      r.terminal.openPrompt(request());
      r.terminal.intent({ type: 'rate', level: 4 });
      const res = await answered(r.client.GET('/v1/health'));
      expect(res.body).toMatchObject({ training, queue: { pending: training ? 0 : 1, rejected: 0 } });
    }
  });
});

describe('auth', () => {
  it('requires the bearer token on everything else, compared exactly', async () => {
    const r = await rig({ settings: { token: 's3cret-token' } });
    // A client that sends the token it is told to, or none.
    const api = r.clientWith({});
    expectError(await answered(api.GET('/v1/clerk')), 401, 'unauthorized');
    expectError(
      await answered(api.GET('/v1/clerk', { headers: { authorization: 'Bearer s3cret-toke' } })),
      401,
      'unauthorized',
    );
    expectError(
      await answered(api.GET('/v1/clerk', { headers: { authorization: 's3cret-token' } })),
      401,
      'unauthorized',
    );
    expectError(await answered(api.GET('/v1/events')), 401, 'unauthorized');
    const ok = await answered(
      api.PUT('/v1/clerk', { body: clerkJson, headers: { authorization: 'Bearer s3cret-token' } }),
    );
    expect(ok.status).toBe(200);
  });

  it('checks auth first, then type and size, then the body', async () => {
    const r = await rig({ settings: { token: 't' } });
    const auth = { authorization: 'Bearer t' };
    const huge = 'x'.repeat(70 * 1024);
    expectError(
      await r.call('POST', '/v1/prompts', { raw: huge, headers: { 'content-type': 'text/plain' } }),
      401,
      'unauthorized',
    );
    expectError(
      await r.call('POST', '/v1/prompts', {
        raw: '{bad',
        headers: { ...auth, 'content-type': 'text/plain' },
      }),
      415,
      'unsupported_media_type',
    );
    expectError(
      await r.call('POST', '/v1/prompts', {
        raw: `{"a":"${huge}"}`,
        headers: { ...auth, 'content-type': 'application/json' },
      }),
      413,
      'body_too_large',
    );
    expectError(
      await r.call('POST', '/v1/prompts', {
        raw: '{bad',
        headers: { ...auth, 'content-type': 'application/json' },
      }),
      400,
      'malformed_json',
    );
    // 400 before 409: a bad body is refused before the missing clerk is noticed.
    expectError(
      await r.call('POST', '/v1/prompts', { body: { transactionId: '' }, headers: auth }),
      400,
      'invalid_request',
    );
    expectError(
      await answered(r.client.POST('/v1/prompts', { body: promptJson(), headers: auth })),
      409,
      'clerk_absent',
    );
  });
});

describe('bodies', () => {
  it('refuses what is not JSON in UTF-8', async () => {
    const r = await rig();
    expectError(
      await r.call('PUT', '/v1/clerk', { raw: JSON.stringify(clerkJson) }),
      415,
      'unsupported_media_type',
    );
    expectError(
      await r.call('PUT', '/v1/clerk', {
        raw: JSON.stringify(clerkJson),
        headers: { 'content-type': 'application/json; charset=gbk' },
      }),
      415,
      'unsupported_media_type',
    );
    expectError(
      await r.call('PUT', '/v1/clerk', {
        raw: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
        headers: { 'content-type': 'application/json' },
      }),
      400,
      'malformed_json',
    );
    expectError(
      await r.call('PUT', '/v1/clerk', { raw: '', headers: { 'content-type': 'application/json' } }),
      400,
      'malformed_json',
    );
  });

  it('names every offending field in details', async () => {
    const r = await rig();
    const res = await r.call('POST', '/v1/prompts', {
      body: {
        transactionId: 'x'.repeat(51),
        service: { code: 'S', name: '' },
        departments: [{ code: 'D' }],
        mode: 'all',
        extra: 1,
      },
    });
    expectError(res, 400, 'invalid_request');
    const fields = (res.body.error.details as { field: string }[]).map((d) => d.field).sort();
    expect(fields).toEqual(['departments[0].name', 'extra', 'mode', 'service.name', 'transactionId']);
  });

  it('counts lengths in characters, not bytes: 50 Chinese characters or emoji are fine, 51 are not', async () => {
    const r = await rig({ mode: 'kiosk' });
    expect(
      (await answered(r.client.POST('/v1/prompts', { body: promptJson({ transactionId: '办'.repeat(50) }) })))
        .status,
    ).toBe(201);
    const emoji = await answered(
      r.client.POST('/v1/prompts', {
        params: { query: { replace: 'true' } },
        body: promptJson({ transactionId: '😀'.repeat(50) }),
      }),
    );
    expect(emoji.status).toBe(201);
    const long = await answered(
      r.client.POST('/v1/prompts', { body: promptJson({ transactionId: '办'.repeat(51) }) }),
    );
    expectError(long, 400, 'invalid_request');
    expect(long.body.error.details).toEqual([
      { field: 'transactionId', problem: 'must be at most 50 characters' },
    ]);
  });

  it('checks departments against the mode', async () => {
    const r = await rig({ mode: 'kiosk' });
    const two = [
      { code: 'A', name: '甲' },
      { code: 'B', name: '乙' },
    ];
    expectError(
      await answered(r.client.POST('/v1/prompts', { body: promptJson({ departments: two }) })),
      400,
      'invalid_request',
    );
    expectError(
      await answered(
        r.client.POST('/v1/prompts', {
          body: promptJson({ mode: 'parallel', departments: two.slice(0, 1) }),
        }),
      ),
      400,
      'invalid_request',
    );
    expect(
      (
        await answered(
          r.client.POST('/v1/prompts', { body: promptJson({ mode: 'package', departments: two }) }),
        )
      ).status,
    ).toBe(201);
  });
});

describe('clerk', () => {
  it('signs in, with a photo checked by its bytes, and out', async () => {
    const r = await rig();
    const photo = `data:image/png;base64,${PNG_1PX.toString('base64')}`;
    const res = await answered(r.client.PUT('/v1/clerk', { body: { ...clerkJson, photo } }));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...clerkJson, photo, status: 'serving' });
    expect((await answered(r.client.GET('/v1/clerk'))).body).toMatchObject({ id: '0107', status: 'serving' });
    expect(r.terminal.view().screen).toMatchObject({ kind: 'idle', clerk: { name: '林晓', photo } });

    const lying = await answered(
      r.client.PUT('/v1/clerk', {
        body: { ...clerkJson, photo: `data:image/jpeg;base64,${PNG_1PX.toString('base64')}` },
      }),
    );
    expectError(lying, 400, 'invalid_request');
    expect(lying.body.error.details).toEqual([
      { field: 'photo', problem: 'is labelled jpeg but is a png image' },
    ]);
    const notImage = await answered(
      r.client.PUT('/v1/clerk', {
        body: {
          ...clerkJson,
          photo: `data:image/png;base64,${Buffer.from('<svg onload=alert(1)>').toString('base64')}`,
        },
      }),
    );
    expect(notImage.body.error.details).toEqual([
      { field: 'photo', problem: 'is not a JPEG, PNG or WebP image' },
    ]);
    const big = Buffer.concat([PNG_1PX, Buffer.alloc(41 * 1024)]);
    expect(
      (
        await answered(
          r.client.PUT('/v1/clerk', {
            body: { ...clerkJson, photo: `data:image/png;base64,${big.toString('base64')}` },
          }),
        )
      ).body.error.details,
    ).toEqual([{ field: 'photo', problem: 'must be at most 40 KiB' }]);

    expect((await answered(r.client.DELETE('/v1/clerk'))).status).toBe(204);
    expectError(await answered(r.client.GET('/v1/clerk')), 404, 'not_found');
  });

  it('pauses and resumes; 409 clerk_absent with nobody signed in', async () => {
    const r = await rig();
    expectError(
      await answered(r.client.PUT('/v1/clerk/status', { body: { status: 'paused' } })),
      409,
      'clerk_absent',
    );
    await answered(r.client.PUT('/v1/clerk', { body: clerkJson }));
    expect(
      (await answered(r.client.PUT('/v1/clerk/status', { body: { status: 'paused' } }))).body,
    ).toMatchObject({
      status: 'paused',
    });
    expectError(await answered(r.client.POST('/v1/prompts', { body: promptJson() })), 409, 'clerk_paused');
    expect((await answered(r.client.PUT('/v1/clerk/status', { body: { status: 'serving' } }))).status).toBe(
      200,
    );
    expect((await answered(r.client.POST('/v1/prompts', { body: promptJson() }))).status).toBe(201);
    expectError(
      await r.call('PUT', '/v1/clerk/status', { body: { status: 'away' } }),
      400,
      'invalid_request',
    );
  });

  it('has no clerk on a kiosk', async () => {
    const r = await rig({ mode: 'kiosk' });
    expectError(await answered(r.client.PUT('/v1/clerk', { body: clerkJson })), 409, 'kiosk_has_no_clerk');
  });
});

describe('prompts', () => {
  it('opens one at a time; replace cancels the one before; a rated transaction cannot be rated again', async () => {
    const r = await rig({ mode: 'kiosk' });
    const first = await answered(r.client.POST('/v1/prompts', { body: promptJson() }));
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      id: expect.any(String),
      status: 'open',
      expiresAt: expect.any(String),
      qr: null,
      final: false,
      source: 'api',
    });
    expect(Date.parse(first.body.expiresAt) - Date.now()).toBeGreaterThan(55_000);
    expectError(
      await answered(r.client.POST('/v1/prompts', { body: promptJson({ transactionId: 'TX-2' }) })),
      409,
      'prompt_open',
    );
    const second = await answered(
      r.client.POST('/v1/prompts', {
        params: { query: { replace: 'true' } },
        body: promptJson({ transactionId: 'TX-2' }),
      }),
    );
    expect(second.status).toBe(201);
    expect(
      (await answered(r.client.GET('/v1/prompts/{id}', { params: { path: { id: first.body.id } } }))).body
        .status,
    ).toBe('cancelled');
    r.terminal.intent({ type: 'rate', level: 4 });
    expectError(
      await answered(r.client.POST('/v1/prompts', { body: promptJson({ transactionId: 'TX-2' }) })),
      409,
      'already_rated',
    );
    expectError(
      await answered(r.client.DELETE('/v1/prompts/{id}', { params: { path: { id: second.body.id } } })),
      409,
      'not_open',
    );
  });

  it('treats any unknown id as not found', async () => {
    const r = await rig();
    for (const id of ['nope', '00000000-0000-0000-0000-000000000000', '%E5%8A%9E', "x' OR 1=1 --"]) {
      expectError(await r.call('GET', `/v1/prompts/${encodeURIComponent(id)}`), 404, 'not_found');
      expectError(await r.call('DELETE', `/v1/prompts/${encodeURIComponent(id)}`), 404, 'not_found');
    }
    expectError(await r.call('GET', '/v1/nothing-here'), 404, 'not_found');
  });

  for (const reveal of [false, true]) {
    it(`shows every status to the business system, ratings ${reveal ? 'revealed' : 'hidden'}`, async () => {
      const clock = new FakeClock(Date.now());
      const r = await rig({ mode: 'kiosk', clock, settings: { revealRatings: reveal } });
      const get = async (id: string) =>
        (await answered(r.client.GET('/v1/prompts/{id}', { params: { path: { id: id } } }))).body;

      const open = (
        await answered(r.client.POST('/v1/prompts', { body: promptJson({ transactionId: 'A' }) }))
      ).body.id;
      // No qr configured: the prompt's current QR code is null.
      expect(await get(open)).toEqual({
        id: open,
        transactionId: 'A',
        status: 'open',
        final: false,
        source: 'api',
        qr: null,
        ratings: [],
        ratingsHidden: !reveal,
      });
      clock.advance(1_000);
      r.terminal.intent({ type: 'rate', level: 2 });
      r.terminal.intent({ type: 'toggle_reason', code: '209' });
      r.terminal.intent({ type: 'submit_reasons' });
      const rated = await get(open);
      expect(rated).toMatchObject({ status: 'rated', final: true });
      // Hidden ratings say so: an empty list alone would read as "not rated".
      expect(rated.ratingsHidden).toBe(!reveal);
      expect(rated.ratings).toEqual(
        reveal
          ? [
              {
                department: { code: 'D-MKT', name: '县市场监管局' },
                level: 2,
                reasons: ['209'],
                comment: '',
                scope: 'single',
                ratedAt: new Date(clock.now()).toISOString(),
              },
            ]
          : [],
      );

      clock.advance(5_000);
      const expiring = (
        await answered(r.client.POST('/v1/prompts', { body: promptJson({ transactionId: 'B' }) }))
      ).body.id;
      clock.advance(60_000);
      expect(await get(expiring)).toMatchObject({ status: 'expired', ratings: [] });

      const declining = (
        await answered(r.client.POST('/v1/prompts', { body: promptJson({ transactionId: 'C' }) }))
      ).body.id;
      r.terminal.intent({ type: 'decline' });
      expect(await get(declining)).toMatchObject({ status: 'declined', ratings: [] });

      const cancelling = (
        await answered(r.client.POST('/v1/prompts', { body: promptJson({ transactionId: 'D' }) }))
      ).body.id;
      expect(
        (await answered(r.client.DELETE('/v1/prompts/{id}', { params: { path: { id: cancelling } } })))
          .status,
      ).toBe(204);
      expect(await get(cancelling)).toMatchObject({ status: 'cancelled', ratings: [] });
    });
  }
});

describe('CORS', () => {
  it('answers only the listed origins', async () => {
    const r = await rig({ settings: { corsOrigins: ['http://biz.hall.local'] } });
    const pre = await fetch(`${r.url}/v1/prompts`, {
      method: 'OPTIONS',
      headers: { origin: 'http://biz.hall.local', 'access-control-request-method': 'POST' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('http://biz.hall.local');
    expect(pre.headers.get('access-control-allow-headers')).toContain('Authorization');
    const other = await fetch(`${r.url}/v1/prompts`, {
      method: 'OPTIONS',
      headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(other.status).toBe(403);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const get = await answered(r.client.GET('/v1/health', { headers: { origin: 'http://biz.hall.local' } }));
    expect(get.headers.get('access-control-allow-origin')).toBe('http://biz.hall.local');
    const getOther = await answered(
      r.client.GET('/v1/health', { headers: { origin: 'http://evil.example' } }),
    );
    expect(getOther.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers a listed origin on the event stream too', async () => {
    const r = await rig({ settings: { corsOrigins: ['http://biz.hall.local'] } });
    const open = async (origin: string) => {
      const abort = new AbortController();
      const res = await fetch(`${r.url}/v1/events`, { headers: { origin }, signal: abort.signal });
      abort.abort();
      return res;
    };
    const listed = await open('http://biz.hall.local');
    expect(listed.status).toBe(200);
    expect(listed.headers.get('access-control-allow-origin')).toBe('http://biz.hall.local');
    expect(listed.headers.get('vary')).toContain('Origin');
    const other = await open('http://evil.example');
    expect(other.status).toBe(200);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('preflights: the listed origins after a reload, before the token, in the contract error body', async () => {
    const r = await rig({ settings: { token: 'tok', corsOrigins: ['http://old.hall.local'] } });
    r.api.reload({
      token: 'tok',
      revealRatings: false,
      corsOrigins: ['http://biz.hall.local'],
      rateLimit: 50,
    });
    const preflight = (origin: string | null, method: string | null) =>
      fetch(`${r.url}/v1/prompts`, {
        method: 'OPTIONS',
        headers: {
          ...(origin ? { origin } : {}),
          ...(method ? { 'access-control-request-method': method } : {}),
        },
      });
    const listed = await preflight('http://biz.hall.local', 'POST');
    expect(listed.status).toBe(204);
    expect(listed.headers.get('access-control-allow-methods')).toBe('GET, PUT, POST, DELETE');
    expect(listed.headers.get('access-control-allow-headers')).toBe('Authorization, Content-Type');
    expect(listed.headers.get('access-control-max-age')).toBe('600');
    // No Access-Control-Request-Method: the same answer, not a plain-text 400.
    expect((await preflight('http://biz.hall.local', null)).status).toBe(204);
    for (const [origin, method] of [
      ['http://old.hall.local', 'POST'],
      [null, 'POST'],
      [null, null],
    ] as const) {
      const res = await preflight(origin, method);
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ error: { code: 'origin_not_allowed' } });
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    }
  });
});

describe('refusing to start', () => {
  it('on a non-loopback host without a token', async () => {
    await expect(rig({ settings: { host: '0.0.0.0' } })).rejects.toThrow(/api\.token/);
  });
});
