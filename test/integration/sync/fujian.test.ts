// The Fujian profile below the engine: the real Forwarder and a real SQLite outbox,
// through the Fujian adapter (token, SOAP, SM4, GBK), against the gateway simulator on
// loopback. Scheduling runs on fake time; HTTP, SM4 and GBK are real.

import { afterEach, describe, expect, it } from 'vitest';
import type { RatingRecord } from '../../../src/core/model.js';
import { FUJIAN_ADAPTER_DEFAULTS } from '../../../src/profiles/fujian.js';
import type { RatingStore } from '../../../src/store/store.js';
import { createFujianAdapter, type FujianOptions } from '../../../src/sync/adapters/fujian/index.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { citizen } from '../../helpers/records.js';
import { FujianSim, type FujianSimOptions, type Hostile } from '../../sim/fujian-sim.js';
import { forwarderRig, seed } from './helpers.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function rig(over: { sim?: Partial<FujianSimOptions>; adapter?: Partial<FujianOptions> } = {}) {
  const clock = new FakeClock(Date.now());
  const sim = await FujianSim.start({
    appKey: 'hcp-terminal',
    appCode: 'app-code-秘',
    sysNo: '35',
    now: () => clock.now(),
    ...over.sim,
  });
  cleanup.push(() => sim.close());
  const adapter = createFujianAdapter({
    ...FUJIAN_ADAPTER_DEFAULTS,
    url: sim.url,
    appKey: 'hcp-terminal',
    appCode: 'app-code-秘',
    sysNo: '35',
    ...over.adapter,
  });
  return { sim, ...forwarderRig(adapter, cleanup, { clock }) };
}

function ratings(
  store: RatingStore,
  n: number,
  prefix: string,
  over: (i: number) => Partial<RatingRecord> = () => ({}),
) {
  return seed(store, n, {
    prefix,
    overrides: (i) => ({ transactionId: `SP-${prefix}-${i}`, level: 5, reasons: ['510'], ...over(i) }),
  });
}

const pending = (store: RatingStore) => store.outbox().counts().pending;

