// The GWQ listener on a real socket against a fake engine: every message of the
// contract, its answers and error codes, the origin / address / token checks, and the
// connection, frame-size and rate bounds.
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../../src/base/logger.js';
import { DEFAULT_GWQ_LIMITS, type GwqListener, startGwqListener } from '../../../src/compat/gwq/listener.js';
import type { GwqSection } from '../../../src/config/compat-schema.js';
import { openPeer, type Peer } from '../serve/bridge-peers.js';
import { FakeGwqOps } from './fake-gwq-ops.js';

const ORIGIN = 'http://10.1.2.3:8080';
const TOKEN = 'relay-T0ken-7c1e93d2';

const base: GwqSection = {
  answerLevel: true,
  host: '127.0.0.1',
  port: 1919,
  origins: [ORIGIN, 'null'],
  allowFrom: [],
  token: null,
  levelMap: [1, 2, 3, 4, 4],
  pageOrigins: ['https://zwfw.example.gov.cn'],
};

interface Logged {
  level: string;
  event: string;
  fields: Record<string, unknown> | undefined;
}

const running: GwqListener[] = [];
const peers: Peer[] = [];
afterEach(async () => {
  for (const p of peers.splice(0)) p.ws.terminate();
  for (const l of running.splice(0)) await l.close();
});

async function listen(settings: Partial<GwqSection> = {}, limits = {}) {
  const ops = new FakeGwqOps();
  const logged: Logged[] = [];
  const log: Logger = { log: (level, event, fields) => logged.push({ level, event, fields }) };
  const listener = await startGwqListener({
    settings: { ...base, ...settings },
    ops,
    log,
    version: '9.8.7',
    port: 0,
    limits,
  });
  running.push(listener);
  const url = `ws://127.0.0.1:${listener.port}`;
  return { ops, logged, listener, url };
}

async function connect(url: string, origin = ORIGIN, headers: Record<string, string> = {}): Promise<Peer> {
  const p = await openPeer(url, origin, headers);
  if (typeof p === 'number') throw new Error(`the listener refused the connection with ${p}`);
  peers.push(p);
  return p;
}

/** Sends each text and waits for `n` answers in all. */
async function ask(p: Peer, texts: string[], n = texts.length): Promise<unknown[]> {
  const before = p.received.length;
  for (const t of texts) p.ws.send(t);
  await expect.poll(() => p.received.length - before).toBe(n);
  return p.received.slice(before);
}

const teller = { type: 10, TellerName: '林晓', TellerNo: '0427' };

