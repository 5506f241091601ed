// One HTTP(S) POST with an exact Content-Length and a deadline for the whole exchange
// (connect, send, answer). node:http rather than fetch: fetch may choose chunked
// encoding and has no per-request connect deadline of its own.

import http from 'node:http';
import https from 'node:https';
import type { UploadRequest, UploadResponse } from './adapter.js';

/** Answers bigger than this are not an upload answer; reading stops there. */
const MAX_RESPONSE_BYTES = 1 << 20;

export interface SendOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

export type Transport = (request: UploadRequest, options: SendOptions) => Promise<UploadResponse>;

/** The request did not get an HTTP answer: refused, reset, timed out, aborted. */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

export interface HttpTransport {
  send: Transport;
  /** Closes idle kept-alive connections. */
  close(): void;
}

export function createHttpTransport(): HttpTransport {
  const agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: 2 }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: 2 }),
  };
  const send: Transport = (request, options) =>
    new Promise<UploadResponse>((resolve, reject) => {
      let url: URL;
      try {
        url = new URL(request.url);
      } catch {
        reject(new TransportError(`not a valid address: ${request.url}`, 'EINVALIDURL'));
        return;
      }
      const isHttps = url.protocol === 'https:';
      if (!isHttps && url.protocol !== 'http:') {
        reject(new TransportError(`unsupported scheme ${url.protocol}`, 'EINVALIDURL'));
        return;
      }
      let settled = false;
      const fail = (err: TransportError) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        options.signal?.removeEventListener('abort', onAbort);
        req.destroy();
        reject(err);
      };
      const method = request.method ?? 'POST';
      const req = (isHttps ? https : http).request(url, {
        method,
        agent: isHttps ? agents['https:'] : agents['http:'],
        headers:
          method === 'GET'
            ? request.headers
            : { ...request.headers, 'Content-Length': String(request.body.length) },
      });
      const deadline = setTimeout(
        () => fail(new TransportError(`no answer within ${options.timeoutMs / 1000} s`, 'ETIMEDOUT')),
        options.timeoutMs,
      );
      const onAbort = () => fail(new TransportError('stopped', 'EABORTED'));
      if (options.signal?.aborted) {
        onAbort();
        return;
      }
      options.signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (err: NodeJS.ErrnoException) => fail(describeNetworkError(err)));
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) {
            fail(new TransportError('the answer is too large to be an upload answer', 'ETOOLARGE'));
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', (err: NodeJS.ErrnoException) => fail(describeNetworkError(err)));
        res.on('aborted', () => fail(new TransportError('connection reset during the answer', 'ECONNRESET')));
        res.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(deadline);
          options.signal?.removeEventListener('abort', onAbort);
          const headers: Record<string, string | undefined> = {};
          for (const [k, v] of Object.entries(res.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
          resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks) });
        });
      });
      if (method === 'GET') req.end();
      else req.end(request.body);
    });
  return {
    send,
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}

function describeNetworkError(err: NodeJS.ErrnoException): TransportError {
  const code = err.code ?? 'ENETWORK';
  const words: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset',
    EPIPE: 'connection reset',
    ENOTFOUND: 'host name not found',
    EAI_AGAIN: 'host name lookup failed',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
    ETIMEDOUT: 'connection timed out',
  };
  const what =
    words[code] ?? (code.startsWith('ERR_TLS') || code.includes('CERT') ? 'TLS failure' : err.message);
  return new TransportError(`${what} (${code})`, code);
}
