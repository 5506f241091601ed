// English for foreign citizens, end to end: the real serve process, the KP/1 keypad
// simulator, the platform simulator and Debian's Chromium. The toggle changes what the
// screen says, never what is stored or sent; the next prompt starts in Chinese; the
// keypad rates in English as in Chinese; the English screens pass the audit.

import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { NATIONAL_ENGLISH } from '../../src/core/english.js';
import { auditScreen } from '../helpers/audit.js';
import { chromiumForFile } from '../helpers/chromium-per-file.js';
import { waitFor } from '../helpers/cli.js';
import { Hall, type HallOptions } from '../helpers/hall.js';
import { layoutProblems } from '../helpers/indicator-layout.js';

const browser = chromiumForFile();

const halls: Hall[] = [];
afterEach(async () => {
  for (const h of halls.splice(0)) await h.close();
});

async function hall(options: HallOptions = {}): Promise<Hall> {
  const h = await Hall.open(browser(), options);
  halls.push(h);
  await h.signIn();
  await h.page.waitForSelector('h1:text("欢迎光临")');
  return h;
}

async function title(h: Hall): Promise<string> {
  return ((await h.page.locator('#app h1').textContent()) ?? '').trim();
}

/** What must be the same for the same choices, whatever the language: all but ids and times. */
function choices(body: Record<string, unknown>) {
  const { id: _i, promptId: _p, transactionId: _t, ratedAt: _r, serviceTime: _s, flags, ...rest } = body;
  // `burst` says two ratings came within 5 s of each other, which is about this test's pace.
  return { ...rest, flags: (flags as string[]).filter((f) => f !== 'burst') };
}

