// Clients of the serve shell's bridge for its tests: a ws peer that records what it is
// sent, and hand-written WebSocket upgrades over raw TCP for what a ws client never
// sends (bad paths, foreign origins, missing keys, resets mid-request).
import { connect as tcpConnect } from 'node:net';
import WebSocket from 'ws';

export interface Peer {
  ws: WebSocket;
  received: any[];
  closed: Promise<number>;
}

/**
 * Opens the bridge; resolves with the peer, or with the HTTP status that refused it.
 * `track` is given the socket at once (to terminate it after the test, opened or not).
 */
export function openPeer(
  url: string,
  origin: string,
  headers: Record<string, string> = {},
  track: (ws: WebSocket) => void = () => {},
): Promise<Peer | number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { origin, headers });
    const received: any[] = [];
    const closed = new Promise<number>((done) => ws.on('close', (code) => done(code)));
    ws.on('message', (data) => received.push(JSON.parse(String(data))));
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('open', () => resolve({ ws, received, closed }));
    ws.on('error', (e) => (e.message.startsWith('Unexpected server response') ? undefined : reject(e)));
    track(ws);
  });
}

/** A WebSocket upgrade request for PATH from ORIGIN, as the bytes on the wire. */
export const upgradeRequest = (path: string, origin: string) =>
  `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nOrigin: ${origin}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`;

/** One raw HTTP exchange over TCP: what the server wrote back before closing. */
export function raw(port: number, request: string, resetAfterWrite = false): Promise<string> {
  return new Promise((resolve) => {
    const socket = tcpConnect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (d) => {
      answer += String(d);
    });
    socket.on('error', () => resolve(answer));
    socket.on('close', () => resolve(answer));
    socket.write(request, () => {
      if (resetAfterWrite) socket.resetAndDestroy();
    });
  });
}
