// The real platform profiles end to end: the installed `serve` process configured for
// `national` (SM2) or `fujian` (token + SOAP + SM4 + GB2312), the KP/1 keypad on a
// socat pty, and that profile's simulator, which decrypts every request and checks it
// (fields and their types, indicator codes of the rating's level, the sign, the token).
// What is pressed on the keypad must arrive as the contract says; an outage must lose
// nothing and send nothing twice as new; a wrong key must pause, never set aside.
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/cli.js';
import { type Arrived, CLERK, cst, PATIENCE_MS, type Profile, ProfileHall } from '../helpers/profile-hall.js';

const halls: ProfileHall[] = [];
afterEach(async () => {
  for (const h of halls.splice(0)) await h.close();
});

async function hall(profile: Profile, wrongKey = false): Promise<ProfileHall> {
  const h = await ProfileHall.open({ profile, wrongKey });
  halls.push(h);
  await h.signIn();
  return h;
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const CITIZEN = { name: '陈美英', idNumber: '350521199001011234', phone: '13812345678', type: 1 };
const PERSONAL: Record<Profile, string[]> = {
  national: ['userProp', 'userName', 'userPageType', 'certKey', 'mobile'],
  fujian: ['userProp', 'userName', 'userPageType', 'certKey', 'contactMobile'],
};

/** Names of the fields in each profile's document. */
const FIELD: Record<Profile, Record<'transactionId' | 'level' | 'codes' | 'words' | 'assessTime', string>> = {
  national: {
    transactionId: 'projectNo',
    level: 'satisfaction',
    codes: 'evalDetail',
    words: 'writingEvaluation',
    assessTime: 'assessTime',
  },
  fujian: {
    transactionId: 'projectNo',
    level: 'evaluateLevel',
    codes: 'appraisald',
    words: 'writingevalua',
    assessTime: 'evaluateTime',
  },
};

/** national: every request was a GET or carried ratings; not one `evaluate` was `[]`. */
function nothingButRatings(h: ProfileHall): void {
  if (!h.national) return;
  expect(h.national.emptyUploads()).toEqual([]);
  for (const r of h.national.received) {
    if (r.method === 'GET') expect(r.bytes).toBe(0);
    else expect((JSON.parse(r.evaluate ?? 'null') as unknown[]).length).toBeGreaterThan(0);
  }
}

function byTransaction(h: ProfileHall, id: string): Arrived {
  const found = h.arrived().find((a) => a[FIELD[h.profile].transactionId] === id);
  if (!found) throw new Error(`${id} did not reach the simulator`);
  return found;
}

describe.each<Profile>(['national', 'fujian'])('platform.profile %s through serve', (profile) => {
  const f = FIELD[profile];

  it('a 好评 and a 差评 with indicators pressed on the keypad reach the platform with the service facts', {
    timeout: 120_000,
  }, async () => {
    const h = await hall(profile);
    const before = cst(-1_000);
    const serviceTime = cst(-60_000);
    const facts = {
      serviceNumber: 2,
      proStatus: '3',
      acceptDate: '2026-11-20 09:30:00',
      serviceTime,
      taskHandleItem: '内资企业设立登记（一般情形）',
    };
    await h.prompt({ transactionId: 'E2E-GOOD-1', ...facts });
    await h.press(1); // 非常满意
    await h.until((s) => s.kind === 'indicators', 'the indicators screen');
    await h.choose(['510', '513']);

    await h.prompt({ transactionId: 'E2E-BAD-1' });
    await h.press(4); // 不满意
    await h.until((s) => s.kind === 'reasons', 'the reasons screen');
    await h.choose(['208', '213']);

    // The business system's clock 2 minutes ahead: sent at serviceTime, never before it.
    const ahead = cst(120_000);
    await h.prompt({ transactionId: 'E2E-SKEW-1', serviceTime: ahead });
    await h.press(2); // 满意
    await h.until((s) => s.kind === 'indicators', 'the indicators screen');
    await h.choose([]);
    const after = cst(1_000);

    await h.arrivedCount(3);
    const good = byTransaction(h, 'E2E-GOOD-1');
    const bad = byTransaction(h, 'E2E-BAD-1');
    const skewed = byTransaction(h, 'E2E-SKEW-1');
    expect([good[f.level], good[f.codes], good[f.words]]).toEqual(['5', '510,513', '']);
    expect([bad[f.level], bad[f.codes], bad[f.words]]).toEqual(['2', '208,213', '']);
    expect([skewed[f.level], skewed[f.codes]]).toEqual(['4', '']);
    for (const a of [good, bad]) {
      expect(a[f.assessTime]).toMatch(DATE_TIME);
      // Text of a fixed width compares as time.
      const at = String(a[f.assessTime]);
      expect(at >= before && at <= after, `${at} within ${before} … ${after}`).toBe(true);
    }
    expect(skewed[f.assessTime]).toBe(ahead);
    if (profile === 'national') {
      expect(good).toEqual({
        projectNo: 'E2E-GOOD-1',
        serviceNumber: 2,
        pf: '4',
        satisfaction: '5',
        evalDetail: '510,513',
        writingEvaluation: '',
        assessTime: good.assessTime,
        assessNumber: 1,
        dataSource: '165',
        taskCode: 'S-1',
        taskName: '个体工商户登记',
        taskHandleItem: facts.taskHandleItem,
        deptCode: 'D-MKT',
        proDepart: '县市场监管局',
        proStatus: '3',
        acceptDate: facts.acceptDate,
      });
      // Defaults where the business system gave nothing.
      expect(bad).toMatchObject({ serviceNumber: 1, proStatus: '3', acceptDate: '' });
      expect(bad).not.toHaveProperty('taskHandleItem');
    } else {
      expect(good).toEqual({
        sysNO: '35',
        projectNo: 'E2E-GOOD-1',
        businessCode: 'S-1',
        businessName: '个体工商户登记',
        projectName: '个体工商户登记',
        proStatus: '3',
        nodeName: '办结',
        regionCode: '350521',
        acceptDate: facts.acceptDate,
        serviceTime,
        deptCode: 'D-MKT',
        deptName: '县市场监管局',
        userProp: '',
        userName: '',
        userPageType: '',
        certKey: '',
        contactMobile: '',
        handleUserName: CLERK.name,
        handleUserNo: CLERK.id,
        evaluateType: '1',
        pf: '4',
        evaluateLevel: '5',
        evaluateTime: good.evaluateTime,
        appraisald: '510,513',
        writingevalua: '',
        customFields: 'HA-0001,12',
      });
      expect(String(good.evaluateTime) >= serviceTime).toBe(true);
      expect(skewed.serviceTime).toBe(ahead);
    }
    for (const a of [good, bad]) for (const k of PERSONAL[profile]) expect(a[k] ?? '').toBe('');
    await expect
      .poll(() => h.health(), { timeout: PATIENCE_MS })
      .toMatchObject({
        platform: 'online',
        queue: { pending: 0, rejected: 0 },
      });
    expect(h.repeats()).toBe(0);
  });

  it('实名评价: the citizen’s name, id and phone reach the platform only when they switched it on', async () => {
    const h = await hall(profile);
    await h.prompt({ transactionId: 'E2E-RN-ON', citizen: CITIZEN });
    h.touch({ type: 'real_name', on: true });
    await h.until((s) => s.kind === 'rate' && s.realName?.on === true, 'the switch on');
    await h.press(1);
    await h.until((s) => s.kind === 'indicators', 'the indicators screen');
    await h.choose([]);

    await h.prompt({ transactionId: 'E2E-RN-OFF', citizen: CITIZEN });
    const rate = await h.until((s) => s.kind === 'rate', 'the rating screen');
    expect(rate.kind === 'rate' && rate.realName).toEqual({ on: false, maskedName: '陈*英' });
    await h.press(2);
    await h.until((s) => s.kind === 'indicators', 'the indicators screen');
    await h.choose([]);

    await h.arrivedCount(2);
    const on = byTransaction(h, 'E2E-RN-ON');
    const off = byTransaction(h, 'E2E-RN-OFF');
    const [prop, name, pageType, id, phone] = PERSONAL[profile] as [string, string, string, string, string];
    expect(on).toMatchObject({
      [prop]: '1',
      [name]: CITIZEN.name,
      [pageType]: '111',
      [id]: CITIZEN.idNumber,
      [phone]: CITIZEN.phone,
    });
    // Without consent: absent from the national JSON, empty elements in Fujian's document.
    for (const k of PERSONAL[profile]) {
      if (profile === 'national') expect(off).not.toHaveProperty(k);
      else expect(off[k]).toBe('');
    }
    expect(h.process.stdout() + h.process.stderr()).not.toContain(CITIZEN.idNumber);
  });

  it('a platform outage: ratings wait, then go oldest first, none twice as new', async () => {
    const h = await hall(profile);
    await expect.poll(async () => (await h.health()).platform, { timeout: PATIENCE_MS }).toBe('online');
    await h.platformDown();
    const order = ['E2E-OUT-1', 'E2E-OUT-2', 'E2E-OUT-3'];
    for (const [i, transactionId] of order.entries()) {
      await h.prompt({ transactionId });
      await h.press(i === 1 ? 5 : 2); // 满意, 非常不满意, 满意
      if (i === 1) {
        await h.until((s) => s.kind === 'reasons', 'the reasons screen');
        await h.choose(['115']);
      } else {
        await h.until((s) => s.kind === 'indicators', 'the indicators screen');
        await h.choose([]);
      }
    }
    await expect
      .poll(() => h.health(), { timeout: PATIENCE_MS })
      .toMatchObject({
        platform: 'offline',
        queue: { pending: 3, rejected: 0 },
      });
    const view = await h.diagnostics();
    expect(view.platform).toMatchObject({ state: 'offline', pending: 3, rejected: 0 });
    expect(view.platform.lastError).toMatch(/connection refused/);
    expect(h.arrived()).toEqual([]);

    await h.platformUp();
    const arrived = await h.arrivedCount(3);
    expect(arrived.map((a) => a[f.transactionId])).toEqual(order);
    expect(arrived.map((a) => a[f.level])).toEqual(['4', '1', '4']);
    expect(arrived[1]?.[f.codes]).toBe('115');
    await expect
      .poll(() => h.health(), { timeout: PATIENCE_MS })
      .toMatchObject({
        platform: 'online',
        queue: { pending: 0, rejected: 0 },
      });
    expect(h.repeats()).toBe(0);
    expect(h.arrived()).toHaveLength(3);
    nothingButRatings(h);
  });

  it('a wrong key pauses forwarding as auth_failed, sets nothing aside; the file fixed and SIGHUP deliver', async () => {
    const h = await hall(profile, true);
    for (const transactionId of ['E2E-KEY-1', 'E2E-KEY-2']) {
      await h.prompt({ transactionId });
      await h.press(4);
      await h.until((s) => s.kind === 'reasons', 'the reasons screen');
      await h.choose(['209']);
    }
    await expect
      .poll(() => h.health(), { timeout: PATIENCE_MS })
      .toMatchObject({
        platform: 'auth_failed',
        queue: { pending: 2, rejected: 0 },
      });
    const view = await h.diagnostics();
    expect(view.platform).toMatchObject({ state: 'auth_failed', pending: 2, rejected: 0 });
    expect(view.platform.lastError).toMatch(profile === 'national' ? /验签失败/ : /sign校验失败/);
    expect(view.rejected).toEqual([]);
    expect(JSON.stringify(view.config)).not.toContain('typo');
    expect(h.arrived()).toEqual([]);

    h.writeConfig(true);
    h.process.child.kill('SIGHUP');
    await waitFor(() => h.process.stdout().includes('Configuration reloaded.'), 'the reload', PATIENCE_MS);
    const arrived = await h.arrivedCount(2);
    expect(arrived.map((a) => [a[f.transactionId], a[f.level], a[f.codes]])).toEqual([
      ['E2E-KEY-1', '2', '209'],
      ['E2E-KEY-2', '2', '209'],
    ]);
    await expect
      .poll(() => h.health(), { timeout: PATIENCE_MS })
      .toMatchObject({
        platform: 'online',
        queue: { pending: 0, rejected: 0 },
      });
    expect(h.repeats()).toBe(0);
    if (h.national) {
      // SIGHUP with nothing queued: the address is asked again by GET, never by an upload.
      const national = h.national;
      const gets = () => national.received.filter((r) => r.method === 'GET').length;
      const before = gets();
      h.process.child.kill('SIGHUP');
      await waitFor(() => gets() > before, 'the GET after SIGHUP', PATIENCE_MS);
    }
    nothingButRatings(h);
  });
});
