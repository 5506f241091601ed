// A proxy, gateway or firewall between the terminal and the platform answering 400 or
// 413 with its own HTML page (or no body) is not the platform's judgement: for every
// profile, against its real simulator behind a refusing proxy, no rating is set aside,
// the forwarder is offline and retries, a body limit (413) is met by smaller requests,
// and everything is delivered, once each, when the proxy lets requests through.

import { afterEach, describe, expect, it } from 'vitest';
import type { RatingRecord } from '../../../src/core/model.js';
import { FUJIAN_ADAPTER_DEFAULTS } from '../../../src/profiles/fujian.js';
import { NATIONAL_DEFAULTS } from '../../../src/profiles/national.js';
import type { RatingStore } from '../../../src/store/store.js';
import { createFujianAdapter, type FujianOptions } from '../../../src/sync/adapters/fujian/index.js';
import { createNationalAdapter } from '../../../src/sync/adapters/national.js';
import { createReferenceAdapter, referenceBody } from '../../../src/sync/adapters/reference.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { FujianSim } from '../../sim/fujian-sim.js';
import { NationalSim } from '../../sim/national-sim.js';
import { PlatformSim } from '../../sim/platform-sim.js';
import { APP_MARK, forwarderRig, SECRET, seed } from './helpers.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

const PROXY_WORDS =
  /something between the terminal and the platform \(a proxy, gateway or firewall\) refuses/;

/** n final ratings, each of its own 办件 (national and fujian key a rating on it). */
function ratings(store: RatingStore, n: number, prefix: string): RatingRecord[] {
  return seed(store, n, {
    prefix,
    overrides: (i) => ({ transactionId: `SP-${prefix}-${i}`, level: 5, reasons: ['510'] }),
  });
}

const counts = (store: RatingStore) => store.outbox().counts();

describe('the reference profile behind a refusing proxy', () => {
  async function rig() {
    const sim = await PlatformSim.start({ appMark: APP_MARK, secret: SECRET });
    cleanup.push(() => sim.close());
    const adapter = createReferenceAdapter({ url: sim.url, appMark: APP_MARK, secret: SECRET });
    return { sim, ...forwarderRig(adapter, cleanup) };
  }

  it('a 400 page sets nothing aside: offline, retried, delivered once the proxy lets it through', async () => {
    const t = await rig();
    const records = ratings(t.store, 30, 'a');
    t.sim.proxy = { status: 400, body: 'html' };
    t.fwd.start();
    await t.advance(20_000);
    expect(counts(t.store)).toEqual({ pending: 30, rejected: 0 });
    expect(t.fwd.status()).toMatchObject({ state: 'offline', pending: 30, rejected: 0 });
    expect(t.fwd.status().lastError).toMatch(PROXY_WORDS);
    expect(t.fwd.status().lastError).toContain('HTTP 400 with an HTML page "400 Bad Request"');
    // Retried with back-off, never split into a search for refused records.
    expect(t.sim.proxied).toBeGreaterThanOrEqual(3);
    expect(t.sim.requests).toEqual([]);

    t.sim.proxy = null;
    expect(await t.until(() => counts(t.store).pending === 0, 10 * 60_000)).toBe(true);
    expect(counts(t.store)).toEqual({ pending: 0, rejected: 0 });
    expect([...t.sim.accepted.keys()]).toEqual(records.map((r) => r.id));
    expect(t.sim.acceptedTwice()).toEqual([]);
    expect(t.fwd.status()).toMatchObject({ state: 'online', lastError: null });
  });

  it('a 413 body limit halves the batch until requests pass: all delivered, none set aside', async () => {
    const t = await rig();
    const records = ratings(t.store, 100, 'b');
    // The proxy takes bodies of up to 9 records.
    t.sim.proxy = { status: 413, body: 'html', overBytes: referenceBody(records.slice(0, 9)).length };
    t.fwd.start();
    expect(await t.until(() => counts(t.store).pending === 0, 60_000)).toBe(true);
    expect(counts(t.store)).toEqual({ pending: 0, rejected: 0 });
    expect([...t.sim.accepted.keys()]).toEqual(records.map((r) => r.id));
    expect(t.sim.requests.every((q) => q.recordIds.length <= 9)).toBe(true);
    // 100, 50, 25, 13 refused; after that, no request of the drain is larger than one that passed.
    expect(t.sim.proxied).toBe(4);
  });

  it('a 413 with no body for a single record is offline, and the record is delivered later', async () => {
    const t = await rig();
    ratings(t.store, 2, 'c');
    t.sim.proxy = { status: 413, body: 'empty', overBytes: 10 };
    t.fwd.start();
    await t.advance(10_000);
    expect(t.fwd.status()).toMatchObject({ state: 'offline', pending: 2, rejected: 0 });
    expect(t.fwd.status().lastError).toMatch(
      /^HTTP 413 with no body, not the platform's answer: .* refuses requests this large/,
    );
    t.sim.proxy = null;
    expect(await t.until(() => counts(t.store).pending === 0, 10 * 60_000)).toBe(true);
    expect(counts(t.store)).toEqual({ pending: 0, rejected: 0 });
    expect(t.sim.accepted.size).toBe(2);
  });
});

