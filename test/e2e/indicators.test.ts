// The evaluation indicators on the citizen's screens, end to end: the real serve
// process with prompt.goodIndicators: optional, the KP/1 keypad simulator on a pty, the
// platform simulator, and Debian's Chromium. Every level's indicators (the national
// list, labels up to 18 characters) must show whole, in text of 18 px or more, on at
// most two lines (three at 800×480), on the counter screens (1024×600, 800×480), a big
// one (1920×1080) and portrait (600×1024).
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { chromiumForFile } from '../helpers/chromium-per-file.js';
import { waitFor } from '../helpers/cli.js';
import { Hall } from '../helpers/hall.js';
import { layoutProblems } from '../helpers/indicator-layout.js';

const browser = chromiumForFile();

const halls: Hall[] = [];
afterEach(async () => {
  for (const h of halls.splice(0)) await h.close();
});

async function hall(): Promise<Hall> {
  const h = await Hall.open(browser(), { goodIndicators: 'optional' });
  halls.push(h);
  await h.signIn();
  await h.page.waitForSelector('h1:text("欢迎光临")');
  return h;
}

const shipped = JSON.parse(readFileSync(new URL('../../assets/reasons.json', import.meta.url), 'utf8')) as {
  levels: Record<string, { code: string; label: string }[]>;
};

const SIZES = [
  [1024, 600],
  [800, 480],
  [1920, 1080],
  [600, 1024],
] as const;

const LEVEL_LABELS: Record<number, string> = {
  5: '非常满意',
  4: '满意',
  3: '基本满意',
  2: '不满意',
  1: '非常不满意',
};

describe('indicators on the citizen’s screens', { timeout: 120_000 }, () => {
  it('every level’s indicators show whole, 18 px or more, on at most two lines (three at 800×480), at every screen size', async () => {
    const h = await hall();
    for (const [w, hgt] of SIZES) {
      for (const level of [2, 1, 5, 4, 3]) {
        await h.page.setViewportSize({ width: w, height: hgt });
        await h.prompt();
        await h.tap(LEVEL_LABELS[level] as string);
        const kind = level <= 2 ? 'reasons' : 'indicators';
        await h.screen(kind);
        await h.shoot(`${kind}-level-${level}`, [[w, hgt]], async (size) => {
          const { labels, problems } = await layoutProblems(h.page);
          expect(problems, `level ${level} at ${size}`).toEqual([]);
          expect(labels).toEqual(shipped.levels[String(level)]?.map((r) => r.label));
        });
        // Checked on the screen it was meant for (a 好评's ends on its own after 10 s).
        expect(await h.page.locator('main').getAttribute('data-screen')).toBe(kind);
        await h.page.setViewportSize({ width: w, height: hgt });
        await h.tap(level <= 2 ? '提交' : '完成');
        await h.screen('thanks');
      }
    }
  });

  it('a 好评 by keypad: stored at the press, indicators chosen by keys, forwarded when left', async () => {
    const h = await hall();
    await h.prompt();
    expect((await h.keypad?.press(1))?.acked).toBe(true); // 非常满意
    await h.screen('indicators');
    expect(await h.page.locator('h1').textContent()).toBe('谢谢您的评价');
    // biome-ignore lint/performance/useDomNodeTextContent: what a citizen sees is the rendered text
    const hints = await h.page.locator('.key-hints').innerText();
    expect(hints.split('\n')).toEqual(['按键 1：上一项', '按键 2：下一项', '按键 3：选择', '按键 5：完成']);
    // (Screenshots come from the test above: here the keys must beat the 10 s.)
    // On disk at once, as a draft: not forwarded while the screen is up.
    expect(h.records()).toEqual([{ state: 'draft', body: expect.objectContaining({ level: 5 }) }]);
    expect(h.platform.requests.flatMap((r) => r.recordIds)).toEqual([]);
    await h.keypad?.press(2); // next: 可以先受理后补材料
    await h.page.waitForSelector('button.reason.cursor[aria-label="可以先受理后补材料"]');
    await h.keypad?.press(3); // select
    await h.page.waitForSelector('button.reason[aria-label="可以先受理后补材料"][aria-pressed="true"]');
    await h.keypad?.press(4); // nothing here
    await h.keypad?.press(5); // 完成
    await h.screen('thanks');
    const [sent] = await h.platformHas(1);
    expect(sent).toMatchObject({ satisfaction: 5, evalDetail: '511', writingEvaluation: '' });
  });

  it('a 好评 left alone on its indicators screen is final after 10 s and forwarded', async () => {
    const h = await hall();
    const id = await h.prompt();
    await h.tap('满意');
    await h.screen('indicators');
    await h.tap('服务态度较好');
    await h.page.waitForSelector('button.reason[aria-label="服务态度较好"][aria-pressed="true"]');
    await h.screen('thanks', 20_000);
    const [sent] = await h.platformHas(1);
    expect(sent).toMatchObject({ satisfaction: 4, evalDetail: '413' });
    await waitFor(() => h.records()[0]?.state === 'delivered', 'the rating stored as delivered');
    expect((await h.api('GET', `/v1/prompts/${id}`)).body.status).toBe('rated');
  });
});
