// The broker is input too: whatever a "broker" answers, the terminal neither crashes
// nor stops rating, and it keeps trying (a fresh connection after each bad one).
import { randomBytes } from 'node:crypto';
import { createServer, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../helpers/cli.js';
import { fleetRig, onCleanup, section } from './rig.js';

/** A server that answers each connection's first bytes with `answer`. */
async function liar(answer: (n: number) => Buffer): Promise<{ port: number; accepted: () => number }> {
  let n = 0;
  const sockets: Socket[] = [];
  const server = createServer((s) => {
    sockets.push(s);
    s.on('error', () => {});
    const i = n++;
    s.once('data', () => s.write(answer(i)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  onCleanup(
    () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  );
  return { port: (server.address() as { port: number }).port, accepted: () => n };
}

const ANSWERS: [string, (n: number) => Buffer][] = [
  ['random bytes', () => randomBytes(64)],
  ['a CONNACK refusing (not authorised)', () => Buffer.from([0x20, 0x02, 0x00, 0x05])],
  ['a packet claiming 256 MB', () => Buffer.from([0x30, 0xff, 0xff, 0xff, 0x7f, 0x00])],
  [
    'a CONNACK, then an unasked-for PUBLISH with a broken topic length',
    () =>
      Buffer.concat([
        Buffer.from([0x20, 0x02, 0x00, 0x00]),
        Buffer.from([0x30, 0x05, 0xff, 0xff, 0x61, 0x62, 0x63]),
      ]),
  ],
  ['a SUBACK instead of a CONNACK', () => Buffer.from([0x90, 0x03, 0x00, 0x01, 0x00])],
];

describe('a hostile broker', () => {
  it.each(ANSWERS)('answering %s: the terminal keeps rating and tries again', async (_, answer) => {
    const server = await liar(answer);
    const rig = fleetRig(section(`mqtt://127.0.0.1:${server.port}`));
    await waitFor(() => server.accepted() >= 1, 'the first connection');
    rig.rate(2, { reasons: ['207'] });
    rig.rate(5);
    expect(rig.terminal.health().queue?.pending).toBe(2);
    // A second connection: the bad answer was dropped and the back-off goes on.
    await waitFor(() => server.accepted() >= 2, 'a second attempt', 20_000);
    expect(rig.terminal.health().store).toBe('ok');
  });
});