describe('the GWQ listener', () => {
  it('answers type 0 with its version at once', async () => {
    const { url } = await listen();
    const p = await connect(url);
    expect(await ask(p, ['{"type":0}'])).toEqual([{ type: 0, ret: 0, version: 'haochaping-terminal 9.8.7' }]);
  });

  it('answers −1 with type null to a frame that is not a JSON object with an integer type', async () => {
    const { url, ops } = await listen();
    const p = await connect(url);
    const bad = [
      'nope',
      '',
      '[]',
      '"x"',
      '12',
      'null',
      '{}',
      '{"type":"10"}',
      '{"type":1.5}',
      '{"type":null}',
    ];
    const answers = await ask(p, bad);
    expect(answers).toEqual(bad.map(() => ({ type: null, ret: -1 })));
    p.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    await expect.poll(() => p.received.length).toBe(bad.length + 1);
    expect(p.received.at(-1)).toEqual({ type: null, ret: -1 });
    expect(ops.evaluations).toEqual([]);
  });

  it('answers −3 at once to the devices this terminal has not', async () => {
    const { url, ops } = await listen();
    const p = await connect(url);
    const types = [3, 4, 5, 6, 7, 8, 12, 24, 1, 11, 89, 91, -1, 999_999];
    const answers = await ask(
      p,
      types.map((type) => JSON.stringify({ type, TellerName: '林晓' })),
    );
    expect(answers).toEqual(types.map((type) => ({ type, ret: -3 })));
    expect(ops.evaluations).toEqual([]);
  });

  it('opens a prompt for a type 10 and answers the level the citizen gave, through levelMap', async () => {
    const { url, ops } = await listen();
    const p = await connect(url);
    const cases: [1 | 2 | 3 | 4 | 5, number][] = [
      [5, 1],
      [4, 2],
      [3, 3],
      [2, 4],
      [1, 4],
    ];
    for (const [level, evaluatorLevel] of cases) {
      const before = p.received.length;
      p.ws.send(JSON.stringify({ ...teller, Timeout: 60 }));
      await expect.poll(() => ops.evaluations.length).toBe(cases.findIndex((c) => c[0] === level) + 1);
      const id = `P-${ops.evaluations.length}`;
      // Time for a wrong early answer to arrive, had there been one.
      await new Promise((r) => setTimeout(r, 30));
      expect(p.received.length).toBe(before);
      ops.final(id, { status: 'rated', level });
      await expect.poll(() => p.received.length).toBe(before + 1);
      expect(p.received.at(-1)).toEqual({ type: 10, ret: 0, EvaluatorLevel: evaluatorLevel });
    }
    expect(ops.evaluations[0]).toEqual({
      tellerName: '林晓',
      tellerNo: '0427',
      photo: null,
      timeoutSeconds: 60,
    });
  });

  it('answers nothing before the prompt is final, then −2 on expiry and −9 on 不评价 or a cancel', async () => {
    const { url, ops } = await listen();
    const p = await connect(url);
    for (const [status, ret] of [
      ['expired', -2],
      ['declined', -9],
      ['cancelled', -9],
    ] as const) {
      const before = p.received.length;
      const n = ops.evaluations.length + 1;
      p.ws.send(JSON.stringify(teller));
      await expect.poll(() => ops.evaluations.length).toBe(n);
      const id = `P-${n}`;
      // Time for a wrong early answer to arrive, had there been one.
      await new Promise((r) => setTimeout(r, 50));
      expect(p.received.length).toBe(before);
      ops.final(id, { status });
      await expect.poll(() => p.received.length).toBe(before + 1);
      expect(p.received.at(-1)).toEqual({ type: 10, ret });
    }
  });

  it('answers EvaluatorLevel 0 with answerLevel false, and follows a reload', async () => {
    const { url, ops, listener } = await listen({ answerLevel: false });
    const p = await connect(url);
    await ask(p, [JSON.stringify(teller)], 0);
    await expect.poll(() => ops.evaluations.length).toBe(1);
    ops.final('P-1', { status: 'rated', level: 1 });
    await expect.poll(() => p.received.length).toBe(1);
    expect(p.received[0]).toEqual({ type: 10, ret: 0, EvaluatorLevel: 0 });
    listener.reload({ ...base, answerLevel: true, levelMap: [1, 1, 2, 4, 4] });
    p.ws.send(JSON.stringify(teller));
    await expect.poll(() => ops.evaluations.length).toBe(2);
    ops.final('P-2', { status: 'rated', level: 4 });
    await expect.poll(() => p.received.length).toBe(2);
    expect(p.received[1]).toEqual({ type: 10, ret: 0, EvaluatorLevel: 1 });
  });

  it("refuses a second type 10 on a connection with one pending (−7), and passes the engine's −7 and −3 on", async () => {
    const { url, ops } = await listen();
    const p = await connect(url);
    p.ws.send(JSON.stringify(teller));
    await expect.poll(() => ops.evaluations.length).toBe(1);
    expect(await ask(p, [JSON.stringify(teller)])).toEqual([{ type: 10, ret: -7 }]);
    expect(ops.evaluations).toHaveLength(1);
    // Another connection is refused by the engine itself: a prompt is open.
    const q = await connect(url);
    ops.refuseWith = { ok: false, ret: -7, why: 'a prompt is open' };
    expect(await ask(q, [JSON.stringify(teller)])).toEqual([{ type: 10, ret: -7 }]);
    ops.refuseWith = { ok: false, ret: -3, why: 'training terminal' };
    expect(await ask(q, [JSON.stringify(teller)])).toEqual([{ type: 10, ret: -3 }]);
    // The answer of the first goes to the first connection only.
    ops.final('P-1', { status: 'rated', level: 5 });
    await expect.poll(() => p.received.length).toBe(2);
    expect(p.received[1]).toEqual({ type: 10, ret: 0, EvaluatorLevel: 1 });
    expect(q.received).toHaveLength(2);
  });

  it('answers −7 when the engine fails, and goes on answering', async () => {
    const { url, ops, logged } = await listen();
    const p = await connect(url);
    ops.fault = new Error('disk I/O error');
    expect(await ask(p, [JSON.stringify(teller)])).toEqual([{ type: 10, ret: -7 }]);
    expect(await ask(p, ['{"type":90,"URL":"https://zwfw.example.gov.cn/a"}'])).toEqual([
      { type: 90, ret: -7 },
    ]);
    ops.fault = null;
    expect(await ask(p, ['{"type":0}'])).toHaveLength(1);
    // No pending evaluation was left behind by the failed one.
    p.ws.send(JSON.stringify(teller));
    await expect.poll(() => ops.evaluations.length).toBe(2);
    expect(logged.filter((l) => l.event === 'gwq_engine_failed')).toHaveLength(2);
  });

  it.each([
    [{ TellerNo: '0427' }],
    [{ TellerName: '林晓' }],
    [{ TellerName: '', TellerNo: '0427' }],
    [{ TellerName: '   ', TellerNo: '0427' }],
    [{ TellerName: '林'.repeat(21), TellerNo: '0427' }],
    [{ TellerName: '林晓', TellerNo: '1'.repeat(21) }],
    [{ TellerName: '林晓', TellerNo: 427 }],
    [{ TellerName: '林\n晓', TellerNo: '0427' }],
  ])('answers −1 to a type 10 without a proper teller: %j', async (fields) => {
    const { url, ops } = await listen();
    const p = await connect(url);
    expect(await ask(p, [JSON.stringify({ type: 10, ...fields })])).toEqual([{ type: 10, ret: -1 }]);
    expect(ops.evaluations).toEqual([]);
  });

  it('takes 20 characters of teller, and Timeout only from 5 to 600 seconds', async () => {
    const { url, ops } = await listen();
    const timeouts: [unknown, number | null][] = [
      [5, 5],
      [600, 600],
      ['90', 90],
      [4, null],
      [601, null],
      [30.5, null],
      ['soon', null],
      [null, null],
    ];
    for (const [i, [given, taken]] of timeouts.entries()) {
      const p = await connect(url);
      p.ws.send(
        JSON.stringify({ type: 10, TellerName: '林'.repeat(20), TellerNo: '1'.repeat(20), Timeout: given }),
      );
      await expect.poll(() => ops.evaluations.length).toBe(i + 1);
      expect(ops.evaluations.at(-1)?.timeoutSeconds).toBe(taken);
    }
  });

  it('never takes a file path for a photo, and says so in the log once', async () => {
    const { url, ops, logged } = await listen();
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]).toString('base64');
    const photos: [unknown, string | null][] = [
      ['C:\\Users\\teller\\photo.jpg', null],
      ['/etc/passwd', null],
      ['\\\\server\\share\\a.png', null],
      ['file:///C:/a.jpg', null],
      ['photo.jpg', null],
      [jpeg, `data:image/jpeg;base64,${jpeg}`],
      [`data:image/jpeg;base64,${jpeg}`, `data:image/jpeg;base64,${jpeg}`],
      ['not base64 at all!', null],
      [12, null],
    ];
    for (const [i, [given, taken]] of photos.entries()) {
      const p = await connect(url);
      p.ws.send(JSON.stringify({ ...teller, TellerPhoto: given }));
      await expect.poll(() => ops.evaluations.length).toBe(i + 1);
      expect(ops.evaluations.at(-1)?.photo).toBe(taken);
      ops.final(`P-${i + 1}`, { status: 'expired' });
    }
    const lines = logged.filter((l) => l.event === 'gwq_photo_ignored');
    expect(lines).toHaveLength(1);
    expect(String(lines[0]?.fields?.why)).toContain('file path');
    expect(JSON.stringify(logged)).not.toContain('passwd');
  });

  it('ends the pending prompt on type 2, answering type 2 first', async () => {
    const { url, ops } = await listen();
    const p = await connect(url);
    expect(await ask(p, ['{"type":2}'])).toEqual([{ type: 2, ret: 0 }]);
    expect(ops.ended).toEqual([]);
    p.ws.send(JSON.stringify(teller));
    await expect.poll(() => ops.evaluations.length).toBe(1);
    expect(await ask(p, ['{"type":2}'])).toEqual([{ type: 2, ret: 0 }]);
    expect(ops.ended).toEqual(['P-1']);
    ops.final('P-1', { status: 'cancelled' });
    await expect.poll(() => p.received.length).toBe(3);
    expect(p.received[2]).toEqual({ type: 10, ret: -9 });
    // Once answered, a type 2 ends nothing more.
    await ask(p, ['{"type":2}']);
    expect(ops.ended).toEqual(['P-1']);
  });

  it('shows a page of pageOrigins as a QR code on type 90, and −1 for any other', async () => {
    const { url, ops, logged, listener } = await listen();
    const p = await connect(url);
    const page = 'https://zwfw.example.gov.cn/hcp/rate?token=SECRET-TOKEN-1';
    const refused = [
      '{"type":90}',
      '{"type":90,"URL":5}',
      '{"type":90,"URL":"ftp://zwfw.example.gov.cn/a"}',
      '{"type":90,"URL":"javascript:alert(1)"}',
      '{"type":90,"URL":"https://evil.example/hcp"}',
      '{"type":90,"URL":"http://zwfw.example.gov.cn/hcp"}',
      JSON.stringify({ type: 90, URL: `https://zwfw.example.gov.cn/${'a'.repeat(480)}` }),
    ];
    expect(await ask(p, refused)).toEqual(refused.map(() => ({ type: 90, ret: -1 })));
    expect(await ask(p, [JSON.stringify({ type: 90, URL: page })])).toEqual([{ type: 90, ret: 0 }]);
    expect(ops.pages).toEqual([page]);
    await ask(p, ['{"type":2}']);
    expect(ops.closedPages).toEqual(['PAGE-1']);
    ops.pageRefusal = { ok: false, ret: -7, why: 'a prompt is open' };
    expect(await ask(p, [JSON.stringify({ type: 90, URL: page })])).toEqual([{ type: 90, ret: -7 }]);
    // pageOrigins reloads.
    ops.pageRefusal = null;
    listener.reload({ ...base, pageOrigins: ['https://evil.example'] });
    expect(await ask(p, ['{"type":90,"URL":"https://evil.example/hcp"}'])).toEqual([{ type: 90, ret: 0 }]);
    expect(JSON.stringify(logged)).not.toContain('SECRET-TOKEN');
    expect(JSON.stringify(logged)).not.toContain('zwfw.example.gov.cn/hcp');
  });

  it('refuses a missing or foreign Origin with 403, names each once, and follows a reload', async () => {
    const { url, logged, listener } = await listen();
    expect(await openPeer(url, 'http://evil.example')).toBe(403);
    expect(await openPeer(url, 'http://evil.example')).toBe(403);
    expect(await openPeer(url, 'http://10.1.2.3:8081')).toBe(403);
    // ws sends no Origin when none is given.
    expect(await openPeer(url, undefined as unknown as string)).toBe(403);
    const refused = logged.filter((l) => l.event === 'gwq_origin_refused').map((l) => l.fields?.origin);
    expect(refused).toEqual(['http://evil.example', 'http://10.1.2.3:8081', '(none)']);
    // A page opened from a file.
    await connect(url, 'null');
    listener.reload({ ...base, origins: ['http://evil.example'] });
    await connect(url, 'http://evil.example');
    expect(await openPeer(url, ORIGIN)).toBe(403);
  });

  it('names at most 20 refused origins an hour, then counts them', async () => {
    let t = 0;
    const ops = new FakeGwqOps();
    const logged: Logged[] = [];
    const listener = await startGwqListener({
      settings: base,
      ops,
      log: { log: (level, event, fields) => logged.push({ level, event, fields }) },
      version: '1',
      port: 0,
      now: () => t,
    });
    running.push(listener);
    const url = `ws://127.0.0.1:${listener.port}`;
    for (let i = 0; i < 30; i++) expect(await openPeer(url, `http://evil-${i}.example`)).toBe(403);
    expect(logged.filter((l) => l.event === 'gwq_origin_refused')).toHaveLength(20);
    t += 3_600_000;
    expect(await openPeer(url, 'http://evil-31.example')).toBe(403);
    expect(logged.filter((l) => l.event === 'gwq_refusals_not_named').map((l) => l.fields)).toEqual([
      { count: 10 },
    ]);
    expect(logged.filter((l) => l.event === 'gwq_origin_refused')).toHaveLength(21);
  });

  it('off loopback admits only allowFrom addresses carrying the token', async () => {
    const { url: any } = await listen({ host: '0.0.0.0', allowFrom: ['10.9.9.9'], token: TOKEN });
    const url = any.replace('0.0.0.0', '127.0.0.1');
    const auth = { authorization: `Bearer ${TOKEN}` };
    expect(await openPeer(url, ORIGIN, auth)).toBe(403);
    const { url: any2, logged } = await listen({
      host: '0.0.0.0',
      allowFrom: ['127.0.0.1'],
      token: TOKEN,
      origins: [ORIGIN],
    });
    const url2 = any2.replace('0.0.0.0', '127.0.0.1');
    expect(await openPeer(url2, ORIGIN)).toBe(401);
    expect(await openPeer(url2, ORIGIN, { authorization: `Bearer ${TOKEN}x` })).toBe(401);
    expect(await openPeer(url2, ORIGIN, { authorization: TOKEN })).toBe(401);
    expect(await openPeer(url2, 'http://evil.example', auth)).toBe(403);
    const p = await connect(url2, ORIGIN, auth);
    expect(await ask(p, ['{"type":0}'])).toHaveLength(1);
    expect(JSON.stringify(logged)).not.toContain(TOKEN);
  });

  it('keeps 8 connections: a ninth replaces the oldest with nothing pending', async () => {
    const { url, ops, listener } = await listen();
    const first = await connect(url);
    first.ws.send(JSON.stringify(teller));
    await expect.poll(() => ops.evaluations.length).toBe(1);
    const others: Peer[] = [];
    for (let i = 0; i < 7; i++) others.push(await connect(url));
    expect(listener.connections()).toBe(8);
    const ninth = await connect(url);
    // The oldest idle one went, not the one whose citizen is rating.
    expect(await others[0]?.closed).toBe(1001);
    expect(listener.connections()).toBe(8);
    expect(await ask(ninth, ['{"type":0}'])).toHaveLength(1);
    ops.final('P-1', { status: 'rated', level: 5 });
    await expect.poll(() => first.received.length).toBe(1);
    expect(first.received[0]).toEqual({ type: 10, ret: 0, EvaluatorLevel: 1 });
  });

  it('closes a connection sending more than 20 frames a second (1008)', async () => {
    const { url } = await listen();
    const p = await connect(url);
    expect(
      await ask(
        p,
        Array.from({ length: 20 }, () => '{"type":0}'),
      ),
    ).toHaveLength(20);
    p.ws.send('{"type":0}');
    expect(await p.closed).toBe(1008);
    expect(p.received).toHaveLength(20);
    // 20 a second, spread out, is fine.
    const q = await connect(url);
    for (let i = 0; i < 3; i++) {
      await ask(
        q,
        Array.from({ length: 15 }, () => '{"type":0}'),
      );
      await new Promise((r) => setTimeout(r, 1050));
    }
    expect(q.received).toHaveLength(45);
  });

  it('takes a frame of 96 KiB and closes the connection on a larger one (1009)', async () => {
    const { url, ops } = await listen();
    const p = await connect(url);
    const photo = `/9j/${'A'.repeat(DEFAULT_GWQ_LIMITS.maxMessageBytes - 200)}`;
    const frame = JSON.stringify({ ...teller, TellerPhoto: photo });
    expect(Buffer.byteLength(frame)).toBeLessThanOrEqual(DEFAULT_GWQ_LIMITS.maxMessageBytes);
    p.ws.send(frame);
    await expect.poll(() => ops.evaluations.length).toBe(1);
    const q = await connect(url);
    q.ws.send(JSON.stringify({ type: 0, pad: 'x'.repeat(DEFAULT_GWQ_LIMITS.maxMessageBytes) }));
    expect(await q.closed).toBe(1009);
  });

  it('logs an answer lost when the page closed while its prompt was open', async () => {
    const { url, ops, logged } = await listen();
    const p = await connect(url);
    p.ws.send(JSON.stringify(teller));
    await expect.poll(() => ops.evaluations.length).toBe(1);
    p.ws.close();
    await p.closed;
    // The prompt stays on screen: nothing is ended for a closed page.
    await expect.poll(() => logged.some((l) => l.event === 'gwq_connection_closed_while_open')).toBe(true);
    expect(ops.ended).toEqual([]);
    ops.final('P-1', { status: 'rated', level: 2 });
    const lost = logged.filter((l) => l.event === 'gwq_answer_lost');
    expect(lost).toEqual([{ level: 'warn', event: 'gwq_answer_lost', fields: { promptId: 'P-1' } }]);
    // No level in the log.
    expect(JSON.stringify(logged)).not.toMatch(/EvaluatorLevel|"level":[0-9]/);
  });

  it('answers a plain HTTP request with 426 and stops listening on close', async () => {
    const { url, listener, ops } = await listen();
    const http = url.replace('ws:', 'http:');
    const res = await fetch(http);
    expect(res.status).toBe(426);
    await listener.close();
    running.splice(running.indexOf(listener), 1);
    expect(ops.subscribers).toBe(0);
    await expect(fetch(http)).rejects.toThrow();
  });
});
