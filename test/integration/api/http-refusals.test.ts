// Refusals that come before any route runs, all in the contract's error body: a known
// path with a wrong method (405 with Allow), a missing token (401 with WWW-Authenticate),
// an id the router cannot read, and requests Node's HTTP parser refuses.
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type ApiRig, answered, apiRig } from '../../helpers/api-rig.js';

const rigs: ApiRig[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) await r.close();
});
async function rig(token: string | null = null) {
  const r = await apiRig({ settings: { token } });
  rigs.push(r);
  return r;
}

function expectError(res: { status: number; body: any }, status: number, code: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body).toEqual({ error: { code, message: expect.any(String), details: expect.any(Array) } });
}

/** Bytes as they are, on a fresh connection: the status line, headers and the parsed body. */
function rawRequest(port: number, text: string): Promise<{ status: number; head: string; body: any }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    let out = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      out += d;
    });
    socket.on('error', reject);
    socket.on('close', () => {
      const [head = '', body = ''] = out.split('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), head, body: JSON.parse(body) });
    });
  });
}

describe('405 for a known path asked with another method', () => {
  it('answers with Allow listing what the path has', async () => {
    const r = await rig();
    const cases: [string, string, string][] = [
      ['PATCH', '/v1/clerk', 'GET, HEAD, PUT, DELETE'],
      ['POST', '/v1/health', 'GET, HEAD'],
      ['PUT', '/v1/prompts', 'POST'],
      ['PUT', '/v1/prompts/some-id', 'GET, HEAD, DELETE'],
      ['POST', '/v1/prompts/current', 'GET, HEAD, DELETE'],
      ['DELETE', '/v1/events', 'GET, HEAD'],
      ['POST', '/v1/clerk/status', 'PUT'],
    ];
    for (const [method, path, allow] of cases) {
      const res = await r.call(method, path, { body: {} });
      expectError(res, 405, 'method_not_allowed');
      expect(res.headers.get('allow'), `${method} ${path}`).toBe(allow);
    }
    // A body of the wrong type does not hide the wrong method; an unknown path stays 404.
    const typed = await r.call('POST', '/v1/health', { raw: 'x', headers: { 'content-type': 'text/plain' } });
    expectError(typed, 405, 'method_not_allowed');
    expectError(
      await r.call('POST', '/v1/nothing', { raw: 'x', headers: { 'content-type': 'text/plain' } }),
      404,
      'not_found',
    );
  });

  it('only after the token: without it, 401', async () => {
    const r = await rig('tok');
    const res = await r.call('PATCH', '/v1/clerk');
    expectError(res, 401, 'unauthorized');
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    const ok = await r.call('PATCH', '/v1/clerk', { headers: { authorization: 'Bearer tok' } });
    expectError(ok, 405, 'method_not_allowed');
  });
});

describe('401', () => {
  it('says which scheme would be let in: WWW-Authenticate: Bearer', async () => {
    const r = await rig('tok');
    for (const [method, path] of [
      ['GET', '/v1/clerk'],
      ['GET', '/v1/events'],
      ['POST', '/v1/prompts'],
      ['GET', '/v1/prompts/current'],
      ['GET', '/v1/nothing-here'],
    ] as const) {
      const res = await r.call(method, path, { headers: { authorization: 'Bearer wrong' } });
      expectError(res, 401, 'unauthorized');
      expect(res.headers.get('www-authenticate'), `${method} ${path}`).toBe('Bearer');
    }
    expect((await answered(r.client.GET('/v1/health'))).headers.get('www-authenticate')).toBeNull();
  });
});

describe('ids the router cannot read', () => {
  it('are not found, like any unknown id — after the token', async () => {
    const r = await rig('tok');
    const auth = { authorization: 'Bearer tok' };
    for (const path of [
      '/v1/prompts/%E0%A4%A',
      '/v1/prompts/%ZZ',
      `/v1/prompts/${'a'.repeat(500)}`,
      `/v1/prompts/${'a'.repeat(500)}/qr.png`,
    ]) {
      expectError(await r.call('GET', path, { headers: auth }), 404, 'not_found');
      expectError(await r.call('DELETE', path, { headers: auth }), 404, 'not_found');
      const denied = await r.call('GET', path);
      expectError(denied, 401, 'unauthorized');
      expect(denied.headers.get('www-authenticate')).toBe('Bearer');
    }
  });
});

describe('requests the HTTP parser refuses', () => {
  it('answer in the contract’s body and close the connection', async () => {
    const r = await rig();
    const port = r.api.port;
    const cases: [string, number, string][] = [
      ['NONSENSE\r\n\r\n', 400, 'bad_request'],
      ['GET /v1/health HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n', 400, 'bad_request'],
      ['BREW /v1/clerk HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'bad_request'],
      [
        'POST /v1/prompts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: abc\r\n\r\n{}',
        400,
        'bad_request',
      ],
      [
        'POST /v1/prompts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
        400,
        'bad_request',
      ],
      // A URL past what the parser takes (the request line counts with the headers).
      [`GET /v1/prompts/${'a'.repeat(100_000)} HTTP/1.1\r\nHost: x\r\n\r\n`, 431, 'headers_too_large'],
      [
        `GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`,
        431,
        'headers_too_large',
      ],
    ];
    for (const [text, status, code] of cases) {
      const res = await rawRequest(port, text);
      expectError(res, status, code);
      expect(res.head).toMatch(/content-type: application\/json/i);
    }
    // The terminal goes on answering.
    expect((await answered(r.client.GET('/v1/health'))).status).toBe(200);
  });

  it('a query the schema refuses names the field', async () => {
    const r = await rig();
    const res = await r.call('DELETE', '/v1/prompts/x?replace=maybe');
    expectError(res, 404, 'not_found');
    const post = await r.call('POST', '/v1/prompts?replace=maybe', {
      body: {
        transactionId: 'TX',
        service: { code: 'S', name: '事项' },
        departments: [{ code: 'D', name: '部门' }],
        mode: 'single',
      },
    });
    expectError(post, 400, 'invalid_request');
    expect(post.body.error.details).toEqual([{ field: 'replace', problem: 'must be one of: true, false' }]);
  });
});
