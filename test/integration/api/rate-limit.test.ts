// api.rateLimit: a client (by address) sending more than the limit in a second gets 429
// `rate_limited` with Retry-After, checked before the token; GET /v1/health counts in a
// bucket of its own; opening the event stream counts, its events do not; another
// address is not held up; the limit follows a reload. Behaviour, not timing: every
// assertion holds however slowly the machine answers (a round the limiter's one-second
// window happened to end in is tried again, a bounded number of times).
import { Agent, fetch as undiciFetch } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { type ApiRig, apiRig, clerkJson } from '../../helpers/api-rig.js';

const rigs: ApiRig[] = [];
const agents: Agent[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) await r.close();
  for (const a of agents.splice(0)) await a.close();
});
async function rig(opts: Parameters<typeof apiRig>[0] = {}) {
  const r = await apiRig(opts);
  rigs.push(r);
  return r;
}

/** A client of the rig calling from another loopback address (another workstation, as the API sees it). */
function clientFrom(r: ApiRig, localAddress: string, token: string | null = null) {
  const agent = new Agent({ localAddress });
  agents.push(agent);
  return r.clientWith({
    token,
    fetch: async (request: Request) => {
      const body = request.body ? await request.arrayBuffer() : undefined;
      const res = await undiciFetch(request.url, {
        method: request.method,
        headers: [...request.headers],
        ...(body ? { body: new Uint8Array(body) } : {}),
        dispatcher: agent,
      });
      return new Response(res.body as ReadableStream | null, {
        status: res.status,
        headers: [...res.headers],
      });
    },
  });
}

type Answer = {
  status: number;
  retryAfter: string | null;
  code: string | undefined;
  error: unknown;
  headers: Headers;
};
const answerOf = (res: { response: Response; error?: unknown }): Answer => ({
  status: res.response.status,
  retryAfter: res.response.headers.get('retry-after'),
  code: (res.error as { error?: { code?: string } } | undefined)?.error?.code,
  error: res.error,
  headers: res.response.headers,
});

/** `n` requests at once; their answers. */
const burst = (n: number, send: () => Promise<{ response: Response; error?: unknown }>) =>
  Promise.all(Array.from({ length: n }, async () => answerOf(await send())));

/** Runs `round` until it says it saw what it looks for (a round the window ended in may not), at most 5 times. */
async function untilSeen(round: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 5; i++) if (await round()) return;
  throw new Error('no round of five showed it: the limiter never refused within one window');
}

describe('api.rateLimit', () => {
  it('answers 429 rate_limited with Retry-After once a client sends more than the limit in a second', async () => {
    const r = await rig({ settings: { rateLimit: 3 } });
    const answers = await burst(12, () => r.client.GET('/v1/clerk'));
    const refused = answers.filter((a) => a.status === 429);
    // At most two windows' worth (3 + 3) can pass, however the burst straddles them.
    expect(refused.length).toBeGreaterThanOrEqual(6);
    expect(answers.filter((a) => a.status !== 429).every((a) => a.status === 404)).toBe(true);
    for (const a of refused) {
      expect(a.code).toBe('rate_limited');
      expect(Number(a.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(Number(a.retryAfter)).toBeLessThanOrEqual(1);
    }
    expect(refused[0]?.error).toEqual({
      error: { code: 'rate_limited', message: expect.any(String), details: [] },
    });
    // Slowed down: let in again.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await r.client.PUT('/v1/clerk', { body: clerkJson })).response.status).toBe(200);
  });

  it('is checked before the token: a flood without the token is refused as a flood', async () => {
    const r = await rig({ settings: { rateLimit: 3, token: 'tok' } });
    const answers = await burst(12, () => r.clientWith({ token: null }).GET('/v1/clerk'));
    expect(answers.filter((a) => a.status === 429).length).toBeGreaterThanOrEqual(6);
    expect(answers.every((a) => a.status === 429 || a.status === 401)).toBe(true);
    // A refused request says nothing about the token: no WWW-Authenticate on a 429.
    for (const a of answers.filter((x) => x.status === 429))
      expect(a.headers.get('www-authenticate')).toBeNull();
  });

  it('counts GET /v1/health in a bucket of its own, with the same limit', async () => {
    const r = await rig({ settings: { rateLimit: 3 } });
    await untilSeen(async () => {
      const flood = await burst(8, () => r.client.GET('/v1/clerk'));
      if (!flood.some((a) => a.status === 429)) return false;
      // Health and the other bucket side by side, right after the other bucket refused.
      const [health, clerk] = await Promise.all([
        r.client.GET('/v1/health').then(answerOf),
        r.client.GET('/v1/clerk').then(answerOf),
      ]);
      expect(health.status).toBe(200);
      return clerk.status === 429;
    });
    await untilSeen(async () =>
      (await burst(12, () => r.client.GET('/v1/health'))).some((a) => a.status === 429),
    );
  });

  it('counts opening the event stream, not the events the stream carries', async () => {
    const r = await rig({ settings: { rateLimit: 3 } });
    const opened: Response[] = [];
    const answers = await burst(8, async () => {
      const res = await r.client.GET('/v1/events', { parseAs: 'stream' });
      if (res.response.ok) opened.push(res.response);
      return res;
    });
    expect(answers.filter((a) => a.status === 429).length).toBeGreaterThanOrEqual(2);
    for (const res of opened) await res.body?.cancel();

    // One stream, many events in a second: none of them is refused, none spends the bucket.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const stream = await r.client.GET('/v1/events', { parseAs: 'stream' });
    expect(stream.response.status).toBe(200);
    r.terminal.signIn({ ...clerkJson, photo: null, stars: null });
    for (let i = 0; i < 10; i++) {
      const opened = r.terminal.openPrompt({
        transactionId: `TX-EV-${i}`,
        service: { code: 'S-1', name: '个体工商户登记' },
        departments: [{ code: 'D-1', name: '县市场监管局' }],
        mode: 'single',
        citizen: null,
        facts: {},
      });
      r.terminal.cancelPrompt(opened.promptId as string);
    }
    const reader = (stream.data as ReadableStream<Uint8Array>).getReader();
    let text = '';
    while ((text.match(/event: prompt/g) ?? []).length < 20)
      text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    expect((await r.client.GET('/v1/clerk')).response.status).toBe(200);
  });

  it('holds one address back and lets another in meanwhile', async () => {
    const r = await rig({ settings: { rateLimit: 3 } });
    const other = clientFrom(r, '127.0.0.2');
    await untilSeen(async () => {
      const [flood, others] = await Promise.all([
        burst(12, () => r.client.GET('/v1/clerk')),
        burst(3, () => other.GET('/v1/clerk')),
      ]);
      expect(others.map((a) => a.status)).toEqual([404, 404, 404]);
      return flood.filter((a) => a.status === 429).length >= 6;
    });
  });

  it('follows a reload (SIGHUP)', async () => {
    const r = await rig({ settings: { rateLimit: 3 } });
    r.api.reload({ token: null, revealRatings: false, corsOrigins: [], rateLimit: 1000 });
    const answers = await burst(40, () => r.client.GET('/v1/clerk'));
    expect(answers.every((a) => a.status === 404)).toBe(true);
  });
});
