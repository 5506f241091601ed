// Hostile GWQ traffic at a real `serve` process, as any program on the machine or (off
// loopback) on the network could send it: thousands of generated messages of every type
// with fields of every kind, broken JSON, binary and non-UTF-8 frames, floods, huge
// frames, wrong and missing origins, wrong and missing tokens, connection storms and
// hand-written upgrades. The terminal stays up and answers each message it reads as the
// contract says, and nothing opens: no prompt, no page, no record, no store change.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Run, runCli } from '../../helpers/cli.js';
import { startOnFreePorts } from '../../helpers/ports.js';
import { storeFingerprint } from '../../helpers/store-fingerprint.js';
import { openPeer, type Peer, raw, upgradeRequest } from '../serve/bridge-peers.js';

const ORIGIN = 'http://10.1.2.3:8080';
const TOKEN = 'hostile-T0ken-0e4d7a91';
const AUTH = { authorization: `Bearer ${TOKEN}` };

let run: Run;
let dir: string;
let gwqPort: number;
let api: string;
let url: string;

beforeAll(async () => {
  // One terminal for the whole file (the helpers' temp folders last one test only).
  dir = mkdtempSync(join(tmpdir(), 'hcp-gwq-hostile-'));
  // Off loopback, as a terminal behind the relay: the token is checked on every upgrade.
  const started = await startOnFreePorts(
    3,
    ([apiPort, uiPort, port]) => {
      writeFileSync(
        join(dir, 'config.json'),
        JSON.stringify({
          terminal: { id: 'HA-0009', areaCode: '350521' },
          keypad: { driver: 'none' },
          store: { path: './terminal.db' },
          api: { port: apiPort },
          ui: { port: uiPort },
          compat: {
            gwq: {
              answerLevel: true,
              host: '0.0.0.0',
              port,
              origins: [ORIGIN],
              allowFrom: ['127.0.0.1'],
              token: TOKEN,
            },
          },
        }),
      );
      return runCli(['serve', '--config', join(dir, 'config.json')]);
    },
    (r) => r.stdout().includes('GWQ evaluator protocol:'),
    'serve',
    30_000,
  );
  run = started.run;
  const [apiPort, , port] = started.ports as [number, number, number];
  gwqPort = port;
  api = `http://127.0.0.1:${apiPort}/v1`;
  url = `ws://127.0.0.1:${gwqPort}`;
  // The clerk is at the window but paused: a well-formed type 10 is answered −7 and opens nothing.
  const put = (path: string, body: unknown) =>
    fetch(`${api}${path}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  expect(
    (await put('/clerk', { id: '0107', name: '林晓', department: { code: 'D', name: '县税务局' } })).status,
  ).toBe(200);
  expect((await put('/clerk/status', { status: 'paused' })).status).toBe(200);
}, 60_000);
afterAll(async () => {
  if (run && run.child.exitCode === null) {
    run.child.kill('SIGKILL');
    await run.exit;
  }
  rmSync(dir, { recursive: true, force: true });
});

const fingerprint = () => storeFingerprint(join(dir, 'terminal.db'));

async function peer(headers: Record<string, string> = AUTH, origin = ORIGIN): Promise<Peer> {
  const p = await openPeer(url, origin, headers);
  if (typeof p === 'number') throw new Error(`refused with ${p}`);
  return p;
}

async function stillAnswering(): Promise<void> {
  expect(run.child.exitCode, run.stderr()).toBeNull();
  expect((await fetch(`${api}/health`)).status).toBe(200);
  const p = await peer();
  p.ws.send('{"type":0}');
  await expect.poll(() => p.received.length).toBe(1);
  expect(p.received[0]).toMatchObject({ type: 0, ret: 0 });
  p.ws.close();
  await p.closed;
}

// The contract's answers, written out from it here (not taken from the codec).
function teller(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  const t = v.trim();
  // biome-ignore lint/suspicious/noControlCharactersInRegex: a name has none
  return [...t].length >= 1 && [...t].length <= 20 && !/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(t);
}

function expected(text: string): { type: number | null; ret: number } {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return { type: null, ret: -1 };
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return { type: null, ret: -1 };
  const o = v as Record<string, unknown>;
  const type = Object.hasOwn(o, 'type') ? o.type : undefined;
  if (typeof type !== 'number' || !Number.isInteger(type)) return { type: null, ret: -1 };
  if (type === 0 || type === 2) return { type, ret: 0 };
  if (type === 10) return { type, ret: teller(o.TellerName) && teller(o.TellerNo) ? -7 : -1 };
  // No pageOrigins configured: no page is ever shown.
  if (type === 90) return { type, ret: -1 };
  return { type, ret: -3 };
}

const anyValue = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 25 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('林晓', '0427', 'C:\\photo.jpg', '/etc/passwd', 'https://zwfw.example.gov.cn/x', ' ', '\n'),
  fc.jsonValue({ maxDepth: 3 }),
);
const request = fc
  .record(
    {
      type: fc.oneof(
        fc.constantFrom(0, 2, 10, 10, 10, 90, 3, 4, 5, 6, 12, 24, -1, 1e21),
        fc.integer(),
        fc.double(),
        fc.string({ maxLength: 4 }),
        fc.constant(null),
      ),
      TellerName: anyValue,
      TellerNo: anyValue,
      TellerPhoto: anyValue,
      Timeout: anyValue,
      URL: anyValue,
      __proto__: anyValue,
    },
    { requiredKeys: [] },
  )
  .map((o) => JSON.stringify(o));
// Well-formed type 10s with hostile photos and timeouts: the paused clerk answers them −7.
const evaluation = fc
  .record({
    type: fc.constant(10),
    TellerName: fc.constantFrom('林晓', ' 陈明 ', '林'.repeat(20), 'A'),
    TellerNo: fc.constantFrom('0427', '1'.repeat(20), '工号'),
    TellerPhoto: anyValue,
    Timeout: anyValue,
  })
  .map((o) => JSON.stringify(o));
const message = fc.oneof(
  evaluation,
  request,
  request,
  request,
  fc.string({ maxLength: 200 }),
  fc.json({ maxDepth: 4 }),
  fc.nat(5_000).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`),
  request.map((t) => t.slice(0, Math.max(1, t.length - 3))),
);

const MESSAGES = 3_000;
const BATCH = 20; // the per-connection rate: 20 in any second

describe('the GWQ listener under hostile traffic', () => {
  it('answers each of thousands of hostile messages as the contract says, and opens nothing', {
    timeout: 600_000,
  }, async () => {
    const before = fingerprint();
    const corpus = fc.sample(message, { numRuns: MESSAGES, seed: 19191919 });
    const rets = new Map<number, number>();
    for (let start = 0; start < corpus.length; start += BATCH) {
      const batch = corpus.slice(start, start + BATCH);
      const p = await peer();
      for (const text of batch) p.ws.send(text);
      await expect
        .poll(() => p.received.length, { timeout: 30_000, message: `batch at ${start}` })
        .toBe(batch.length);
      const want = batch.map(expected);
      expect(p.received, `batch at ${start}`).toEqual(
        want.map((w, i) => (w.type === 0 && w.ret === 0 ? { ...w, version: p.received[i]?.version } : w)),
      );
      for (const w of want) rets.set(w.ret, (rets.get(w.ret) ?? 0) + 1);
      p.ws.close();
      await p.closed;
    }
    // The mix reached every answer, the engine's −7 among them.
    for (const ret of [0, -1, -3, -7]) expect(rets.get(ret) ?? 0, `ret ${ret}`).toBeGreaterThan(20);
    await stillAnswering();
    expect(fingerprint()).toEqual(before);
    expect(before.prompts + before.records).toBe(0);
  });

  it('answers binary frames −1, closes on text that is not UTF-8 (1007) and on frames over 96 KiB (1009)', {
    timeout: 120_000,
  }, async () => {
    const before = fingerprint();
    const p = await peer();
    const frames = fc.sample(fc.uint8Array({ maxLength: 300 }), { numRuns: 15, seed: 7 });
    for (const bytes of frames) p.ws.send(Buffer.from(bytes), { binary: true });
    await expect.poll(() => p.received.length).toBe(frames.length);
    expect(new Set(p.received.map((a) => JSON.stringify(a)))).toEqual(new Set(['{"type":null,"ret":-1}']));
    p.ws.send(Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0xff]), { binary: false });
    expect(await p.closed).toBe(1007);
    for (const size of [96 * 1024 + 1, 1_000_000, 10_000_000]) {
      const big = await peer();
      big.ws.send(
        JSON.stringify({ type: 10, TellerName: '林晓', TellerNo: '0427', TellerPhoto: 'A'.repeat(size) }),
      );
      // The listener closes at the frame's header (1009); a sender still writing megabytes
      // may see its socket cut first (1006). Either way nothing of it is read.
      expect([1009, 1006]).toContain(await big.closed);
      expect(big.received).toEqual([]);
    }
    await stillAnswering();
    expect(fingerprint()).toEqual(before);
  });

  it('cuts off a flood and stays responsive', { timeout: 120_000 }, async () => {
    const before = fingerprint();
    const p = await peer();
    for (let i = 0; i < 5_000; i++)
      p.ws.send(i % 2 ? '{"type":10,"TellerName":"林晓","TellerNo":"0427"}' : '{"type":0}');
    expect((await fetch(`${api}/health`)).status).toBe(200);
    expect(await p.closed).toBe(1008);
    expect(p.received.length).toBeLessThanOrEqual(20);
    await stillAnswering();
    expect(fingerprint()).toEqual(before);
  });

  it('refuses wrong and missing origins and tokens, survives hostile upgrades, and keeps 8 connections', {
    timeout: 180_000,
  }, async () => {
    const before = fingerprint();
    expect(await openPeer(url, 'http://evil.example', AUTH)).toBe(403);
    expect(await openPeer(url, 'null', AUTH)).toBe(403);
    expect(await openPeer(url, undefined as unknown as string, AUTH)).toBe(403);
    expect(await openPeer(url, ORIGIN)).toBe(401);
    expect(await openPeer(url, ORIGIN, { authorization: `Bearer ${TOKEN.slice(0, -1)}` })).toBe(401);
    expect(await openPeer(url, ORIGIN, { authorization: `Basic ${TOKEN}` })).toBe(401);
    for (let i = 0; i < 40; i++) expect(await openPeer(url, `http://evil-${i}.example`, AUTH)).toBe(403);

    const upgrade = (origin: string, extra = '') =>
      upgradeRequest('/', origin)
        .replace('\r\n\r\n', `\r\n${extra}\r\n`)
        .replace(/\r\n\r\n\r\n$/, '\r\n\r\n');
    const withToken = (origin: string) => upgrade(origin, `Authorization: Bearer ${TOKEN}\r\n`);
    expect(await raw(gwqPort, withToken(ORIGIN).replace(/Sec-WebSocket-Key.*\r\n/, ''), false)).toMatch(
      /^HTTP\/1\.1 400/,
    );
    expect(await raw(gwqPort, withToken('http://evil.example'), false)).toMatch(/^HTTP\/1\.1 403/);
    expect(await raw(gwqPort, upgrade(ORIGIN, 'Authorization: Bearer \u00e4\r\n'), false)).toMatch(
      /^HTTP\/1\.1 401/,
    );
    expect(await raw(gwqPort, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', false)).toMatch(/^HTTP\/1\.1 426/);
    expect(await raw(gwqPort, 'NOT HTTP AT ALL\r\n\r\n', false)).not.toMatch(/^HTTP\/1\.1 101/);
    for (let i = 0; i < 30; i++) {
      await raw(gwqPort, withToken(i % 2 ? ORIGIN : 'http://evil.example'), true);
      await raw(
        gwqPort,
        `GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n${'X-Pad: y\r\n'.repeat(i * 50)}`,
        true,
      );
    }

    // A storm of 40 connections: each admitted in turn, the oldest idle ones giving way.
    const storm = await Promise.all(Array.from({ length: 40 }, () => peer()));
    const closedCodes = new Map<Peer, number>();
    for (const p of storm) void p.closed.then((code) => closedCodes.set(p, code));
    await expect.poll(() => storm.length - closedCodes.size, { timeout: 20_000 }).toBe(8);
    expect(new Set(closedCodes.values())).toEqual(new Set([1001]));
    const open = storm.filter((p) => !closedCodes.has(p));
    for (const p of open) p.ws.send('{"type":0}');
    for (const p of open) await expect.poll(() => p.received.length).toBe(1);
    for (const p of open) p.ws.close();
    await Promise.all(open.map((p) => p.closed));

    await stillAnswering();
    expect(fingerprint()).toEqual(before);
    // The log named at most 20 refused origins (then a count), never the token.
    const log = readFileSync(join(dir, 'logs', 'terminal.log'), 'utf8');
    expect(log.split('\n').filter((l) => l.includes('"gwq_origin_refused"')).length).toBeLessThanOrEqual(20);
    expect(log).not.toContain(TOKEN);
  });
});
