// The HTTP side of the GWQ listener and of the relay: a server that only upgrades to
// WebSockets, bounded like every port of the terminal, and the refusal of an upgrade.

import { createServer, type IncomingMessage, type Server, STATUS_CODES } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

/**
 * Plain HTTP is answered 426 with `what` in words; a request that never completes its
 * headers is cut off; sockets that never finish an upgrade are bounded too.
 */
export function upgradeOnlyServer(
  what: string,
  upgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void,
): Server {
  const server = createServer((_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
    res.end(`This is ${what} of haochaping-terminal: open it as a WebSocket.\n`);
  });
  server.headersTimeout = 5_000;
  server.requestTimeout = 10_000;
  server.maxConnections = 64;
  server.on('clientError', (_err, socket) => socket.destroy());
  server.on('upgrade', upgrade);
  return server;
}

/** Listens; rejects with the system's error (EADDRINUSE…) for the caller to put in words. */
export async function listenOn(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/** Closes the server and every socket it still holds (half-sent upgrades included). */
export function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  return closed;
}

export function refuseUpgrade(socket: Duplex, status: number): void {
  socket.on('error', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
  );
}
