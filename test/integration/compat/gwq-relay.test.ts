// The relay between the clerk's PC and a terminal elsewhere: real sockets on both sides
// (the terminal's listener over a fake engine), frames passed unchanged, the page's Origin
// and the relay's token deciding at the terminal, refusals passed back as refused upgrades,
// −3 while the terminal is unreachable, and reconnecting by itself.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../../src/base/logger.js';
import { startGwqListener } from '../../../src/compat/gwq/listener.js';
import { type Relay, startRelay } from '../../../src/compat/gwq/relay.js';
import type { GwqSection } from '../../../src/config/compat-schema.js';
import { freePort, runCli, waitFor } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/temp.js';
import { openPeer, type Peer } from '../serve/bridge-peers.js';
import { FakeGwqOps } from './fake-gwq-ops.js';

const ORIGIN = 'http://10.1.2.3:8080';
const TOKEN = 'relay-T0ken-7c1e93d2';
const teller = JSON.stringify({ type: 10, TellerName: '林晓', TellerNo: '0427' });

// The terminal elsewhere: off loopback (0.0.0.0), admitting the relay's address with its token.
const terminalSettings: GwqSection = {
  answerLevel: true,
  host: '0.0.0.0',
  port: 1919,
  origins: [ORIGIN],
  allowFrom: ['127.0.0.1'],
  token: TOKEN,
  levelMap: [1, 2, 3, 4, 4],
  pageOrigins: [],
};

const silent: Logger = { log() {} };
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function terminalAt(port = 0, settings: Partial<GwqSection> = {}) {
  const ops = new FakeGwqOps();
  const listener = await startGwqListener({
    settings: { ...terminalSettings, ...settings },
    ops,
    log: silent,
    version: '1.2.3',
    port,
  });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await listener.close();
  };
  cleanup.push(close);
  return { ops, listener, close };
}

async function relayTo(port: number, token = TOKEN): Promise<Relay> {
  const relay = await startRelay({
    to: `127.0.0.1:${port}`,
    token,
    port: 0,
    log: silent,
    retryMs: { first: 100, max: 400 },
  });
  cleanup.push(() => relay.close());
  return relay;
}

async function page(relay: Relay, origin = ORIGIN): Promise<Peer> {
  const p = await openPeer(`ws://127.0.0.1:${relay.port}`, origin);
  if (typeof p === 'number') throw new Error(`the relay refused the page with ${p}`);
  cleanup.push(() => p.ws.terminate());
  return p;
}

async function ask(p: Peer, text: string): Promise<unknown> {
  const before = p.received.length;
  p.ws.send(text);
  await expect.poll(() => p.received.length).toBe(before + 1);
  return p.received.at(-1);
}

describe('the GWQ relay', () => {
  it("passes frames both ways unchanged, with the page's Origin and its own token", async () => {
    const { ops, listener } = await terminalAt();
    const relay = await relayTo(listener.port);
    const p = await page(relay);
    expect(await ask(p, '{"type":0}')).toEqual({ type: 0, ret: 0, version: 'haochaping-terminal 1.2.3' });
    expect(await ask(p, '{"type":24}')).toEqual({ type: 24, ret: -3 });
    expect(await ask(p, 'not json')).toEqual({ type: null, ret: -1 });
    p.ws.send(teller);
    await expect.poll(() => ops.evaluations.length).toBe(1);
    ops.final('P-1', { status: 'rated', level: 2 });
    await expect.poll(() => p.received.length).toBe(4);
    expect(p.received[3]).toEqual({ type: 10, ret: 0, EvaluatorLevel: 4 });
    expect(relay.status()).toEqual({ pages: 1, connected: 1 });
    // One upstream connection per page.
    const q = await page(relay);
    await ask(q, '{"type":0}');
    expect(listener.connections()).toBe(2);
  });

  it("passes the terminal's refusal back as a refused upgrade", async () => {
    const { listener } = await terminalAt();
    const relay = await relayTo(listener.port);
    expect(await openPeer(`ws://127.0.0.1:${relay.port}`, 'http://evil.example')).toBe(403);
    expect(await openPeer(`ws://127.0.0.1:${relay.port}`, undefined as unknown as string)).toBe(403);
    const wrongToken = await relayTo(listener.port, `${TOKEN}-old`);
    expect(await openPeer(`ws://127.0.0.1:${wrongToken.port}`, ORIGIN)).toBe(401);
    const { listener: elsewhere } = await terminalAt(0, { allowFrom: ['10.9.9.9'] });
    const notAllowed = await relayTo(elsewhere.port);
    expect(await openPeer(`ws://127.0.0.1:${notAllowed.port}`, ORIGIN)).toBe(403);
    expect(relay.status().pages).toBe(0);
  });

  it('answers −3 to every request while the terminal is unreachable, and reconnects by itself', async () => {
    const port = await freePort();
    const relay = await relayTo(port);
    const p = await page(relay);
    expect(await ask(p, '{"type":0}')).toEqual({ type: 0, ret: -3 });
    expect(await ask(p, teller)).toEqual({ type: 10, ret: -3 });
    expect(await ask(p, '{"type":90,"URL":"https://a.example"}')).toEqual({ type: 90, ret: -3 });
    expect(await ask(p, '{oops')).toEqual({ type: null, ret: -3 });
    const { ops } = await terminalAt(port);
    await expect.poll(() => relay.status().connected, { timeout: 5_000 }).toBe(1);
    expect(await ask(p, '{"type":0}')).toEqual({ type: 0, ret: 0, version: 'haochaping-terminal 1.2.3' });
    p.ws.send(teller);
    await expect.poll(() => ops.evaluations.length).toBe(1);
  });

  it('answers −3 to a pending type 10 when the terminal goes away, and comes back with it', async () => {
    const first = await terminalAt();
    const port = first.listener.port;
    const relay = await relayTo(port);
    const p = await page(relay);
    p.ws.send(teller);
    await expect.poll(() => first.ops.evaluations.length).toBe(1);
    await first.close();
    await expect.poll(() => p.received.length).toBe(1);
    expect(p.received[0]).toEqual({ type: 10, ret: -3 });
    expect(await ask(p, '{"type":0}')).toEqual({ type: 0, ret: -3 });
    await terminalAt(port);
    await expect.poll(() => relay.status().connected, { timeout: 5_000 }).toBe(1);
    expect(await ask(p, '{"type":0}')).toMatchObject({ type: 0, ret: 0 });
  });

  it('closes the page as the terminal closed it: a flood is cut off at both ends', async () => {
    const { listener } = await terminalAt();
    const relay = await relayTo(listener.port);
    const p = await page(relay);
    for (let i = 0; i < 40; i++) p.ws.send('{"type":0}');
    expect(await p.closed).toBe(1008);
    await expect.poll(() => relay.status().pages).toBe(0);
    await expect.poll(() => listener.connections()).toBe(0);
  });

  it('listens on 127.0.0.1 only', async () => {
    const { listener } = await terminalAt();
    const relay = await relayTo(listener.port);
    const hexPort = relay.port.toString(16).toUpperCase().padStart(4, '0');
    const listening = ['/proc/net/tcp', '/proc/net/tcp6']
      .flatMap((f) => readFileSync(f, 'utf8').split('\n').slice(1))
      .map((l) => l.trim().split(/\s+/))
      .filter((c) => c[3] === '0A' && c[1]?.endsWith(`:${hexPort}`))
      .map((c) => c[1]);
    expect(listening).toEqual([`0100007F:${hexPort}`]);
  });
});

