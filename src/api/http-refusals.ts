// Refusals that come before any route runs, each in the contract's error body: a known
// path asked with a method it does not have (405 with Allow), a URL the router cannot
// read (a path parameter that does not decode, or longer than the router takes), and a
// request Node's HTTP parser gives up on (malformed, headers too large, too slow).

import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { errorBody } from './errors.js';

/** The methods each known path answers, from the routes as registered. */
export class AllowedMethods {
  private readonly routes: { pattern: RegExp; method: string }[] = [];

  add(method: string, url: string): void {
    // The CORS plugin's preflight catch-all (OPTIONS *) is not a method of any path.
    if (url === '*' || method === 'OPTIONS') return;
    const pattern = url
      .split('/')
      .map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/');
    this.routes.push({ pattern: new RegExp(`^${pattern}$`), method });
  }

  /** The methods `path` has, in a fixed order; empty for an unknown path. */
  of(path: string): string[] {
    const methods = new Set(this.routes.filter((r) => r.pattern.test(path)).map((r) => r.method));
    return ['GET', 'HEAD', 'PUT', 'POST', 'DELETE'].filter((m) => methods.has(m));
  }
}

const PARSER_STATUS: Record<string, [number, string, string]> = {
  HPE_HEADER_OVERFLOW: [
    431,
    'headers_too_large',
    'The request line and headers are too large (a URL this long is not one of the API’s).',
  ],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'request_timeout', 'The request did not arrive in time.'],
};

/**
 * Node's parser refused the request before any route saw it: the answer is written on
 * the socket by hand (there is no request to reply to), in the contract's body, and the
 * connection is closed, as nothing after a broken request can be read.
 */
export function answerClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message] = PARSER_STATUS[err.code ?? ''] ?? [
    400,
    'bad_request',
    'The request is not valid HTTP.',
  ];
  const body = JSON.stringify(errorBody(code, message));
  const reason = STATUS_CODES[status] ?? 'Bad Request';
  // As Node itself does: nothing is written to a socket that can no longer take it; the
  // socket goes once the answer is out.
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    () => socket.destroy(),
  );
}
