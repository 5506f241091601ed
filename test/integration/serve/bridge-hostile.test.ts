// Throws thousands of hostile messages at the screens' bridge of a real `serve` process,
// as any program on the machine could (it only has to send the page's Origin): every
// message type with wrong field types, unknown types, broken and deeply nested JSON,
// non-ASCII and huge text, binary frames, a flood, many connections and hostile
// upgrade requests. The terminal stays up and keeps answering, answers each message it
// reads, its store is unchanged, and no rating appears that no prompt asked for.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BRIDGE_LIMITS } from '../../../src/shells/serve/bridge-socket.js';
import { type Run, runCli } from '../../helpers/cli.js';
import { startOnFreePorts } from '../../helpers/ports.js';
import { openPeer, type Peer, raw, upgradeRequest } from './bridge-peers.js';
import { expectedAnswer, message } from './hostile-messages.js';

let run: Run;
let dir: string;
let uiPort: number;
let api: string;
let origin: string;
let bridge: string;

beforeAll(async () => {
  // One terminal for the whole file (the helpers' temp folders last one test only).
  dir = mkdtempSync(join(tmpdir(), 'hcp-bridge-'));
  const started = await startOnFreePorts(
    2,
    ([apiPort, ui]) => {
      writeFileSync(
        join(dir, 'config.yaml'),
        [
          'terminal:\n  id: HA-0009\n  areaCode: "350521"',
          'keypad:\n  driver: hid',
          'store:\n  path: ./terminal.db',
          `api:\n  port: ${apiPort}`,
          `ui:\n  port: ${ui}`,
          'diagnostics:\n  pin: "2468"',
          '',
        ].join('\n'),
      );
      return runCli(['serve', '--config', join(dir, 'config.yaml')]);
    },
    (r) => r.stdout().includes('Local API:'),
    'the terminal to start',
    30_000,
  );
  run = started.run;
  const [apiPort, ui] = started.ports as [number, number];
  uiPort = ui;
  api = `http://127.0.0.1:${apiPort}/v1`;
  origin = `http://127.0.0.1:${uiPort}`;
  bridge = `ws://127.0.0.1:${uiPort}/bridge`;
  // A clerk at the window: the screen a citizen would find, with no prompt open.
  const signIn = await fetch(`${api}/clerk`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      id: '0107',
      name: '林晓',
      department: { code: 'D-TAX', name: '县税务局' },
      stars: 5,
    }),
  });
  expect(signIn.status).toBe(200);
});
afterAll(async () => {
  if (run && run.child.exitCode === null) {
    run.child.kill('SIGKILL');
    await run.exit;
  }
  rmSync(dir, { recursive: true, force: true });
});

/** Every table's rows, hashed; the store's own health probe (a timestamp) aside. */
function fingerprint(): string {
  const db = new Database(join(dir, 'terminal.db'), { readonly: true });
  try {
    const hash = createHash('sha256');
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
      name: string;
    }[];
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['prompts', 'records', 'settings']));
    for (const { name } of tables) {
      const rows = db.prepare(`SELECT * FROM "${name}"`).all() as Record<string, unknown>[];
      const kept = name === 'settings' ? rows.filter((row) => row.key !== 'probe') : rows;
      // Some tables have no rowid: the rows' text, sorted, is their order.
      const lines = kept.map((row) =>
        JSON.stringify(row, (_k, v) => (Buffer.isBuffer(v) ? v.toString('hex') : v)),
      );
      hash.update(`${name}\n${lines.sort().join('\n')}\n`);
    }
    return hash.digest('hex');
  } finally {
    db.close();
  }
}

function ratingsStored(): number {
  const db = new Database(join(dir, 'terminal.db'), { readonly: true });
  try {
    const { n } = db
      .prepare('SELECT (SELECT count(*) FROM records) + (SELECT count(*) FROM prompts) AS n')
      .get() as {
      n: number;
    };
    return n;
  } finally {
    db.close();
  }
}

function open(): Promise<Peer | number> {
  return openPeer(bridge, origin);
}

async function peer(): Promise<Peer> {
  const p = await open();
  if (typeof p === 'number') throw new Error(`the bridge refused a connection with ${p}`);
  return p;
}

const answers = (p: Peer) =>
  p.received.filter(
    (m) =>
      m.type !== 'view' && m.type !== 'sound' && m.type !== 'hid_keys' && m.type !== 'diagnostics_enabled',
  );

async function stillAnswering(): Promise<void> {
  expect(run.child.exitCode, run.stderr()).toBeNull();
  expect((await fetch(`${api}/health`)).status).toBe(200);
  const p = await peer();
  await expect.poll(() => p.received.some((m) => m.type === 'view')).toBe(true);
  p.ws.send(JSON.stringify({ type: 'diagnostics_open', pin: '0000' }));
  await expect.poll(() => answers(p).length).toBe(1);
  expect(answers(p)[0].type).toBe('diagnostics_refused');
  p.ws.close();
  await p.closed;
}

const BATCH = 150; // below the bridge's burst, so no batch is cut off as a flood
const MESSAGES = 9_000;

