// Hand-written WebSocket upgrades over raw TCP, for the bridge tests that send what a
// ws client never would (bad paths, foreign origins, missing keys, resets mid-request).
import { connect as tcpConnect } from 'node:net';

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