describe('the national profile behind a refusing proxy', () => {
  async function rig(batchSize: number) {
    const clock = new FakeClock(Date.now());
    const sim = await NationalSim.start({
      appMark: 'HA-APP',
      appWord: 'app-word-应用密钥',
      dataSource: '165',
      now: () => clock.now(),
    });
    cleanup.push(() => sim.close());
    const adapter = createNationalAdapter({
      ...NATIONAL_DEFAULTS,
      url: sim.url,
      appMark: 'HA-APP',
      appWord: 'app-word-应用密钥',
      publicKey: sim.publicKey,
      dataSource: '165',
      batchSize,
    });
    return { sim, adapter, ...forwarderRig(adapter, cleanup, { clock }) };
  }

  it('a 400 page (its 4xx read as in the reference profile) sets nothing aside; delivered later', async () => {
    const t = await rig(1);
    ratings(t.store, 3, 'd');
    t.sim.proxy = { status: 400, body: 'html' };
    t.fwd.start();
    await t.advance(20_000);
    expect(t.fwd.status()).toMatchObject({ state: 'offline', pending: 3, rejected: 0 });
    expect(t.fwd.status().lastError).toMatch(PROXY_WORDS);
    expect(t.sim.proxied).toBeGreaterThanOrEqual(3);
    t.sim.proxy = null;
    expect(await t.until(() => counts(t.store).pending === 0, 10 * 60_000)).toBe(true);
    expect(counts(t.store)).toEqual({ pending: 0, rejected: 0 });
    expect(t.sim.accepted.size).toBe(3);
    expect(t.sim.repeats.size).toBe(0);
  });

  it('a 413 body limit halves a batch of evaluations; a single one still refused waits, offline', async () => {
    const t = await rig(10);
    const records = ratings(t.store, 10, 'e');
    const size = (n: number) => t.adapter.encode(records.slice(0, n), t.clock.now()).body.length;
    // First a limit not even one evaluation fits under: halved to one, then offline.
    t.sim.proxy = { status: 413, body: 'html', overBytes: size(1) - 1 };
    t.fwd.start();
    await t.advance(20_000);
    expect(t.fwd.status()).toMatchObject({ state: 'offline', pending: 10, rejected: 0 });
    expect(t.fwd.status().lastError).toMatch(/^HTTP 413 with an HTML page .* refuses requests this large/);
    expect(t.sim.requests).toEqual([]);
    // The proxy's limit raised to three evaluations: smaller requests pass.
    t.sim.proxy = { status: 413, body: 'html', overBytes: size(3) };
    expect(await t.until(() => counts(t.store).pending === 0, 10 * 60_000)).toBe(true);
    expect(counts(t.store)).toEqual({ pending: 0, rejected: 0 });
    expect(t.sim.accepted.size).toBe(10);
    expect(t.sim.repeats.size).toBe(0);
  });
});

describe('the fujian profile behind a refusing proxy', () => {
  async function rig(over: Partial<FujianOptions> = {}) {
    const clock = new FakeClock(Date.now());
    const sim = await FujianSim.start({
      appKey: 'hcp-terminal',
      appCode: 'app-code-秘',
      sysNo: '35',
      now: () => clock.now(),
    });
    cleanup.push(() => sim.close());
    const adapter = createFujianAdapter({
      ...FUJIAN_ADAPTER_DEFAULTS,
      url: sim.url,
      appKey: 'hcp-terminal',
      appCode: 'app-code-秘',
      sysNo: '35',
      ...over,
    });
    return { sim, ...forwarderRig(adapter, cleanup, { clock }) };
  }

  it('a 400 page for the token and the calls sets nothing aside: offline, delivered later', async () => {
    const t = await rig();
    ratings(t.store, 3, 'f');
    t.sim.proxy = { status: 400, body: 'html' };
    t.fwd.start();
    await t.advance(20_000);
    expect(t.fwd.status()).toMatchObject({ state: 'offline', pending: 3, rejected: 0 });
    expect(t.fwd.status().lastError).toMatch(/^token: HTTP 400 with an HTML page/);
    expect(t.fwd.status().lastError).toMatch(PROXY_WORDS);
    t.sim.proxy = null;
    expect(await t.until(() => counts(t.store).pending === 0, 10 * 60_000)).toBe(true);
    expect(counts(t.store)).toEqual({ pending: 0, rejected: 0 });
    expect(t.sim.accepted.size).toBe(3);
  });

  it('a 413 for the SOAP calls (one rating each, nothing to halve) is offline, never misconfigured', async () => {
    const t = await rig();
    ratings(t.store, 2, 'g');
    // The token request has no body and passes; every call is over the limit.
    t.sim.proxy = { status: 413, body: 'html', overBytes: 100 };
    t.fwd.start();
    await t.advance(20_000);
    expect(t.sim.tokenRequests.length).toBeGreaterThanOrEqual(1);
    expect(t.fwd.status()).toMatchObject({ state: 'offline', pending: 2, rejected: 0 });
    expect(t.fwd.status().lastError).toMatch(/^HTTP 413 with an HTML page .* refuses requests this large/);
    t.sim.proxy = null;
    expect(await t.until(() => counts(t.store).pending === 0, 10 * 60_000)).toBe(true);
    expect(counts(t.store)).toEqual({ pending: 0, rejected: 0 });
    expect(t.sim.accepted.size).toBe(2);
  });

  it("the gateway's own 4xx still means a wrong address: misconfigured, every rating kept", async () => {
    const t = await rig({ servicePath: '/no/such/service' });
    ratings(t.store, 1, 'h');
    t.fwd.start();
    await t.advance(5_000);
    expect(t.fwd.status()).toMatchObject({ state: 'misconfigured', pending: 1, rejected: 0 });
    expect(t.fwd.status().lastError).toBe('HTTP 404: the gateway address or servicePath is wrong');
  });
});
