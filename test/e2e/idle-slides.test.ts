// The idle screen and the hall's notices (ui.idleSlides), end to end: the real serve
// process, notices made as PNG files by Chromium itself, and the screens in Chromium with
// its clock under the test's hand (page.clock), so a turn of the notices is a step of the
// fake clock, not a wait.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { chromiumForFile } from '../helpers/chromium-per-file.js';
import { Hall, type HallOptions } from '../helpers/hall.js';
import { makeNotice, noticeFolder } from '../helpers/notices.js';
import { tempDir } from '../helpers/temp.js';

const browser = chromiumForFile();

const halls: Hall[] = [];
afterEach(async () => {
  for (const h of halls.splice(0)) await h.close();
});

const START = new Date('2026-03-02T09:00:00+08:00').getTime();

async function hallWithNotices(folder: string, extra: HallOptions = {}): Promise<Hall> {
  const h = await Hall.open(browser(), {
    idleSlides: { folder, seconds: 10 },
    // The page's clock is the test's from the first load: turns happen when it says.
    beforeLoad: async (context) => {
      await context.clock.install({ time: START });
    },
    ...extra,
  });
  halls.push(h);
  return h;
}

async function shownNotice(h: Hall): Promise<{ alt: string; caption: string; src: string }> {
  return h.page.$eval('#app .slide', (f) => ({
    alt: f.querySelector('img')?.alt ?? '',
    caption: f.querySelector('figcaption')?.textContent ?? '',
    src: new URL(f.querySelector('img')?.src ?? 'http://x/').pathname,
  }));
}

async function noticeLoaded(h: Hall): Promise<void> {
  await h.page.waitForFunction(() => {
    const img = document.querySelector<HTMLImageElement>('#app .slide img');
    return img?.complete && img.naturalWidth > 0;
  });
}

describe('the hall’s notices on the idle screen', { timeout: 90_000 }, () => {
  it('turn in name order, leave with a prompt in the same frame, and come back after it', async () => {
    const folder = await noticeFolder(browser());
    const h = await hallWithNotices(folder);
    await h.signIn();
    await h.page.waitForSelector('text=林晓');
    await noticeLoaded(h);
    const order: string[] = [];
    // The slot the fake clock is in decides the first; three turns show all three.
    for (let i = 0; i < 3; i++) {
      order.push((await shownNotice(h)).alt);
      await h.page.clock.runFor(10_000);
    }
    const first = (await shownNotice(h)).alt;
    expect(first).toBe(order[0]);
    // Name order as people read it: 1, 2, 10 (not 1, 10, 2), starting wherever the clock is.
    const names = ['大厅公告：1-办事指南', '大厅公告：2-预约服务', '大厅公告：10-温馨提示'];
    const start = names.indexOf(order[0] ?? '');
    expect(start).toBeGreaterThanOrEqual(0);
    expect(order).toEqual([0, 1, 2].map((i) => names[(start + i) % 3]));
    expect((await shownNotice(h)).caption).toMatch(/^大厅公告 [123] \/ 3$/);
    // The window and the clerk stay in view beside the notice.
    expect(await h.page.locator('.window-no').textContent()).toBe('12 号窗口');
    expect(await h.page.locator('.clerk-name').isVisible()).toBe(true);
    await noticeLoaded(h);

    // Watch every frame from here: the notice may never share one with a prompt's screen.
    await h.page.evaluate(() => {
      const w = window as unknown as { __frames: { screen: string; slide: boolean }[] };
      w.__frames = [];
      const app = document.getElementById('app') as HTMLElement;
      new MutationObserver(() => {
        w.__frames.push({ screen: app.dataset.screen ?? '', slide: app.querySelector('.slide') !== null });
      }).observe(app, { childList: true, attributes: true });
    });
    await h.prompt();
    expect(await h.page.locator('.slide').count()).toBe(0);
    const frames = await h.page.evaluate(
      () => (window as unknown as { __frames: { screen: string; slide: boolean }[] }).__frames,
    );
    expect(frames.filter((f) => f.screen !== 'idle' && f.slide)).toEqual([]);
    expect(frames.some((f) => f.screen === 'rate' && !f.slide)).toBe(true);
    // A turn of the clock while the prompt is up brings no notice back over it.
    await h.page.clock.runFor(10_000);
    expect(await h.page.locator('.slide').count()).toBe(0);
    await h.tap('满意');
    await h.screen('thanks');
    expect(await h.page.locator('.slide').count()).toBe(0);
    // The thank-you screen ends on the engine's real clock; then the notices are back.
    await h.screen('idle');
    await noticeLoaded(h);
    expect(names).toContain((await shownNotice(h)).alt);
  });

  it('serves only the files the engine listed: hostile names, links out and oversized files are 404', async () => {
    const folder = tempDir('hcp-notices-');
    await makeNotice(browser(), join(folder, '1-办事指南.png'), '办事指南', ['不动产登记请到 3 号窗口']);
    const outside = tempDir('hcp-outside-');
    await makeNotice(browser(), join(outside, 'secret.png'), '外部文件', ['不应显示']);
    symlinkSync(join(outside, 'secret.png'), join(folder, '3-link-out.png'));
    writeFileSync(join(folder, '4-huge.png'), Buffer.alloc(9 * 1024 * 1024, 0x89));
    writeFileSync(join(folder, '5-not-an-image.png'), 'hello');
    mkdirSync(join(folder, '6-folder.png'));
    const h = await hallWithNotices(folder);
    await noticeLoaded(h);
    const good = (await shownNotice(h)).src;
    expect(good).toMatch(/^\/slides\/[0-9a-f]{16}$/);
    const get = async (path: string) => {
      const r = await fetch(new URL(path, h.screensUrl));
      return { status: r.status, type: r.headers.get('content-type') };
    };
    expect(await get(good)).toEqual({ status: 200, type: 'image/png' });
    for (const hostile of [
      '/slides/1-办事指南.png',
      `/slides/${encodeURIComponent('1-办事指南.png')}`,
      '/slides/../config.json',
      '/slides/%2e%2e/config.json',
      '/slides/%2e%2e%2fconfig.json',
      '/slides/..%2f..%2fpackage.json',
      '/slides/3-link-out.png',
      '/slides/4-huge.png',
      '/slides/5-not-an-image.png',
      `/slides/${'0'.repeat(16)}`,
      `/slides/${good.slice('/slides/'.length).toUpperCase()}`,
      `${good}/..`,
      '/slides/',
      '/slides/%00',
    ])
      expect(await get(hostile), hostile).toEqual({ status: 404, type: 'text/plain; charset=utf-8' });
    // Only the one real notice turns: the others were left out (and logged), nothing crashed.
    await h.page.clock.runFor(30_000);
    expect((await shownNotice(h)).caption).toBe('大厅公告');
  });
});
