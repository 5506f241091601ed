// The citizen's screens end to end: the real serve process, the API opening prompts,
// the KP/1 keypad simulator on a pty, the platform simulator, and Debian's Chromium.
// Each scenario asserts what the screen shows and what the store (and platform) hold.
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { chromiumForFile } from '../helpers/chromium-per-file.js';
import { waitFor } from '../helpers/cli.js';
import { Hall, type HallOptions } from '../helpers/hall.js';
import { fillDisk, mountSmallDisk, type SmallDisk } from '../helpers/tmpfs.js';

const browser = chromiumForFile();

const halls: Hall[] = [];
let disk: SmallDisk | null = null;
afterEach(async () => {
  for (const h of halls.splice(0)) await h.close();
  disk?.unmount();
  disk = null;
});

async function hall(options: HallOptions = {}, clerk = true): Promise<Hall> {
  const h = await Hall.open(browser(), options);
  halls.push(h);
  if (clerk && (options.mode ?? 'counter') === 'counter') {
    await h.signIn();
    await h.page.waitForSelector('h1:text("欢迎光临")');
  }
  return h;
}

const DEPARTMENTS = [
  { code: 'D-A', name: '县市场监管局' },
  { code: 'D-B', name: '县税务局' },
  { code: 'D-C', name: '县人社局' },
];

