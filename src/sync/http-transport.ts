// One HTTP(S) POST with an exact Content-Length and a deadline for the whole exchange
// (connect, send, answer), on undici: its Agent keeps connections alive, caps the
// answer's size and never chunks a Buffer body. The deadline is ours (one timer over
// the whole exchange, as platform.timeoutSeconds means), and so are the one-line errors.

import { Agent, errors, request as undiciRequest } from 'undici';
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
  const agent = new Agent({ connections: 2, maxResponseSize: MAX_RESPONSE_BYTES });
  const send: Transport = async (request, options) => {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      throw new TransportError(`not a valid address: ${request.url}`, 'EINVALIDURL');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new TransportError(`unsupported scheme ${url.protocol}`, 'EINVALIDURL');
    }
    if (options.signal?.aborted) throw new TransportError('stopped', 'EABORTED');
    // Which of the two ends it: our deadline, or the caller (a stopping forwarder).
    let ended: TransportError | null = null;
    const abort = new AbortController();
    const end = (why: TransportError) => {
      ended ??= why;
      abort.abort();
    };
    const deadline = setTimeout(
      () => end(new TransportError(`no answer within ${options.timeoutMs / 1000} s`, 'ETIMEDOUT')),
      options.timeoutMs,
    );
    const onAbort = () => end(new TransportError('stopped', 'EABORTED'));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const method = request.method ?? 'POST';
      const res = await undiciRequest(url, {
        method,
        dispatcher: agent,
        headers: lowerCase(request.headers),
        body: method === 'GET' ? null : request.body,
        signal: abort.signal,
      });
      const body = Buffer.from(await res.body.arrayBuffer());
      const answerHeaders: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(res.headers)) {
        answerHeaders[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
      }
      return { status: res.statusCode, headers: answerHeaders, body };
    } catch (err) {
      throw ended ?? describeNetworkError(err);
    } finally {
      clearTimeout(deadline);
      options.signal?.removeEventListener('abort', onAbort);
    }
  };
  return {
    send,
    close() {
      void agent.destroy().catch(() => undefined);
    },
  };
}

/**
 * The request's headers in lower case; a Content-Length among them is left out, as
 * undici writes the body's own (a stale one would be refused, not corrected).
 */
function lowerCase(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    const key = k.toLowerCase();
    if (key !== 'content-length') out[key] = v;
  }
  return out;
}

const UNDICI_CODES: Record<string, string> = {
  UND_ERR_SOCKET: 'ECONNRESET',
  UND_ERR_CONNECT_TIMEOUT: 'ETIMEDOUT',
  UND_ERR_HEADERS_TIMEOUT: 'ETIMEDOUT',
  UND_ERR_BODY_TIMEOUT: 'ETIMEDOUT',
};

function describeNetworkError(err: unknown): TransportError {
  if (err instanceof errors.ResponseExceededMaxSizeError) {
    return new TransportError('the answer is too large to be an upload answer', 'ETOOLARGE');
  }
  // undici wraps the socket's own error (ECONNREFUSED, …) as the cause of some of its own.
  const own = err as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
  const raw = own.cause?.code ?? own.code ?? 'ENETWORK';
  // undici's own codes, in the system's words a technician may already know.
  const code = UNDICI_CODES[raw] ?? raw;
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
  const message = own.message ?? String(err);
  const what = words[code] ?? (code.startsWith('ERR_TLS') || code.includes('CERT') ? 'TLS failure' : message);
  return new TransportError(`${what} (${code})`, code);
}