describe('haochaping-terminal gwq-relay', () => {
  it('says what is wrong with its arguments', async () => {
    const dir = tempDir();
    const cases: [string[], string][] = [
      [[], '--to HOST:PORT is required'],
      [['--to', '10.1.2.50'], '--to needs HOST:PORT'],
      [['--to', '10.1.2.50:1919'], '--token-file FILE is required'],
      [['--to', '10.1.2.50:1919', '--token-file', join(dir, 'missing')], 'cannot read the token file'],
      [['--to', '10.1.2.50:1919', '--token-file', join(dir, 'missing'), '--port', 'x'], '--port needs'],
    ];
    for (const [args, says] of cases) {
      const run = runCli(['gwq-relay', ...args]);
      expect(await run.exit).toBe(2);
      expect(run.stderr()).toContain(says);
      expect(run.stderr()).not.toMatch(/\n\s+at /);
    }
  });

  it('loads no native module: a clerk PC needs nothing but Node', async () => {
    const entry = new URL('../../../dist/src/commands/gwq-relay.js', import.meta.url).href;
    const probe = (url: string) =>
      execFileSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `await import(${JSON.stringify(url)}); console.log(JSON.stringify(process.report.getReport().sharedObjects.filter((s) => s.endsWith('.node'))))`,
        ],
        { encoding: 'utf8' },
      );
    expect(JSON.parse(probe(entry))).toEqual([]);
    // The probe sees them where they are loaded: the terminal's own entry loads the serial port's.
    expect(
      JSON.parse(probe(new URL('../../../dist/src/cli.js', import.meta.url).href)).length,
    ).toBeGreaterThan(0);
  });

  it('names the program holding its port', { timeout: 30_000 }, async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'token'), `${TOKEN}\n`, { mode: 0o600 });
    const holder: Server = createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', () => r()));
    cleanup.push(() => new Promise<void>((r) => holder.close(() => r())));
    const port = (holder.address() as { port: number }).port;
    const run = runCli([
      'gwq-relay',
      '--to',
      '127.0.0.1:1919',
      '--token-file',
      join(dir, 'token'),
      '--port',
      String(port),
    ]);
    expect(await run.exit).toBe(1);
    expect(run.stderr()).toContain(
      `Port ${port} on 127.0.0.1 is already in use (held by node, pid ${process.pid})`,
    );
  });

  it('runs as a command: pages rate through it, and it stops on SIGTERM', { timeout: 30_000 }, async () => {
    const { ops, listener } = await terminalAt();
    const dir = tempDir();
    writeFileSync(join(dir, 'token'), `${TOKEN}\n`, { mode: 0o644 });
    const run = runCli([
      'gwq-relay',
      '--to',
      `127.0.0.1:${listener.port}`,
      '--token-file',
      join(dir, 'token'),
      '--port',
      '0',
    ]);
    cleanup.push(() => {
      if (run.child.exitCode === null) run.child.kill('SIGKILL');
    });
    await waitFor(
      () => /pages at ws:\/\/127\.0\.0\.1:\d+/.test(run.stdout()) || run.child.exitCode !== null,
      'the relay to start',
      15_000,
    );
    expect(run.stderr()).toContain('can be read by other users');
    const port = Number(/pages at ws:\/\/127\.0\.0\.1:(\d+)/.exec(run.stdout())?.[1]);
    const p = await openPeer(`ws://127.0.0.1:${port}`, ORIGIN);
    if (typeof p === 'number') throw new Error(`refused with ${p}`);
    p.ws.send(teller);
    await expect.poll(() => ops.evaluations.length).toBe(1);
    ops.final('P-1', { status: 'rated', level: 5 });
    await expect.poll(() => p.received.length).toBe(1);
    expect(p.received[0]).toEqual({ type: 10, ret: 0, EvaluatorLevel: 1 });
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
    expect(await p.closed).toBe(1006);
    expect(run.stderr()).not.toContain(TOKEN);
  });
});
