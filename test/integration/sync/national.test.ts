// The national profile end to end below the engine: the real Forwarder and a real
// SQLite outbox, through the national adapter, against the national simulator on
// loopback. Scheduling runs on fake time (which the simulator's sign check also reads);
// the HTTP and the SM2 are real.

import { afterEach, describe, expect, it } from 'vitest';
import type { RatingRecord } from '../../../src/core/model.js';
import { NATIONAL_DEFAULTS } from '../../../src/profiles/national.js';
import type { RatingStore } from '../../../src/store/store.js';
import { createNationalAdapter, type NationalOptions } from '../../../src/sync/adapters/national.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { citizen } from '../../helpers/records.js';
import { NationalSim } from '../../sim/national-sim.js';
import { forwarderRig, seed } from './helpers.js';

const APP_MARK = 'HA-APP';
const APP_WORD = 'app-word-应用密钥';
const DATA_SOURCE = '165';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function rig(options: { batchSize?: number; timeoutMs?: number; skewMs?: number } = {}) {
  const clock = new FakeClock(Date.now());
  const sim = await NationalSim.start({
    appMark: APP_MARK,
    appWord: APP_WORD,
    dataSource: DATA_SOURCE,
    now: () => clock.now() + (options.skewMs ?? 0),
  });
  cleanup.push(() => sim.close());
  const settings = (over: Partial<NationalOptions> = {}): NationalOptions => ({
    ...NATIONAL_DEFAULTS,
    url: sim.url,
    appMark: APP_MARK,
    appWord: APP_WORD,
    publicKey: sim.publicKey,
    dataSource: DATA_SOURCE,
    batchSize: options.batchSize ?? 1,
    ...over,
  });
  const forwarding = forwarderRig(createNationalAdapter(settings()), cleanup, {
    clock,
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
  return { sim, settings, ...forwarding };
}

/** n final ratings, each of its own 办件 (the platform keys a rating on projectNo). */
function ratings(
  store: RatingStore,
  n: number,
  prefix: string,
  over: (i: number) => Partial<RatingRecord> = () => ({}),
) {
  return seed(store, n, {
    prefix,
    overrides: (i) => ({ transactionId: `SP-${prefix}-${i}`, level: 5, reasons: ['510', '517'], ...over(i) }),
  });
}

const pending = (store: RatingStore) => store.outbox().counts().pending;

describe('forwarding to the national simulator', () => {
  it('delivers a backlog one evaluation a request, oldest first, each accepted once', async () => {
    const t = await rig();
    const records = ratings(t.store, 12, 'a', (i) =>
      i === 3 ? { level: 1, reasons: [], comment: '未选择差评原因' } : i === 4 ? { citizen } : {},
    );
    t.fwd.start();
    expect(await t.until(() => pending(t.store) === 0, 60_000)).toBe(true);
    expect([...t.sim.accepted.values()].map((e) => e.projectNo)).toEqual(records.map((r) => r.transactionId));
    expect(t.sim.repeats.size).toBe(0);
    expect(t.store.outbox().counts()).toEqual({ pending: 0, rejected: 0 });
    expect(t.fwd.status()).toMatchObject({ state: 'online', lastError: null });
    const named = t.sim.accepted.get(
      NationalSim.key({ projectNo: 'SP-a-4', serviceNumber: 1, deptCode: 'D-1' }),
    );
    expect(named).toMatchObject({ userProp: '1', userPageType: '111', certKey: citizen.idNumber });
    const bad = t.sim.accepted.get(
      NationalSim.key({ projectNo: 'SP-a-3', serviceNumber: 1, deptCode: 'D-1' }),
    );
    expect(bad).toMatchObject({ satisfaction: '1', evalDetail: '', writingEvaluation: '未选择差评原因' });
  });

  it('in batches, a rating already delivered (its answer lost) is found by splitting; none set aside', async () => {
    const t = await rig({ batchSize: 10 });
    const records = ratings(t.store, 10, 'b');
    // The platform took #6 before, and the terminal never heard.
    const earlier = records[6] as RatingRecord;
    const key = NationalSim.key({ projectNo: earlier.transactionId, serviceNumber: 1, deptCode: 'D-1' });
    t.sim.accepted.set(key, { projectNo: earlier.transactionId, serviceNumber: 1, deptCode: 'D-1' });
    t.fwd.start();
    expect(await t.until(() => pending(t.store) === 0, 60_000)).toBe(true);
    expect(t.store.outbox().counts().rejected).toBe(0);
    expect(t.sim.accepted.size).toBe(10);
    expect(t.sim.repeats.get(key)).toBeGreaterThanOrEqual(1);
  });

  it('a business refusal sets that rating aside with the platform words; the rest are delivered', async () => {
    const t = await rig({ batchSize: 5 });
    ratings(t.store, 5, 'c');
    t.sim.faults.refuse.set('SP-c-2', '事项编码不存在');
    t.fwd.start();
    expect(await t.until(() => pending(t.store) === 0, 60_000)).toBe(true);
    expect(t.sim.accepted.size).toBe(4);
    expect(t.store.outbox().rejected()).toMatchObject([
      { transactionId: 'SP-c-2', code: '-1', message: '事项编码不存在' },
    ]);
  });

  it('a wrong appWord pauses as auth_failed keeping every rating, and a reload with the right one delivers', async () => {
    const t = await rig();
    ratings(t.store, 3, 'd');
    t.sim.setAppWord('rotated-at-the-platform');
    t.fwd.start();
    await t.advance(10_000);
    expect(t.fwd.status()).toMatchObject({ state: 'auth_failed', pending: 3, rejected: 0 });
    expect(t.fwd.status().lastError).toMatch(/验签失败/);
    expect(t.sim.accepted.size).toBe(0);

    t.fwd.reload(createNationalAdapter(t.settings({ appWord: 'rotated-at-the-platform' })), 5_000);
    expect(await t.until(() => pending(t.store) === 0, 10_000)).toBe(true);
    expect(t.sim.accepted.size).toBe(3);
  });

  it('a terminal clock 11 minutes off the platform is auth_failed, never a rating set aside', async () => {
    const t = await rig({ skewMs: 11 * 60_000 });
    ratings(t.store, 2, 'e');
    t.fwd.start();
    await t.advance(10_000);
    expect(t.fwd.status()).toMatchObject({ state: 'auth_failed', pending: 2, rejected: 0 });
    expect(t.fwd.status().lastError).toMatch(/签名/);
  });

  it('500s with Retry-After, then an HTML page with 200: offline, retried, nothing lost', async () => {
    const t = await rig();
    ratings(t.store, 4, 'f');
    t.sim.faults.status = { code: 503, retryAfter: '30', count: 2 };
    t.fwd.start();
    await t.advance(1_000);
    expect(t.fwd.status()).toMatchObject({ state: 'offline', pending: 4 });
    // The first try came at once; the next waits the 30 s the platform asked for.
    expect(t.fwd.status().nextAttemptAt).toBe(t.clock.now() + 30_000);
    t.sim.faults.status = null;
    t.sim.faults.html = true;
    await t.advance(40_000);
    expect(t.fwd.status()).toMatchObject({ state: 'offline', pending: 4, rejected: 0 });
    expect(t.fwd.status().lastError).toMatch(/not JSON/);
    t.sim.faults.html = false;
    expect(await t.until(() => pending(t.store) === 0, 5 * 60_000)).toBe(true);
    expect(t.sim.accepted.size).toBe(4);
  });

  it('a slow platform times out as offline; the rating is delivered once, answered duplicate if taken late', async () => {
    const t = await rig({ timeoutMs: 200 });
    ratings(t.store, 1, 'g');
    t.sim.faults.delayMs = 1_500;
    t.fwd.start();
    t.clock.advance(1);
    await t.fwd.settled();
    expect(t.fwd.status()).toMatchObject({ state: 'offline', pending: 1 });
    expect(t.fwd.status().lastError).toMatch(/no answer within 0.2 s/);
    // The simulator takes the held request in after all.
    await t.sim.whenAnswered(1);
    t.sim.faults.delayMs = 0;
    expect(await t.until(() => pending(t.store) === 0, 5 * 60_000)).toBe(true);
    expect(t.sim.accepted.size).toBe(1);
    expect(t.store.outbox().counts().rejected).toBe(0);
  });

  it('three ratings in a row refused with the same words pause forwarding as misconfigured', async () => {
    const t = await rig();
    ratings(t.store, 6, 'h');
    for (let i = 0; i < 6; i++) t.sim.faults.refuse.set(`SP-h-${i}`, '数据来源未授权');
    t.fwd.start();
    await t.advance(10_000);
    expect(t.fwd.status()).toMatchObject({ state: 'misconfigured', pending: 4, rejected: 2 });
    expect(t.fwd.status().lastError).toMatch(/数据来源未授权/);
  });
});

describe('nothing but ratings to the national interface', () => {
  /** What reached the simulator, as METHOD and how many evaluations (GET: none). */
  const traffic = (sim: NationalSim) =>
    sim.received.map((r) =>
      r.method === 'GET' ? 'GET' : `POST ${(JSON.parse(r.evaluate ?? 'null') as unknown[] | null)?.length}`,
    );

  it('with nothing queued, one GET tells the state: online on any answer, no upload', async () => {
    const t = await rig();
    t.fwd.start();
    await t.advance(3_000);
    expect(t.fwd.status()).toMatchObject({ state: 'online', pending: 0, lastError: null });
    expect(traffic(t.sim)).toEqual(['GET']);
    // The simulator answers a GET with 405: any HTTP answer means reachable.
    expect(t.sim.received[0]).toMatchObject({ method: 'GET', bytes: 0 });
    // Idle: nothing more is sent until a rating comes.
    await t.advance(10 * 60_000, 10_000);
    expect(traffic(t.sim)).toEqual(['GET']);
    expect(t.sim.emptyUploads()).toEqual([]);
  });

  it('an address that does not answer is offline, tried again with back-off by GET, never an upload', async () => {
    const t = await rig();
    await t.sim.down();
    t.fwd.start();
    await t.advance(10_000);
    expect(t.fwd.status()).toMatchObject({ state: 'offline', pending: 0 });
    expect(t.fwd.status().lastError).toMatch(/refused/);
    await t.sim.up();
    expect(await t.until(() => t.fwd.status().state === 'online', 5 * 60_000)).toBe(true);
    expect(traffic(t.sim)).toEqual(['GET']);
  });

  it('after back-off and after a reload (SIGHUP), only ratings and GETs: no empty upload ever', async () => {
    const t = await rig();
    t.fwd.start();
    await t.advance(1_000);
    // Ratings while the platform fails: retried with back-off, each try a rating.
    ratings(t.store, 2, 'n');
    t.sim.faults.status = { code: 503, count: 3 };
    t.fwd.wake();
    expect(await t.until(() => pending(t.store) === 0, 10 * 60_000)).toBe(true);
    expect(t.sim.accepted.size).toBe(2);
    // A reload with nothing queued asks the address again, by GET.
    t.fwd.reload(createNationalAdapter(t.settings()), 5_000);
    await t.advance(3_000);
    expect(t.fwd.status().state).toBe('online');
    // A reload while the platform is away: offline, and GETs with back-off until it is back.
    await t.sim.down();
    t.fwd.reload(createNationalAdapter(t.settings()), 5_000);
    await t.advance(10_000);
    expect(t.fwd.status().state).toBe('offline');
    await t.sim.up();
    expect(await t.until(() => t.fwd.status().state === 'online', 5 * 60_000)).toBe(true);
    expect(t.sim.emptyUploads()).toEqual([]);
    const seen = traffic(t.sim);
    expect(seen[0]).toBe('GET');
    expect(seen.filter((s) => s.startsWith('POST'))).toEqual(Array(5).fill('POST 1'));
    expect(seen.at(-1)).toBe('GET');
    expect(seen.every((s) => s === 'GET' || s === 'POST 1')).toBe(true);
  });
});
