// Every citizen's and technician's screen audited in Debian's Chromium at every
// supported size: axe-core finds no serious or critical violation, and the checks of
// test/helpers/audit.ts (text size, targets, nothing cut, words kept whole) pass. The
// fixtures carry long real names of services and departments, as the catalogues have.

import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AUDIT_SIZES, auditScreen, layoutProblems, MIN_TEXT_PX, wrappedButtons } from '../helpers/audit.js';
import { chromiumForFile } from '../helpers/chromium-per-file.js';
import { Hall, type HallOptions, SCREENSHOT_DIR } from '../helpers/hall.js';
import { noticeFolder } from '../helpers/notices.js';
import { fillDisk, mountSmallDisk, type SmallDisk } from '../helpers/tmpfs.js';

const browser = chromiumForFile();

const halls: Hall[] = [];
let disk: SmallDisk | null = null;
afterEach(async () => {
  for (const h of halls.splice(0)) await h.close();
  disk?.unmount();
  disk = null;
});

async function hall(options: HallOptions = {}): Promise<Hall> {
  // Long enough that no screen ends while it is audited at four sizes.
  const h = await Hall.open(browser(), { timeoutSeconds: 900, reasonsTimeoutSeconds: 900, ...options });
  halls.push(h);
  return h;
}

/** Real names of the national catalogue's length: a service of 31 characters, departments of 12 to 14. */
const LONG_SERVICE = {
  code: 'S-LONG',
  name: '企业职工基本养老保险关系转移接续申请（跨省转入、含视同缴费年限认定）',
};
const LONG_DEPARTMENT = { code: 'D-LONG', name: '国家税务总局惠安县税务局第一税务分局' };
const PARALLEL = [
  { code: 'D-A', name: '惠安县市场监督管理局' },
  { code: 'D-B', name: '国家税务总局惠安县税务局' },
  { code: 'D-C', name: '惠安县人力资源和社会保障局' },
];
const CITIZEN = { name: '欧阳美英', idNumber: '350521199001011234', phone: '13812345678', type: 1 };