describe('the 中文/English toggle', { timeout: 120_000 }, () => {
  it('by touch: English screens, the same record as the Chinese path, and the next prompt in Chinese', async () => {
    const h = await hall();
    await h.prompt({ transactionId: 'TX-EN' });
    expect(await title(h)).toBe('请您对本次服务进行评价');
    await h.tap('English');
    await h.page.waitForSelector('h1:text("Please rate our service")');
    expect(await h.page.getAttribute('html', 'lang')).toBe('zh-CN');
    expect(await h.page.getAttribute('#app', 'lang')).toBe('en');
    // The service and the department stay as the business system named them, marked Chinese.
    expect(await h.page.getAttribute('.sub .service', 'lang')).toBe('zh-CN');
    await h.page.getByRole('button', { name: 'Dissatisfied Key 4' }).waitFor();
    await h.shoot('english-rate');
    await h.tap('Dissatisfied');
    await h.page.waitForSelector('h1:text("What went wrong? (choose any)")');
    await h.tap('Curt, unfriendly staff');
    await h.page.waitForSelector('button[aria-label="Curt, unfriendly staff"][aria-pressed="true"]');
    await h.tap('Asked for the same papers again');
    await h.page.waitForSelector('button[aria-label="Asked for the same papers again"][aria-pressed="true"]');
    await h.shoot('english-reasons');
    await h.tap('Submit');
    await h.page.waitForSelector('h1:text("Thank you for your rating")');
    await h.screen('idle');

    // The next citizen: Chinese, and the toggle offers English again.
    await h.prompt({ transactionId: 'TX-ZH' });
    expect(await title(h)).toBe('请您对本次服务进行评价');
    expect(await h.page.getAttribute('#app', 'lang')).toBe(null);
    await h.page.getByRole('button', { name: 'English' }).waitFor();
    await h.tap('不满意');
    await h.screen('reasons');
    await h.tap('服务态度生硬');
    await h.page.waitForSelector('button[aria-label="服务态度生硬"][aria-pressed="true"]');
    await h.tap('同样内容的证明材料被要求多次提交');
    await h.page.waitForSelector(
      'button[aria-label="同样内容的证明材料被要求多次提交"][aria-pressed="true"]',
    );
    await h.tap('提交');
    await h.screen('thanks');

    // The platform has a rating only once it is final: then the store holds both as sent.
    const sent = await h.platformHas(2);
    await waitFor(() => h.records().every((r) => r.state === 'delivered'), 'both ratings delivered');
    const [english, chinese] = h.records().map((r) => r.body) as [
      Record<string, unknown>,
      Record<string, unknown>,
    ];
    expect(english).toMatchObject({ transactionId: 'TX-EN', level: 2, reasons: ['210', '214'] });
    expect(chinese).toMatchObject({ transactionId: 'TX-ZH', level: 2, reasons: ['210', '214'] });
    expect(choices(english)).toEqual(choices(chinese));
    // And the platform hears the same of both.
    const of = (tx: string) => sent.find((s) => s.projectNo === tx) as Record<string, unknown>;
    expect([of('TX-EN').satisfaction, of('TX-EN').evalDetail]).toEqual([2, '210,214']);
    expect([of('TX-ZH').satisfaction, of('TX-ZH').evalDetail]).toEqual([2, '210,214']);
  });

  it('the keypad rates in English and changes nothing of the language; back to 中文 by touch', async () => {
    const h = await hall();
    if (!h.keypad) throw new Error('this hall has a keypad');
    await h.prompt();
    await h.tap('English');
    await h.page.waitForSelector('h1:text("Please rate our service")');
    // Key 4 is 不满意 on the default keymap: the reasons screen, still in English.
    expect((await h.keypad.press(4)).acked).toBe(true);
    await h.page.waitForSelector('h1:text("What went wrong? (choose any)")');
    expect(await h.page.locator('.key-hints li').first().textContent()).toBe('Key 1: Previous');
    // The toggle is a touch: the reasons screen's time starts again (the countdown's deadline moves).
    const before = Number(await h.page.getAttribute('.countdown', 'data-deadline'));
    await h.tap('中文');
    await h.page.waitForSelector('h1:text("请选择不满意的原因")');
    await h.page.waitForFunction(
      (old) => Number(document.querySelector('.countdown')?.getAttribute('data-deadline')) > old,
      before,
    );
    await h.tap('English');
    await h.page.waitForSelector('h1:text("What went wrong? (choose any)")');
    // Key 3 chooses the first reason, key 5 submits.
    expect((await h.keypad.press(3)).acked).toBe(true);
    await h.page.waitForSelector('button[aria-label="No sample documents"][aria-pressed="true"]');
    expect((await h.keypad.press(5)).acked).toBe(true);
    await h.page.waitForSelector('h1:text("Thank you for your rating")');
    const [sent] = await h.platformHas(1);
    expect(sent).toMatchObject({ satisfaction: 2, evalDetail: '207' });
    expect(h.records().map((r) => r.body)).toEqual([expect.objectContaining({ level: 2, reasons: ['207'] })]);
  });

  it('every level’s English indicators show whole, 18 px or more, on at most two lines (three at 800×480), at every screen size', async () => {
    const shipped = JSON.parse(
      readFileSync(new URL('../../assets/reasons.json', import.meta.url), 'utf8'),
    ) as {
      levels: Record<string, { code: string }[]>;
    };
    const h = await hall({ goodIndicators: 'optional' });
    const names = [
      '',
      'Very dissatisfied',
      'Dissatisfied',
      'Basically satisfied',
      'Satisfied',
      'Very satisfied',
    ];
    for (const [w, ht] of [
      [1024, 600],
      [800, 480],
      [1920, 1080],
      [600, 1024],
    ] as const) {
      for (const level of [2, 1, 5, 4, 3]) {
        await h.page.setViewportSize({ width: w, height: ht });
        await h.prompt();
        // At 600×1024 the toggle is among the footer's buttons, elsewhere beside the title.
        await h.tap('English');
        await h.tap(names[level] as string);
        const kind = level <= 2 ? 'reasons' : 'indicators';
        await h.screen(kind);
        await h.page.waitForSelector('#app[lang="en"] button.reason');
        const { labels, problems } = await layoutProblems(h.page);
        expect(problems, `level ${level} at ${w}×${ht}`).toEqual([]);
        expect(labels).toEqual(shipped.levels[String(level)]?.map((r) => NATIONAL_ENGLISH[r.code]?.[1]));
        // Checked on the screen it was meant for (a 好评's ends on its own after 10 s).
        expect(await h.page.locator('main').getAttribute('data-screen')).toBe(kind);
        await h.tap(level <= 2 ? 'Submit' : 'Finish');
        await h.screen('thanks');
      }
    }
  });

  it('the English screens pass the audit at every size', { timeout: 300_000 }, async () => {
    const h = await hall({ timeoutSeconds: 900, reasonsTimeoutSeconds: 900, goodIndicators: 'optional' });
    const problems: string[] = [];
    const LONG_SERVICE = {
      code: 'S-LONG',
      name: '企业职工基本养老保险关系转移接续申请（跨省转入、含视同缴费年限认定）',
    };
    const LONG_DEPARTMENT = { code: 'D-LONG', name: '国家税务总局惠安县税务局第一税务分局' };
    const CITIZEN = { name: '欧阳美英', idNumber: '350521199001011234', phone: '13812345678', type: 1 };
    await h.prompt({ service: LONG_SERVICE, departments: [LONG_DEPARTMENT], citizen: CITIZEN });
    await h.tap('English');
    await h.page.waitForSelector('h1:text("Please rate our service")');
    problems.push(...(await auditScreen(h.page, 'english-rate')));
    for (const level of ['Very dissatisfied', 'Dissatisfied']) {
      await h.tap(level);
      await h.screen('reasons');
      await h.page.locator('.reason').first().click();
      await h.page.waitForSelector('.reason[aria-pressed="true"]');
      problems.push(...(await auditScreen(h.page, `english-reasons-${level.length}`)));
      await h.tap('Change rating');
      await h.page.waitForSelector('h1:text("Please choose your rating again")');
    }
    problems.push(...(await auditScreen(h.page, 'english-change-level')));
    await h.tap('Very dissatisfied');
    await h.screen('reasons');
    await h.tap('Submit');
    await h.page.waitForSelector('h1:text("Thank you for your rating")');
    problems.push(...(await auditScreen(h.page, 'english-thanks', {}, [[1024, 600]])));
    await h.screen('idle');

    // A 好评's indicators screen ends 10 s after the press: one prompt per size, each good level.
    const sizes = [
      [1024, 600, 'Very satisfied'],
      [800, 480, 'Satisfied'],
      [1920, 1080, 'Basically satisfied'],
      [600, 1024, 'Satisfied'],
    ] as const;
    for (const [w, ht, level] of sizes) {
      await h.prompt({ service: LONG_SERVICE, departments: [LONG_DEPARTMENT] });
      await h.tap('English');
      await h.tap(level);
      await h.screen('indicators');
      await h.page.waitForSelector('h1:text("Thank you for your rating")');
      problems.push(...(await auditScreen(h.page, `english-indicators-${level}`, {}, [[w, ht]])));
      await h.tap('Finish');
      await h.screen('thanks');
      await h.screen('idle');
    }

    await h.prompt({
      service: LONG_SERVICE,
      mode: 'parallel',
      departments: [
        { code: 'D-A', name: '惠安县市场监督管理局' },
        { code: 'D-B', name: '国家税务总局惠安县税务局' },
        { code: 'D-C', name: '惠安县人力资源和社会保障局' },
      ],
    });
    await h.tap('English');
    await h.page.waitForSelector('h1:text("How would you like to rate?")');
    problems.push(...(await auditScreen(h.page, 'english-choose-scope')));
    await h.tap('Rate each department');
    await h.page.waitForSelector('text=department 1 of 3');
    expect(await h.page.locator('h1').textContent()).toBe('Please rate 惠安县市场监督管理局');
    expect(await h.page.locator('h1 .dept').getAttribute('lang')).toBe('zh-CN');
    problems.push(...(await auditScreen(h.page, 'english-per-department')));
    await h.page.waitForTimeout(350);
    await h.tap('Satisfied');
    await h.page.waitForSelector('.dept-rated:has-text("Rated: 惠安县市场监督管理局")');
    expect(await h.page.locator('h1').textContent()).toBe('Please rate 国家税务总局惠安县税务局');
    problems.push(...(await auditScreen(h.page, 'english-per-department-next')));
    await h.tap('Skip');
    await h.page.waitForSelector('h1:text("Thank you for your rating")');
    expect(await h.page.locator('.given-level').textContent()).toBe('Your rating: Satisfied');
    await h.screen('idle', 10_000);

    // The keypad-offline banner speaks English too, and the screen still fits.
    if (!h.keypad) throw new Error('this hall has a keypad');
    h.keypad.silent = true;
    await h.page.waitForSelector('#banner:not([hidden])', { timeout: 10_000 });
    await h.prompt({ service: LONG_SERVICE, departments: [LONG_DEPARTMENT] });
    await h.tap('English');
    await h.page.waitForSelector(
      '#banner span[lang="en"]:text("The keypad is not working: please touch the screen")',
    );
    problems.push(...(await auditScreen(h.page, 'english-keypad-offline')));
    await h.tap('Skip');
    await h.screen('idle');
    expect(await h.page.textContent('#banner')).toBe('评价器按键暂不可用，请直接点击屏幕评价');
    expect(problems).toEqual([]);
  });
});