describe("the screens' bridge under hostile messages", () => {
  it('answers the PIN that once crashed the terminal', { timeout: 60_000 }, async () => {
    const p = await peer();
    p.ws.send('{"type":"diagnostics_open","pin":"中"}');
    await expect.poll(() => answers(p).length).toBe(1);
    expect(answers(p)[0]).toEqual({ type: 'diagnostics_refused', reason: 'wrong_pin', retryInSeconds: 0 });
    p.ws.close();
    await p.closed;
    await stillAnswering();
  });

  it('answers each of thousands of hostile messages and changes nothing', { timeout: 600_000 }, async () => {
    const before = fingerprint();
    const corpus = fc.sample(message, { numRuns: MESSAGES, seed: 20261129 });
    expect(corpus.length).toBe(MESSAGES);
    expect(DEFAULT_BRIDGE_LIMITS.burst).toBeGreaterThan(BATCH);
    const kinds = new Map<string, number>();
    for (let start = 0; start < corpus.length; start += BATCH) {
      const batch = corpus.slice(start, start + BATCH);
      const expected = batch.map(expectedAnswer).filter((a) => a !== null);
      for (const a of expected) kinds.set(a, (kinds.get(a) ?? 0) + 1);
      const p = await peer();
      for (const text of batch) p.ws.send(text);
      await expect
        .poll(() => answers(p).length, { timeout: 60_000, message: `batch at ${start}` })
        .toBe(expected.length);
      expect(answers(p).map((a) => a.type)).toEqual(expected);
      p.ws.close();
      expect(await p.closed).toBe(1005);
    }
    // The mix reached both the refusals and the engine.
    expect(kinds.get('refused') ?? 0).toBeGreaterThan(MESSAGES / 2);
    expect(kinds.get('diagnostics_refused') ?? 0).toBeGreaterThan(50);
    expect(corpus.filter((t) => expectedAnswer(t) === null).length).toBeGreaterThan(100);
    await stillAnswering();
    expect(fingerprint()).toBe(before);
    expect(ratingsStored()).toBe(0);
  });

  it('refuses binary frames, text that is not UTF-8, and oversize messages', {
    timeout: 120_000,
  }, async () => {
    const before = fingerprint();
    const p = await peer();
    const frames = fc.sample(fc.uint8Array({ maxLength: 300 }), { numRuns: 100, seed: 7 });
    for (const bytes of frames) p.ws.send(Buffer.from(bytes), { binary: true });
    await expect.poll(() => answers(p).length).toBe(frames.length);
    expect(new Set(answers(p).map((a) => JSON.stringify(a)))).toEqual(
      new Set([JSON.stringify({ type: 'refused', reason: 'invalid' })]),
    );
    // A text frame of bytes that are no UTF-8 ends the connection (1007), nothing more.
    p.ws.send(Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0xff]), { binary: false });
    expect(await p.closed).toBe(1007);
    for (const size of [4_097, 20_000, 1_000_000]) {
      const big = await peer();
      big.ws.send(JSON.stringify({ type: 'hid_key', code: 'x'.repeat(size) }));
      expect(await big.closed).toBe(1009);
    }
    const huge = await peer();
    huge.ws.send(`{"type":"diagnostics_open","pin":"${'中'.repeat(1300)}"}`); // 3.9 KB of UTF-8 over the 32 limit
    await expect.poll(() => answers(huge).length).toBe(1);
    expect(answers(huge)[0]).toEqual({ type: 'refused', reason: 'invalid' });
    huge.ws.close();
    await stillAnswering();
    expect(fingerprint()).toBe(before);
  });

  it('cuts off a flood of thousands of messages a second and stays responsive', {
    timeout: 120_000,
  }, async () => {
    const before = fingerprint();
    const p = await peer();
    const flood = '{"type":"intent","intent":{"type":"rate","level":5}}';
    for (let i = 0; i < 5_000; i++) p.ws.send(i % 2 ? flood : '{"type":"nope"}');
    // While the flood is being read, the API still answers.
    expect((await fetch(`${api}/health`)).status).toBe(200);
    expect(await p.closed).toBe(1008);
    expect(answers(p).length).toBeLessThan(5_000 / 2);
    await stillAnswering();
    expect(fingerprint()).toBe(before);
    expect(ratingsStored()).toBe(0);
  });

  it('refuses connections past its cap, survives hostile upgrades, and takes the screen again', {
    timeout: 120_000,
  }, async () => {
    const cap = DEFAULT_BRIDGE_LIMITS.maxConnections;
    // A connection the client saw close may still count on the server for a moment:
    // try again until a round starts from none open.
    let opened: (Peer | number)[] = [];
    let peers: Peer[] = [];
    for (let round = 0; round < 20; round++) {
      opened = await Promise.all(Array.from({ length: 40 }, () => open()));
      peers = opened.filter((o): o is Peer => typeof o !== 'number');
      if (peers.length === cap) break;
      for (const p of peers) p.ws.close();
      await Promise.all(peers.map((p) => p.closed));
    }
    expect(peers.length).toBe(cap);
    expect(opened.filter((o) => o === 503).length).toBe(40 - cap);
    // Each connection still gets its own answers.
    for (const p of peers) p.ws.send('{"type":"hid_key","code":5}');
    for (const p of peers) await expect.poll(() => answers(p).length).toBe(1);
    for (const p of peers) p.ws.close();
    await Promise.all(peers.map((p) => p.closed));

    const rawRequest = (text: string, reset: boolean) => raw(uiPort, text, reset);
    expect(await rawRequest(upgradeRequest('//[', origin), false)).toMatch(/^HTTP\/1\.1 400/);
    expect(await rawRequest(upgradeRequest('/bridge', 'http://evil.example'), false)).toMatch(
      /^HTTP\/1\.1 403/,
    );
    expect(
      await rawRequest(upgradeRequest('/bridge', origin).replace(/Sec-WebSocket-Key.*\r\n/, ''), false),
    ).toMatch(/^HTTP\/1\.1 400/);
    for (let i = 0; i < 30; i++) {
      await rawRequest(upgradeRequest('/bridge', i % 2 ? origin : 'http://evil.example'), true);
      await rawRequest(upgradeRequest('//[', origin), true);
    }
    await stillAnswering();
  });
});