async function settle(h: Hall): Promise<void> {
  await h.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

/** Where the banner and every button of the screen are, to the pixel. */
function frame(h: Hall): Promise<string> {
  return h.page.$$eval('#banner, #app button', (nodes) =>
    JSON.stringify(
      nodes.map((n) => {
        const r = n.getBoundingClientRect();
        return [Math.round(r.left), Math.round(r.top), Math.round(r.width), Math.round(r.height)];
      }),
    ),
  );
}

async function signInLong(h: Hall): Promise<void> {
  const r = await h.api('PUT', '/v1/clerk', {
    id: '0107',
    name: '欧阳晓明',
    department: LONG_DEPARTMENT,
    stars: 4.5,
  });
  if (r.status !== 200) throw new Error(`sign-in failed: ${JSON.stringify(r.body)}`);
  await h.page.waitForSelector('text=欧阳晓明');
}

describe('the screens’ audit', { timeout: 300_000 }, () => {
  it('the citizen’s screens of a counter: idle, rating, reasons, 好评 indicators, thanks, declined, parallel, offline keypad', async () => {
    const h = await hall({ goodIndicators: 'optional' });
    const problems: string[] = [];
    problems.push(...(await auditScreen(h.page, 'idle-no-clerk')));
    await signInLong(h);
    problems.push(...(await auditScreen(h.page, 'idle-clerk')));

    await h.prompt({ service: LONG_SERVICE, departments: [LONG_DEPARTMENT], citizen: CITIZEN });
    problems.push(...(await auditScreen(h.page, 'rate')));
    await h.tap('不满意');
    await h.screen('reasons');
    await h.tap('同样内容的证明材料被要求多次提交');
    problems.push(...(await auditScreen(h.page, 'reasons')));
    await h.tap('返回修改');
    await h.page.waitForSelector('h1:text("请重新选择您的评价")');
    problems.push(...(await auditScreen(h.page, 'change-level')));
    await h.tap('非常不满意');
    await h.screen('reasons');
    await h.tap('提交');
    await h.screen('thanks');
    problems.push(...(await auditScreen(h.page, 'thanks')));

    // A 好评's indicators screen ends after 10 s: one prompt per size.
    for (const size of [
      [1024, 600],
      [800, 480],
      [1920, 1080],
      [600, 1024],
    ] as const) {
      await h.prompt({ service: LONG_SERVICE, departments: [LONG_DEPARTMENT] });
      await h.tap('满意');
      await h.screen('indicators');
      problems.push(...(await auditScreen(h.page, 'indicators', {}, [size])));
      await h.tap('完成');
      await h.screen('thanks');
    }

    await h.prompt({ service: LONG_SERVICE, departments: [LONG_DEPARTMENT] });
    await h.tap('不评价');
    await h.screen('idle');
    problems.push(...(await auditScreen(h.page, 'declined')));

    await h.prompt({ service: LONG_SERVICE, mode: 'parallel', departments: PARALLEL });
    problems.push(...(await auditScreen(h.page, 'choose-scope')));
    await h.tap('分部门评价');
    await h.page.waitForSelector('text=第 1 / 3 个部门');
    problems.push(...(await auditScreen(h.page, 'per-department')));
    await h.page.waitForTimeout(350);
    await h.tap('满意');
    await h.page.waitForSelector('.dept-rated:has-text("已评价：惠安县市场监督管理局")');
    problems.push(...(await auditScreen(h.page, 'per-department-next')));
    await h.tap('不评价');
    await h.screen('thanks');
    await h.screen('idle', 10_000);

    if (!h.keypad) throw new Error('this hall has a keypad');
    h.keypad.silent = true;
    await h.page.waitForSelector('#banner:not([hidden])', { timeout: 10_000 });
    problems.push(...(await auditScreen(h.page, 'keypad-offline-idle')));
    await h.prompt({ service: LONG_SERVICE, departments: [LONG_DEPARTMENT] });
    problems.push(...(await auditScreen(h.page, 'keypad-offline-rate')));
    await h.tap('不满意');
    await h.screen('reasons');
    problems.push(...(await auditScreen(h.page, 'keypad-offline-reasons')));
    expect(problems).toEqual([]);
  });

  it('the last 10 s of the reasons screen: the notice moves nothing and pushes no button onto two lines, at every size', async () => {
    // Its 10 s last from 2 s after the screen opens until it ends; the checks take less.
    // A training terminal: the notice shares the banner's line with the 培训模式 mark.
    const h = await hall({ reasonsTimeoutSeconds: 12, training: true });
    await signInLong(h);
    const problems: string[] = [];
    const passes = [
      ['zh', '还剩 10 秒，按任意键可延长'],
      ['en', '10 s left: press any key for more time'],
      ['keypad-offline', '还剩 10 秒，点选原因可延长'],
    ] as const;
    for (const [pass, says] of passes) {
      if (pass === 'keypad-offline') {
        if (!h.keypad) throw new Error('this hall has a keypad');
        h.keypad.silent = true;
        await h.page.waitForSelector('#banner:has-text("评价器按键暂不可用")', { timeout: 10_000 });
      }
      await h.prompt({ service: LONG_SERVICE, departments: [LONG_DEPARTMENT] });
      if (pass === 'en') await h.tap('English');
      await h.tap(pass === 'en' ? 'Dissatisfied' : '不满意');
      await h.screen('reasons');
      const frameBefore = new Map<string, string>();
      for (const [w, ht] of AUDIT_SIZES) {
        await h.page.setViewportSize({ width: w, height: ht });
        await settle(h);
        frameBefore.set(`${w}×${ht}`, await frame(h));
      }
      const note = h.page.locator('#banner .ending-note');
      await note.waitFor({ timeout: 15_000 });
      expect(await note.textContent()).toBe(says);
      for (const [w, ht] of AUDIT_SIZES) {
        await h.page.setViewportSize({ width: w, height: ht });
        await settle(h);
        const found = [
          ...(await wrappedButtons(h.page)),
          ...(await layoutProblems(h.page, '#banner, #app', MIN_TEXT_PX, true)),
        ];
        // Nothing moved: the banner's line and every button are where they were.
        if ((await frame(h)) !== frameBefore.get(`${w}×${ht}`)) found.push('the notice moved the screen');
        problems.push(...found.map((p) => `${pass} at ${w}×${ht}: ${p}`));
        await h.page.screenshot({ path: join(SCREENSHOT_DIR, `audit-ending-${pass}-${w}x${ht}.png`) });
      }
      // Measured with the notice on screen, not after the screen ended.
      expect(await note.isVisible()).toBe(true);
      await h.page.setViewportSize({ width: 1024, height: 600 });
      await h.tap(pass === 'en' ? 'Submit' : '提交');
      await h.screen('thanks');
    }
    expect(problems).toEqual([]);
  });

  it('a training terminal, the PIN pad and the technicians’ screen', async () => {
    const h = await hall({ training: true, pin: '2468' });
    await signInLong(h);
    const problems: string[] = [];
    problems.push(...(await auditScreen(h.page, 'training-idle')));
    await h.prompt({ service: LONG_SERVICE, departments: [LONG_DEPARTMENT] });
    problems.push(...(await auditScreen(h.page, 'training-rate')));
    await h.tap('不评价');
    await h.screen('idle');

    await h.page.keyboard.press('Control+Shift+D');
    await h.page.waitForSelector('#diagnostics >> text=请输入诊断密码');
    problems.push(...(await auditScreen(h.page, 'pin-pad', { root: '#diagnostics' })));
    for (const d of '2468') await h.tap(d);
    await h.tap('确定');
    await h.page.waitForSelector('#diagnostics >> text=关闭');
    problems.push(
      ...(await auditScreen(h.page, 'diagnostics', { root: '#diagnostics', citizenText: false })),
    );
    expect(problems).toEqual([]);
  });

  it('the idle screens: no clerk, a clerk, paused, a kiosk, each beside the hall’s notices', async () => {
    const folder = await noticeFolder(browser());
    // Notices that stay put while each size is audited.
    const h = await hall({ idleSlides: { folder, seconds: 600 } });
    const problems: string[] = [];
    await h.page.waitForSelector('#app .slide img');
    problems.push(...(await auditScreen(h.page, 'idle-notices-no-clerk')));
    await signInLong(h);
    problems.push(...(await auditScreen(h.page, 'idle-notices-clerk')));
    expect((await h.api('PUT', '/v1/clerk/status', { status: 'paused' })).status).toBe(200);
    await h.page.waitForSelector('h1:text("暂停服务")');
    // In words, not by colour alone: the heading, the card's tag and the line below.
    expect(await h.page.locator('.clerk .status-tag').textContent()).toBe('暂停服务');
    expect(await h.page.locator('.invitation').textContent()).toBe('请稍候，工作人员马上回来');
    problems.push(...(await auditScreen(h.page, 'idle-notices-paused')));
    // The training and keypad banners still show over an idle screen with notices.
    if (!h.keypad) throw new Error('this hall has a keypad');
    h.keypad.silent = true;
    await h.page.waitForSelector('#banner:not([hidden])', { timeout: 10_000 });
    problems.push(...(await auditScreen(h.page, 'idle-notices-keypad-offline')));

    const kiosk = await hall({ mode: 'kiosk', training: true, idleSlides: { folder, seconds: 600 } });
    await kiosk.page.waitForSelector('#app .slide img');
    expect(await kiosk.page.locator('.invitation').textContent()).toBe('办理业务后，可在此对服务进行评价');
    expect(await kiosk.page.locator('#banner .training-mark').textContent()).toBe('培训模式');
    problems.push(...(await auditScreen(kiosk.page, 'idle-notices-kiosk')));

    const plain = await hall();
    await signInLong(plain);
    expect((await plain.api('PUT', '/v1/clerk/status', { status: 'paused' })).status).toBe(200);
    await plain.page.waitForSelector('h1:text("暂停服务")');
    problems.push(...(await auditScreen(plain.page, 'idle-paused')));
    expect(problems).toEqual([]);
  });

  it('the fault screen', async () => {
    disk = mountSmallDisk(2048);
    const h = await hall({ storeDir: disk.dir });
    await signInLong(h);
    fillDisk(disk.dir);
    let status = 201;
    for (let i = 0; i < 100 && status === 201; i++) {
      status = (
        await h.api('POST', '/v1/prompts?replace=true', {
          transactionId: `FULL-${i}`,
          service: LONG_SERVICE,
          departments: PARALLEL,
          mode: 'package',
        })
      ).status;
    }
    expect(status).toBe(503);
    await h.screen('fault');
    expect(await auditScreen(h.page, 'fault')).toEqual([]);
  });
});
