// The transport against real HTTP servers on loopback: what it sends (an exact
// Content-Length, never chunked), what it hands back (status, lower-case headers such
// as Retry-After and Date, the body), and each way an exchange can go wrong, as the
// one-line errors the forwarder and doctor show.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpTransport, type HttpTransport, TransportError } from '../../../src/sync/http-transport.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/upload`;
}

function transport(): HttpTransport {
  const t = createHttpTransport();
  cleanup.push(() => t.close());
  return t;
}

const BODY = Buffer.from(JSON.stringify({ records: [{ id: 'r-1', note: '办件' }] }), 'utf8');

async function failure(promise: Promise<unknown>): Promise<TransportError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(TransportError);
    return err as TransportError;
  }
  throw new Error('the exchange did not fail');
}

describe('the HTTP transport', () => {
  it('posts the body with an exact Content-Length and returns status, headers and body', async () => {
    const seen: { headers: IncomingMessage['headers']; body: Buffer; method?: string }[] = [];
    const url = await serve((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ headers: req.headers, body: Buffer.concat(chunks), method: req.method });
        res.writeHead(503, {
          'Content-Type': 'application/json',
          'Retry-After': '120',
          Date: 'Sun, 29 Nov 2026 10:00:00 GMT',
        });
        res.end('{"ok":false}');
      });
    });
    const t = transport();
    const answer = await t.send(
      { url, headers: { 'Content-Type': 'application/json', 'X-App-Mark': 'HA-APP' }, body: BODY },
      { timeoutMs: 5_000 },
    );
    expect(answer.status).toBe(503);
    expect(answer.headers['retry-after']).toBe('120');
    expect(answer.headers.date).toBe('Sun, 29 Nov 2026 10:00:00 GMT');
    expect(answer.body.toString('utf8')).toBe('{"ok":false}');
    expect(seen).toHaveLength(1);
    expect(seen[0]?.method).toBe('POST');
    expect(seen[0]?.headers['content-length']).toBe(String(BODY.length));
    expect(seen[0]?.headers['transfer-encoding']).toBeUndefined();
    expect(seen[0]?.headers['x-app-mark']).toBe('HA-APP');
    expect(seen[0]?.body.equals(BODY)).toBe(true);
  });

  it('gives up when no answer comes within the deadline', async () => {
    const url = await serve(() => {
      // never answers
    });
    const err = await failure(transport().send({ url, headers: {}, body: BODY }, { timeoutMs: 300 }));
    expect(err.code).toBe('ETIMEDOUT');
    expect(err.message).toBe('no answer within 0.3 s');
  });

  it('gives up on an answer that trickles past the deadline', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"results":[');
      // the rest never comes
    });
    const err = await failure(transport().send({ url, headers: {}, body: BODY }, { timeoutMs: 300 }));
    expect(err.code).toBe('ETIMEDOUT');
  });

  it('stops reading an answer larger than 1 MiB', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let sent = 0;
      const more = () => {
        while (sent < 4 * 1024 * 1024) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', more);
        }
        res.end();
      };
      more();
    });
    const err = await failure(transport().send({ url, headers: {}, body: BODY }, { timeoutMs: 10_000 }));
    expect(err.code).toBe('ETOOLARGE');
    expect(err.message).toBe('the answer is too large to be an upload answer');
  });

  it('says the connection was refused', async () => {
    const url = await serve(() => {});
    const closed = cleanup.pop();
    await closed?.();
    const err = await failure(transport().send({ url, headers: {}, body: BODY }, { timeoutMs: 5_000 }));
    expect(err.code).toBe('ECONNREFUSED');
    expect(err.message).toBe('connection refused (ECONNREFUSED)');
  });

  it('says the connection was reset when the platform hangs up mid-answer', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '1000' });
      res.write('{"results":[', () => res.socket?.destroy());
    });
    const err = await failure(transport().send({ url, headers: {}, body: BODY }, { timeoutMs: 5_000 }));
    expect(err.message).toBe('connection reset (ECONNRESET)');
  });

  it('stops at once when told to, and refuses what is not an http(s) address', async () => {
    const url = await serve(() => {});
    const t = transport();
    const abort = new AbortController();
    const pending = t.send({ url, headers: {}, body: BODY }, { timeoutMs: 60_000, signal: abort.signal });
    abort.abort();
    expect((await failure(pending)).code).toBe('EABORTED');
    const already = new AbortController();
    already.abort();
    const early = t.send({ url, headers: {}, body: BODY }, { timeoutMs: 60_000, signal: already.signal });
    expect((await failure(early)).code).toBe('EABORTED');
    for (const bad of ['ftp://127.0.0.1/upload', 'not a url']) {
      const err = await failure(t.send({ url: bad, headers: {}, body: BODY }, { timeoutMs: 1_000 }));
      expect(err.code).toBe('EINVALIDURL');
    }
  });

  it('keeps at most two connections to the platform, and reuses them', async () => {
    const sockets = new Set<unknown>();
    const url = await serve((req, res) => {
      sockets.add(req.socket);
      req.resume();
      req.on('end', () => res.end('{}'));
    });
    const t = transport();
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => t.send({ url, headers: {}, body: BODY }, { timeoutMs: 5_000 })),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(sockets.size).toBeLessThanOrEqual(2);
  });
});