describe('the citizen’s screens', { timeout: 60_000 }, () => {
  it('single rating by tap: the rating is stored and reaches the platform', async () => {
    const h = await hall();
    await h.page.waitForSelector('text=林晓');
    await h.shoot('idle-serving');
    const id = await h.prompt();
    await h.shoot('rate');
    await h.tap('满意');
    await h.screen('thanks');
    await h.shoot('thanks');
    expect(await h.page.locator('h1').textContent()).toBe('谢谢您的评价');
    // A 满意 is final at once, so the forwarder sends it; once the platform has said yes the
    // store must say delivered (waited for: the store is marked after the platform's reply).
    await waitFor(() => h.records()[0]?.state === 'delivered', 'the rating stored as delivered');
    expect(h.records()).toEqual([
      { state: 'delivered', body: expect.objectContaining({ level: 4, scope: 'single' }) },
    ]);
    const [sent] = await h.platformHas(1);
    expect(sent).toMatchObject({
      satisfaction: 4,
      projectNo: expect.stringMatching(/^TX-/),
      proManagerNo: '0107',
    });
    expect((await h.api('GET', `/v1/prompts/${id}`)).body.status).toBe('rated');
    await h.screen('idle', 6_000);
  });

  it('rating by the KP/1 keypad: the key is ACKed, thanks shows with the level in one plain line', async () => {
    const h = await hall();
    await h.prompt();
    const press = await h.keypad?.press(2);
    expect(press?.acked).toBe(true);
    await h.screen('thanks');
    expect(await h.page.locator('h1').textContent()).toBe('谢谢您的评价');
    // Discreet: one line of body-size text, no card, face, colour or key a queue reads from afar.
    const given = h.page.locator('.given-level');
    expect(await given.textContent()).toBe('您的评价：满意');
    expect(await h.page.locator('#app button, #app svg, #app .key').count()).toBe(0);
    // biome-ignore lint/performance/useDomNodeTextContent: what a citizen sees is the rendered text
    expect(await h.page.locator('#app').innerText()).not.toContain('按键');
    const [line, body, title] = await h.page.evaluate(() =>
      ['.given-level', '.hall', 'h1'].map((q) => {
        const s = getComputedStyle(document.querySelector(q) as Element);
        return { px: Number.parseFloat(s.fontSize), color: s.color, bg: s.backgroundColor };
      }),
    );
    expect(line?.px).toBeLessThanOrEqual(1.25 * (body?.px ?? 0));
    expect(line?.px).toBeLessThan((title?.px ?? 0) / 2);
    expect(line?.bg).toBe('rgba(0, 0, 0, 0)');
    expect(h.records().map((r) => r.body.level)).toEqual([4]);
    expect(h.records()[0]?.body.flags).toEqual([]);
  });

  it('a 差评 with reasons', async () => {
    const h = await hall();
    await h.prompt();
    await h.tap('不满意');
    await h.screen('reasons');
    await h.tap('没有提供材料样本');
    await h.tap('未在承诺时间内办结');
    await h.shoot('reasons');
    expect(
      await h.page.getByRole('button', { name: '未在承诺时间内办结' }).getAttribute('aria-pressed'),
    ).toBe('true');
    await h.tap('提交');
    await h.screen('thanks');
    const [sent] = await h.platformHas(1);
    expect(sent).toMatchObject({ satisfaction: 2, evalDetail: '207,209', writingEvaluation: '' });
  });

  it('a 差评 changed to 满意 on the reasons screen: one good record, no reasons', async () => {
    const h = await hall();
    await h.prompt();
    await h.tap('非常不满意');
    await h.screen('reasons');
    await h.tap('服务态度差效率低');
    await h.tap('返回修改');
    await h.page.waitForSelector('h1:text("请重新选择您的评价")');
    await h.shoot('change-level');
    await h.tap('满意');
    await h.screen('thanks');
    expect(h.records().map((r) => [r.body.level, r.body.reasons])).toEqual([[4, []]]);
    const [sent] = await h.platformHas(1);
    expect(sent).toMatchObject({ satisfaction: 4, evalDetail: '' });
    expect(h.platform.answers).toHaveLength(1);
  });

  it('a 差评 left alone is sent with the honest note', async () => {
    const h = await hall({ reasonsTimeoutSeconds: 2 });
    await h.prompt();
    await h.tap('不满意');
    await h.screen('reasons');
    expect(h.platform.accepted.size).toBe(0);
    // The last 10 s are said once, in a status line, and the countdown turns red.
    await h.page.waitForSelector('[role="status"].ending-note:text("还剩 10 秒")');
    expect(await h.page.locator('.countdown.ending').count()).toBe(1);
    await h.screen('thanks', 5_000);
    const [sent] = await h.platformHas(1);
    expect(sent).toMatchObject({ satisfaction: 2, evalDetail: '', writingEvaluation: '未选择差评原因' });
  });

  it('不评价: no record, the prompt declined', async () => {
    const h = await hall();
    const id = await h.prompt();
    await h.tap('不评价');
    await h.screen('idle');
    expect(h.records()).toEqual([]);
    expect((await h.api('GET', `/v1/prompts/${id}`)).body.status).toBe('declined');
  });

  it('并联审批 overall: one rating, a record per department', async () => {
    const h = await hall();
    await h.prompt({ mode: 'parallel', departments: DEPARTMENTS });
    await h.shoot('choose-scope');
    await h.tap('总体评价');
    await h.screen('rate');
    await h.page.waitForTimeout(350);
    await h.tap('非常满意');
    await h.screen('thanks');
    expect(h.records().map((r) => [r.body.department.code, r.body.scope, r.body.level])).toEqual([
      ['D-A', 'overall', 5],
      ['D-B', 'overall', 5],
      ['D-C', 'overall', 5],
    ]);
    await h.platformHas(3);
  });

  it('并联审批 per department, in turn: each department named as the title, the one just rated said large', async () => {
    const h = await hall();
    await h.prompt({ mode: 'parallel', departments: DEPARTMENTS });
    // A prompt's usual title (请选择评价方式), for the department's turn to match.
    const titlePx = await h.page.evaluate(() =>
      Number.parseFloat(getComputedStyle(document.querySelector('h1') as Element).fontSize),
    );
    await h.tap('分部门评价');
    for (const [i, level] of ['非常满意', '基本满意', '满意'].entries()) {
      await h.page.waitForSelector(`text=第 ${i + 1} / 3 个部门`);
      const dept = DEPARTMENTS[i]?.name as string;
      // The department on screen is the title itself, in the title's size.
      expect(await h.page.locator('h1').textContent()).toBe(`请为 ${dept} 评价`);
      const deptPx = await h.page.evaluate(() =>
        Number.parseFloat(getComputedStyle(document.querySelector('h1 .dept') as Element).fontSize),
      );
      expect(deptPx).toBe(titlePx);
      // From the second on, a large line says which department was just rated.
      const rated = h.page.locator('.dept-rated');
      if (i === 0) expect(await rated.count()).toBe(0);
      else {
        expect(await rated.textContent()).toBe(`✓已评价：${DEPARTMENTS[i - 1]?.name}`);
        const [ratedPx, subPx] = await h.page.evaluate(() =>
          ['.dept-rated', '.sub'].map((q) =>
            Number.parseFloat(getComputedStyle(document.querySelector(q) as Element).fontSize),
          ),
        );
        expect(ratedPx).toBeGreaterThanOrEqual(1.4 * (subPx as number));
      }
      if (i === 1) await h.shoot('per-department');
      await h.page.waitForTimeout(350);
      await h.tap(level);
    }
    await h.screen('thanks');
    expect(h.records().map((r) => [r.body.department.code, r.body.scope, r.body.level])).toEqual([
      ['D-A', 'department', 5],
      ['D-B', 'department', 3],
      ['D-C', 'department', 4],
    ]);
  });

  it('并联审批 left partway keeps what was rated', async () => {
    const h = await hall();
    const id = await h.prompt({ mode: 'parallel', departments: DEPARTMENTS });
    await h.tap('分部门评价');
    await h.page.waitForTimeout(350);
    await h.tap('满意');
    await h.page.waitForSelector('text=第 2 / 3 个部门');
    await h.tap('不评价');
    await h.screen('thanks');
    expect(h.records().map((r) => r.body.department.code)).toEqual(['D-A']);
    expect((await h.api('GET', `/v1/prompts/${id}`)).body.status).toBe('rated');
  });

  it('一件事: one rating for the package, with the lead department', async () => {
    const h = await hall();
    await h.prompt({ mode: 'package', departments: DEPARTMENTS });
    await h.tap('基本满意');
    await h.screen('thanks');
    expect(h.records().map((r) => [r.body.department.code, r.body.scope])).toEqual([['D-A', 'package']]);
    const [sent] = await h.platformHas(1);
    expect(sent).toMatchObject({ scope: 'package', deptCode: 'D-A' });
  });

  it('实名评价: masked on screen; personal fields sent only when switched on', async () => {
    const h = await hall();
    const citizen = { name: '陈美英', idNumber: '350521199001011234', phone: '13812345678', type: 1 };
    await h.prompt({ citizen });
    // biome-ignore lint/performance/useDomNodeTextContent: what a citizen sees is the rendered text
    const text = await h.page.locator('body').innerText();
    expect(text).toContain('陈*英');
    expect(text).not.toContain('陈美英');
    expect(text).not.toContain('350521199001011234');
    const sw = h.page.getByRole('switch');
    expect(await sw.getAttribute('aria-checked')).toBe('false');
    await sw.click();
    await h.page.waitForSelector('[role="switch"][aria-checked="true"]');
    await h.shoot('rate-real-name');
    await h.tap('非常满意');
    await h.screen('thanks');
    const [on] = await h.platformHas(1);
    expect(on).toMatchObject({
      userName: '陈美英',
      certKey: '350521199001011234',
      mobile: '13812345678',
      userProp: 1,
    });

    await h.prompt({ citizen });
    await h.tap('满意');
    const both = await h.platformHas(2);
    const off = both.find((r) => r.satisfaction === 4) as Record<string, unknown>;
    for (const field of ['userName', 'certKey', 'mobile', 'userProp']) expect(off).not.toHaveProperty(field);
  });

  it('an unanswered prompt expires with no rating', async () => {
    const h = await hall({ timeoutSeconds: 2 });
    const id = await h.prompt();
    await h.screen('idle', 5_000);
    expect((await h.api('GET', `/v1/prompts/${id}`)).body.status).toBe('expired');
    expect(h.records()).toEqual([]);
  });

  it('暂停服务: the screen says so and no prompt opens', async () => {
    const h = await hall();
    expect((await h.api('PUT', '/v1/clerk/status', { status: 'paused' })).status).toBe(200);
    await h.page.waitForSelector('h1:text("暂停服务")');
    await h.shoot('idle-paused');
    expect(
      (
        await h.api('POST', '/v1/prompts', {
          transactionId: 'X',
          service: { code: '', name: 'x' },
          departments: DEPARTMENTS.slice(0, 1),
          mode: 'single',
        })
      ).body.error.code,
    ).toBe('clerk_paused');
    await h.keypad?.press('pause');
    await h.page.waitForSelector('h1:text("欢迎光临")');
  });

  it('a silent keypad shows the banner; touch still rates', async () => {
    const h = await hall();
    if (!h.keypad) throw new Error('this hall has a keypad');
    h.keypad.silent = true;
    await h.page.waitForSelector('#banner:not([hidden])', { timeout: 10_000 });
    expect(await h.page.locator('#banner').textContent()).toContain('请直接点击屏幕评价');
    await h.prompt();
    // Only touch works: no button says 按键 N, nor does its accessible name.
    const names = await h.page.$$eval('#app button', (bs) =>
      bs.map((b) => `${b.getAttribute('aria-label')} | ${b.textContent}`),
    );
    expect(names.filter((n) => n.includes('按键'))).toEqual([]);
    expect(await h.page.getByRole('button', { name: '非常满意', exact: true }).count()).toBe(1);
    await h.shoot('rate-keypad-offline');
    await h.tap('不满意');
    await h.screen('reasons');
    // biome-ignore lint/performance/useDomNodeTextContent: what a citizen sees is the rendered text
    expect(await h.page.locator('#app').innerText()).not.toContain('按键');
    expect(await h.page.locator('.key-hints').count()).toBe(0);
    expect(await h.page.getByRole('button', { name: '提交', exact: true }).count()).toBe(1);
    await h.tap('返回修改');
    await h.page.waitForSelector('h1:text("请重新选择您的评价")');
    await h.tap('满意');
    await h.screen('thanks');
    expect(h.records()).toHaveLength(1);
    expect((await h.api('GET', '/v1/health')).body.keypad).toBe('offline');
  });

  it('a store that cannot be written shows the fault in place of the prompt', async () => {
    disk = mountSmallDisk(2048);
    const h = await hall({ storeDir: disk.dir });
    await h.prompt();
    await h.tap('满意');
    await h.screen('thanks');
    fillDisk(disk.dir);
    let status = 201;
    for (let i = 0; i < 100 && status === 201; i++) {
      const r = await h.api('POST', '/v1/prompts?replace=true', {
        transactionId: `FULL-${i}`,
        service: { code: 'S', name: '事项'.repeat(40) },
        departments: DEPARTMENTS,
        mode: 'package',
      });
      status = r.status;
    }
    expect(status).toBe(503);
    await h.screen('fault');
    expect(await h.page.locator('h1').textContent()).toBe('设备故障，请联系工作人员');
    await h.shoot('fault');
    expect(h.records().map((r) => r.body.level)).toContain(4);
  });

  it('a training terminal: 培训模式 on every screen, in place; its ratings stay on the terminal', async () => {
    const h = await hall({ training: true });
    const frames: Record<string, unknown> = {};
    const mark = async (screen: string) => {
      const tag = h.page.locator('#banner .training-mark');
      expect(await tag.textContent()).toBe('培训模式');
      expect(await tag.isVisible()).toBe(true);
      // Readable: whole, inside the window, on every screen.
      const box = await tag.boundingBox();
      if (!box) throw new Error(`no 培训模式 on ${screen}`);
      expect(box.y).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(1024);
      expect(box.height).toBeGreaterThan(16);
      // The frame does not move from screen to screen.
      frames[screen] = await h.page.locator('#app').boundingBox();
    };
    await mark('idle');
    // The banner's line is as tall as the empty line every terminal reserves: no shift.
    const [withMark, reserved] = await h.page.evaluate(() => {
      const banner = document.getElementById('banner') as HTMLElement;
      // A childless copy, styled as #banner (the id too, for the moment it is measured).
      const empty = banner.cloneNode(false) as HTMLElement;
      empty.hidden = true;
      banner.after(empty);
      const heights = [banner.getBoundingClientRect().height, empty.getBoundingClientRect().height];
      empty.remove();
      return heights;
    });
    expect(withMark).toBe(reserved);
    // No QR code: it would let a made-up rating reach the platform by phone.
    expect(await h.page.locator('.qr').count()).toBe(0);
    await h.shoot('training-idle');
    const id = await h.prompt();
    await mark('rate');
    expect(await h.page.locator('.qr').count()).toBe(0);
    await h.shoot('training-rate');
    await h.tap('不满意');
    await h.screen('reasons');
    await mark('reasons');
    await h.tap('未在承诺时间内办结');
    await h.tap('提交');
    await h.screen('thanks');
    await mark('thanks');
    expect(new Set(Object.values(frames).map((f) => JSON.stringify(f))).size).toBe(1);
    expect((await h.api('GET', `/v1/prompts/${id}`)).body.status).toBe('rated');

    const db = new Database(h.dbPath, { readonly: true });
    const stored = db.prepare('SELECT state, training FROM records').all();
    db.close();
    expect(stored).toEqual([{ state: 'pending', training: 1 }]);
    expect((await h.api('GET', '/v1/health')).body).toMatchObject({
      training: true,
      platform: 'unconfigured',
      queue: { pending: 0, rejected: 0 },
    });
    // No forwarder runs on a training terminal, so nothing was ever asked of the platform.
    expect(h.platform.requests).toEqual([]);
  });

  it('the technicians’ screen: hidden corner, PIN, rejected records sent again', async () => {
    const h = await hall({ pin: '2468' });
    await h.platform.down();
    await h.prompt();
    await h.tap('满意');
    await h.screen('thanks');
    const [record] = h.records();
    h.platform.faults.rejectIds.set(record?.body.id, { code: 'E_DEPT', message: '部门编码不存在' });
    await h.platform.up();
    await waitFor(() => h.platform.answers.some((a) => a.verdict === 'rejected'), 'the rejection', 15_000);

    const corner = await h.page.locator('.corner').boundingBox();
    if (!corner) throw new Error('no corner');
    await h.page.mouse.move(corner.x + 10, corner.y + 10);
    await h.page.mouse.down();
    await h.page.waitForTimeout(3_200);
    await h.page.mouse.up();
    await h.page.waitForSelector('text=请输入诊断密码');
    for (const d of '1111') await h.tap(d);
    await h.tap('确定');
    await h.page.waitForSelector('text=密码错误');
    for (const d of '2468') await h.tap(d);
    await h.tap('确定');
    await h.page.waitForSelector('text=被平台拒收的记录（1）');
    // biome-ignore lint/performance/useDomNodeTextContent: what a technician sees is the rendered text
    const text = await h.page.locator('#diagnostics').innerText();
    expect(text).toContain('部门编码不存在');
    expect(text).not.toContain('platform-secret-1');
    await h.shoot('diagnostics');

    h.platform.faults.rejectIds.clear();
    await h.tap('重新发送被拒记录');
    await h.page.waitForSelector('text=已重新排队 1 条记录');
    await h.platformHas(1, 15_000);
    await h.tap('关闭');
    expect(await h.page.locator('#diagnostics').isHidden()).toBe(true);
  });
});
