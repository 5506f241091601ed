// Who may open the serve shell's bridge, and how much a connection may send: the real
// shell on a free port, a real terminal and store, real WebSocket and TCP clients.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../../src/base/package-root.js';
import { Terminal } from '../../../src/engine/terminal.js';
import type { BridgeLimits } from '../../../src/shells/serve/bridge-socket.js';
import { type ServeShell, startServeShell } from '../../../src/shells/serve/server.js';
import { RatingStore } from '../../../src/store/store.js';
import { coreConfig } from '../../helpers/core-fixture.js';
import { tempDir } from '../../helpers/temp.js';
import { openPeer, type Peer, raw, upgradeRequest } from './bridge-peers.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

interface RigOptions {
  token?: string | null;
  limits?: Partial<BridgeLimits>;
  now?: () => number;
}

async function rig(opts: RigOptions = {}) {
  const dir = tempDir();
  const terminal = new Terminal({
    config: coreConfig({ mode: 'kiosk' }),
    openStore: () => RatingStore.open({ path: join(dir, 't.db'), keyFile: join(dir, 't.key') }),
    hidKeys: [['F1'], ['F2'], ['F3'], ['F4'], ['F5']],
  });
  terminal.start();
  const events: string[] = [];
  const shell: ServeShell = await startServeShell({
    terminal,
    host: '127.0.0.1',
    port: 0,
    webRoot: join(PACKAGE_ROOT, 'dist', 'web'),
    soundsRoot: join(PACKAGE_ROOT, 'assets', 'sounds'),
    volume: () => 80,
    hidKeys: [['F1'], ['F2'], ['F3'], ['F4'], ['F5']],
    log: { log: (_level, event) => events.push(event) },
    token: opts.token ?? null,
    ...(opts.limits ? { bridgeLimits: opts.limits } : {}),
    ...(opts.now ? { bridgeNow: opts.now } : {}),
  });
  cleanup.push(
    () => terminal.stop(),
    () => shell.close(),
  );
  const origin = `http://127.0.0.1:${shell.port}`;
  return { terminal, shell, origin, events };
}

/** Opens the bridge, the socket terminated after the test. */
function open(url: string, origin: string, headers: Record<string, string> = {}): Promise<Peer | number> {
  return openPeer(url, origin, headers, (ws) => cleanup.push(() => ws.terminate()));
}

async function until(check: () => boolean, what: string): Promise<void> {
  await expect.poll(check, { message: what, timeout: 10_000 }).toBe(true);
}

describe('ui.token', () => {
  it('refuses a connection without the token or with a wrong one, and takes the right one', async () => {
    const { shell, origin } = await rig({ token: 'ui-token-4f1d9a' });
    const bridge = `ws://127.0.0.1:${shell.port}/bridge`;
    expect(await open(bridge, origin)).toBe(401);
    expect(await open(`${bridge}?token=`, origin)).toBe(401);
    expect(await open(`${bridge}?token=ui-token-4f1d9`, origin)).toBe(401);
    expect(await open(`${bridge}?token=ui-token-4f1d9a0`, origin)).toBe(401);
    expect(await open(`${bridge}?token=${encodeURIComponent('中'.repeat(40))}`, origin)).toBe(401);
    // The right token does not excuse a foreign page.
    expect(await open(`${bridge}?token=ui-token-4f1d9a`, 'http://evil.example')).toBe(403);
    const peer = await open(`${bridge}?token=ui-token-4f1d9a`, origin);
    if (typeof peer === 'number') throw new Error(`refused with ${peer}`);
    await until(() => peer.received.some((m) => m.type === 'view'), 'the first view');
    expect(peer.received[0]).toMatchObject({ type: 'hid_keys' });
  });

  it('with a token, admits the page through any address the machine was reached on', async () => {
    const { shell } = await rig({ token: 'tok-2' });
    // The page was opened as http://localhost:PORT/?token=… on a shell bound elsewhere.
    const viaName = await open(
      `ws://localhost:${shell.port}/bridge?token=tok-2`,
      `http://localhost:${shell.port}`,
    );
    expect(typeof viaName).toBe('object');
    // Origin and Host must still agree: a page of another site is refused.
    expect(
      await open(`ws://127.0.0.1:${shell.port}/bridge?token=tok-2`, `http://other.example:${shell.port}`),
    ).toBe(403);
  });

  it('without a token, only the exact page origin is admitted, as before', async () => {
    const { shell, origin } = await rig();
    expect(typeof (await open(`ws://127.0.0.1:${shell.port}/bridge`, origin))).toBe('object');
    expect(await open(`ws://localhost:${shell.port}/bridge`, `http://localhost:${shell.port}`)).toBe(403);
    expect(await open(`ws://127.0.0.1:${shell.port}/elsewhere`, origin)).toBe(404);
  });
});