describe('forwarding to the Fujian gateway simulator', () => {
  it('one token, one call per rating, oldest first; a rare name survives GBK as a character reference', async () => {
    const t = await rig();
    const records = ratings(t.store, 6, 'a', (i) =>
      i === 2
        ? { citizen: { ...citizen, name: '陈𠮷' } }
        : i === 3
          ? { level: 1, reasons: [], comment: '未选择差评原因' }
          : {},
    );
    t.fwd.start();
    expect(await t.until(() => pending(t.store) === 0, 60_000)).toBe(true);
    expect([...t.sim.accepted.values()].map((e) => e.projectNo)).toEqual(records.map((r) => r.transactionId));
    expect(t.sim.tokenRequests).toHaveLength(1);
    const named = t.sim.accepted.get(FujianSim.key('SP-a-2', 'D-1'));
    expect(named).toMatchObject({ userName: '陈𠮷', userProp: '1', certKey: citizen.idNumber });
    // On the wire it was a character reference inside GBK bytes.
    expect(t.sim.documents.some((d) => d.includes(Buffer.from('&#x20bb7;')))).toBe(true);
    expect(t.sim.accepted.get(FujianSim.key('SP-a-3', 'D-1'))).toMatchObject({
      evaluateLevel: '1',
      writingevalua: '未选择差评原因',
    });
    expect(t.store.outbox().counts()).toEqual({ pending: 0, rejected: 0 });
  });

  it.each(['case', 'http'] as const)(
    'an expired token (refused as %s) is fetched anew once and the call repeated',
    async (as) => {
      const t = await rig();
      ratings(t.store, 1, 'b');
      t.fwd.start();
      expect(await t.until(() => pending(t.store) === 0, 10_000)).toBe(true);
      t.sim.expireTokens();
      t.sim.faults.refuseTokensAs = as;
      ratings(t.store, 1, 'b2');
      t.fwd.wake();
      expect(await t.until(() => pending(t.store) === 0, 10_000)).toBe(true);
      expect(t.sim.tokenRequests).toHaveLength(2);
      expect(t.sim.accepted.size).toBe(2);
    },
  );

  it('with nothing to send, a token proves the gateway; a token is kept at most 30 minutes', async () => {
    const t = await rig();
    t.fwd.start();
    await t.advance(1_000);
    expect(t.fwd.status()).toMatchObject({ state: 'online', pending: 0 });
    expect(t.sim.tokenRequests).toHaveLength(1);
    ratings(t.store, 1, 'k');
    t.fwd.wake();
    expect(await t.until(() => pending(t.store) === 0, 5_000)).toBe(true);
    expect(t.sim.tokenRequests).toHaveLength(1);
    // The gateway would still take the old token, but 30 minutes is the limit.
    await t.advance(30 * 60_000, 60_000);
    ratings(t.store, 1, 'k2');
    t.fwd.wake();
    expect(await t.until(() => pending(t.store) === 0, 5_000)).toBe(true);
    expect(t.sim.tokenRequests).toHaveLength(2);
  });

  it('a token refused twice, or no token at all, is auth_failed: nothing set aside', async () => {
    const t = await rig();
    ratings(t.store, 2, 'c');
    t.sim.faults.refuseAllTokens = true;
    t.fwd.start();
    await t.advance(5_000);
    expect(t.fwd.status()).toMatchObject({ state: 'auth_failed', pending: 2, rejected: 0 });
    expect(t.fwd.status().lastError).toMatch(/fresh token/);

    const u = await rig({ adapter: { appCode: 'wrong-code' } });
    ratings(u.store, 1, 'c2');
    u.fwd.start();
    await u.advance(5_000);
    expect(u.fwd.status()).toMatchObject({ state: 'auth_failed', pending: 1, rejected: 0 });
    expect(u.fwd.status().lastError).toMatch(/sign校验失败/);
  });

  it('a wrong SM4 key is auth_failed (the gateway cannot decrypt), never a rating set aside', async () => {
    const t = await rig({ adapter: { sm4Key: '0123456789abcdeffedcba9876543210' } });
    ratings(t.store, 2, 'd');
    t.fwd.start();
    await t.advance(5_000);
    expect(t.fwd.status()).toMatchObject({ state: 'auth_failed', pending: 2, rejected: 0 });
    expect(t.fwd.status().lastError).toMatch(/解密/);
  });

  it('CBC, base64, UTF-8 and a custom key, configured alike on both sides, deliver', async () => {
    const sm4 = {
      sm4Key: 'fedcba98765432100123456789abcdef',
      sm4Mode: 'cbc' as const,
      sm4Iv: '000102030405060708090a0b0c0d0e0f',
      sm4Output: 'base64' as const,
    };
    const t = await rig({ sim: sm4, adapter: { ...sm4, xmlEncoding: 'utf-8', tokenTimestamp: 'ms' } });
    ratings(t.store, 3, 'e');
    t.fwd.start();
    expect(await t.until(() => pending(t.store) === 0, 10_000)).toBe(true);
    expect(t.sim.accepted.size).toBe(3);
  });

  it('a business refusal sets that rating aside; a duplicate is delivered', async () => {
    const t = await rig();
    const records = ratings(t.store, 4, 'f');
    t.sim.faults.refuse.set('SP-f-1', '事项编码不存在');
    const taken = records[2] as RatingRecord;
    t.sim.accepted.set(FujianSim.key(taken.transactionId, 'D-1'), { projectNo: taken.transactionId });
    t.fwd.start();
    expect(await t.until(() => pending(t.store) === 0, 30_000)).toBe(true);
    expect(t.store.outbox().rejected()).toMatchObject([
      { transactionId: 'SP-f-1', code: '500', message: '事项编码不存在' },
    ]);
    expect(t.sim.repeats.get(FujianSim.key(taken.transactionId, 'D-1'))).toBe(1);
  });

  it.each<[Hostile, RegExp]>([
    ['billion-laughs', /not well-formed XML \(or declares entities\)/],
    // The transport stops reading at its 1 MB cap: memory stays bounded.
    ['huge', /too large/],
    ['invalid-gbk', /not valid GBK/],
    ['html', /not well-formed XML|no SOAP Body/],
    ['soap-fault', /SOAP fault: java.lang.NullPointerException/],
    ['return-not-xml', /not a <Case> document/],
    ['case-without-code', /without a code/],
  ])('a hostile answer (%s) is offline: retried, nothing set aside, then delivered', async (hostile, why) => {
    const t = await rig();
    ratings(t.store, 2, 'g');
    t.sim.faults.hostile = hostile;
    t.fwd.start();
    await t.advance(3_000);
    expect(t.fwd.status()).toMatchObject({ state: 'offline', pending: 2, rejected: 0 });
    expect(t.fwd.status().lastError).toMatch(why);
    t.sim.faults.hostile = null;
    expect(await t.until(() => pending(t.store) === 0, 5 * 60_000)).toBe(true);
    expect(t.sim.accepted.size).toBe(2);
  });

  it('three ratings in a row refused with the same words pause as misconfigured', async () => {
    const t = await rig();
    ratings(t.store, 5, 'h');
    for (let i = 0; i < 5; i++) t.sim.faults.refuse.set(`SP-h-${i}`, 'sysNO未注册');
    t.fwd.start();
    await t.advance(10_000);
    expect(t.fwd.status()).toMatchObject({ state: 'misconfigured', pending: 3, rejected: 2 });
  });
});