describe('bounds on the bridge', () => {
  it('refuses connections past the cap, and takes one again when a slot frees', async () => {
    const { shell, origin } = await rig({ limits: { maxConnections: 2 } });
    const bridge = `ws://127.0.0.1:${shell.port}/bridge`;
    const first = await open(bridge, origin);
    const second = await open(bridge, origin);
    expect(await open(bridge, origin)).toBe(503);
    if (typeof first === 'number' || typeof second === 'number') throw new Error('refused');
    first.ws.close();
    await first.closed;
    await expect.poll(async () => typeof (await open(bridge, origin))).toBe('object');
  });

  it('cuts off a peer that floods, answering each message it read, and stays open to others', async () => {
    // Time stands still: the bucket never refills, so exactly `burst` messages are read.
    const { shell, origin, events } = await rig({ limits: { burst: 5, perSecond: 1 }, now: () => 0 });
    const bridge = `ws://127.0.0.1:${shell.port}/bridge`;
    const peer = await open(bridge, origin);
    if (typeof peer === 'number') throw new Error('refused');
    for (let i = 0; i < 1000; i++) peer.ws.send(`{"type":"nothing","n":${i}}`);
    expect(await peer.closed).toBe(1008);
    expect(peer.received.filter((m) => m.type === 'refused')).toHaveLength(5);
    expect(events.filter((e) => e === 'bridge_message_refused')).toHaveLength(1);
    expect(events).toContain('bridge_too_many_messages');
    // The rest of the refusals are counted in one line when the connection ends.
    await until(() => events.includes('bridge_messages_refused'), 'the count of refusals');
    const next = await open(bridge, origin);
    expect(typeof next).toBe('object');
  });
});

describe('a peer that reads nothing', () => {
  it('is dropped once its unsent views pass the bound, and the others keep theirs', async () => {
    const { terminal, shell, origin, events } = await rig({ limits: { maxBufferedBytes: 64 * 1024 } });
    const bridge = `ws://127.0.0.1:${shell.port}/bridge`;
    const stalled = await open(bridge, origin);
    const reader = await open(bridge, origin);
    if (typeof stalled === 'number' || typeof reader === 'number') throw new Error('refused');
    // This peer stops reading: what the terminal sends it piles up on the server.
    (stalled.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    let dropped = false;
    void stalled.closed.then(() => {
      dropped = true;
    });
    // Each keypad status change is a new view for every screen (and writes nothing to
    // the store); bounded, in case the peer were never dropped.
    for (let i = 0; i < 200_000 && !events.includes('bridge_peer_not_reading'); i++) {
      terminal.keypadStatus(i % 2 ? 'online' : 'offline', null);
      if (i % 100 === 0) await new Promise((r) => setImmediate(r));
    }
    expect(events).toContain('bridge_peer_not_reading');
    (stalled.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    await until(() => dropped, 'the stalled peer to be dropped');
    expect(await stalled.closed).toBe(1006);
    // The screen that reads is still served.
    const seen = reader.received.length;
    terminal.keypadStatus('none', null);
    await until(() => reader.received.length > seen, 'a view for the reading screen');
  });
});

describe('hostile upgrades', () => {
  it('answers a request target the URL parser cannot read, and a peer that resets at once', async () => {
    const { shell, origin } = await rig();
    expect(await raw(shell.port, upgradeRequest('//[', origin))).toMatch(/^HTTP\/1\.1 400/);
    for (let i = 0; i < 50; i++)
      await raw(shell.port, upgradeRequest('/bridge', 'http://evil.example'), true);
    for (let i = 0; i < 50; i++) await raw(shell.port, upgradeRequest('/bridge', origin), true);
    expect((await fetch(shell.url)).status).toBe(200);
    expect(typeof (await open(`ws://127.0.0.1:${shell.port}/bridge`, origin))).toBe('object');
  });
});
