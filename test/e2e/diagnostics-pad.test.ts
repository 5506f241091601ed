// The technicians' PIN pad end to end (real serve process, Chromium): it exists only
// when `diagnostics.pin` is set, fits every supported screen, and never stands between
// a citizen and a prompt.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { cstDateTime } from '../../src/core/cst.js';
import { chromiumForFile } from '../helpers/chromium-per-file.js';
import { Hall, type HallOptions, SCREENSHOT_DIR } from '../helpers/hall.js';

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

/** The screens the terminal supports: the counter's 1024×600 and 800×480, a kiosk's 1920×1080 and portrait 600×1024. */
const SIZES = [
  [1024, 600],
  [800, 480],
  [1920, 1080],
  [600, 1024],
] as const;
const MIN_TARGET = 96;

const PIN = '2468';

async function overlayHidden(page: Page): Promise<boolean> {
  return page.locator('#diagnostics').isHidden();
}

async function openPad(page: Page): Promise<void> {
  await page.keyboard.press('Control+Shift+D');
  await page.waitForSelector('#diagnostics >> text=请输入诊断密码');
}

/**
 * Every button of the overlay that is not where a finger can press it: outside the
 * viewport, smaller than a 96 px target, or covered by something else at its centre.
 */
async function unreachableButtons(page: Page): Promise<string[]> {
  return page.$$eval(
    '#diagnostics button',
    (buttons, min) => {
      const w = window.innerWidth;
      const h = window.innerHeight;
      return buttons.flatMap((b) => {
        const r = b.getBoundingClientRect();
        const name = b.textContent ?? '';
        const problems: string[] = [];
        if (r.left < 0 || r.top < 0 || r.right > w || r.bottom > h) {
          problems.push(`${name} outside ${w}×${h} at ${Math.round(r.left)},${Math.round(r.top)}`);
        }
        if (r.width < min || r.height < min) {
          problems.push(`${name} ${Math.round(r.width)}×${Math.round(r.height)}`);
        }
        const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        if (!top || !b.contains(top)) problems.push(`${name} covered`);
        return problems;
      });
    },
    MIN_TARGET,
  );
}

/** The pad's text (title, message, the dots of the digits entered) running past its column or under the keys. */
async function textProblems(page: Page): Promise<string[]> {
  return page.$$eval('#diagnostics .pin-text', (columns) =>
    columns.flatMap((column) => {
      const problems: string[] = [];
      const keys = document.querySelector('#diagnostics .pin-pad')?.getBoundingClientRect();
      for (const line of [column, ...column.children]) {
        if (line.scrollWidth > line.clientWidth + 1)
          problems.push(`${line.className || line.tagName} overflows`);
      }
      const r = column.getBoundingClientRect();
      if (keys && r.left < keys.right && keys.left < r.right && r.top < keys.bottom && keys.top < r.bottom) {
        problems.push('the text overlaps the keys');
      }
      return problems;
    }),
  );
}

/** The rating buttons a citizen sees are the topmost thing on the screen. */
async function ratingButtonsOnTop(page: Page): Promise<boolean> {
  return page.$$eval(
    '#app button.level',
    (buttons) =>
      buttons.length === 5 &&
      buttons.every((b) => {
        const r = b.getBoundingClientRect();
        const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        return top !== null && b.contains(top);
      }),
  );
}

describe('the technicians’ PIN pad', { timeout: 60_000 }, () => {
  it('without diagnostics.pin, neither Ctrl+Shift+D nor the 3 s corner hold opens anything', async () => {
    const h = await hall();
    await h.page.keyboard.press('Control+Shift+D');
    // The page's own timers, run past the hold time at once: no wait on the wall clock.
    await h.page.clock.install();
    await h.page.mouse.move(10, 10);
    await h.page.mouse.down();
    await h.page.clock.runFor(3_200);
    await h.page.mouse.up();
    expect(await overlayHidden(h.page)).toBe(true);
    expect(await h.page.getByText('请输入诊断密码').count()).toBe(0);
    // The corner a technician would hold is not there to catch a citizen's touch either.
    expect(await h.page.locator('.corner').count()).toBe(0);
  });

  it('fits every supported screen with targets of 96 px, and the corner hold opens it', async () => {
    const h = await hall({ pin: PIN });
    await h.page.clock.install();
    const corner = await h.page.locator('.corner').boundingBox();
    if (!corner) throw new Error('with a PIN set, the corner to hold is missing');
    await h.page.mouse.move(corner.x + 10, corner.y + 10);
    await h.page.mouse.down();
    await h.page.clock.runFor(3_200);
    await h.page.mouse.up();
    await h.page.waitForSelector('#diagnostics >> text=请输入诊断密码');
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const shoot = async (name: string) => {
      for (const [w, ht] of SIZES) {
        await h.page.setViewportSize({ width: w, height: ht });
        expect(await unreachableButtons(h.page), `${name} at ${w}×${ht}`).toEqual([]);
        expect(await textProblems(h.page), `${name} at ${w}×${ht}`).toEqual([]);
        await h.page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-${w}x${ht}.png`) });
      }
      await h.page.setViewportSize({ width: 1024, height: 600 });
    };
    await shoot('pin-pad');
    // The longest a line gets: twelve digits entered, and the lock-out message.
    for (let i = 0; i < 5; i++) {
      for (const d of '1357') await h.tap(d);
      await h.tap('确定');
      await h.page.waitForSelector(`#diagnostics >> text=${i < 4 ? '密码错误' : '错误次数过多'}`);
    }
    for (const d of '123456789012') await h.tap(d);
    expect(await h.page.locator('.pin-shown').textContent()).toBe('●'.repeat(12));
    await shoot('pin-pad-locked');
    await h.tap('取消');
    expect(await overlayHidden(h.page)).toBe(true);
  });

  it('a prompt closes the pad and the diagnostics screen, and the KP/1 keypad rates', async () => {
    const h = await hall({ pin: PIN });
    await openPad(h.page);
    for (const d of '24') await h.tap(d);
    await h.prompt();
    // The view that brought the rating screen closed the overlay in the same step.
    expect(await overlayHidden(h.page)).toBe(true);
    expect(await ratingButtonsOnTop(h.page)).toBe(true);
    // Nor can it be opened over a prompt.
    await h.page.keyboard.press('Control+Shift+D');
    expect(await overlayHidden(h.page)).toBe(true);
    expect((await h.keypad?.press(2))?.acked).toBe(true);
    await h.screen('thanks');
    await h.page.waitForSelector('.given-level:text("您的评价：满意")');
    expect(h.records().map((r) => r.body.level)).toEqual([4]);

    await openPad(h.page);
    for (const d of PIN) await h.tap(d);
    await h.tap('确定');
    await h.page.waitForSelector('#diagnostics >> text=被平台拒收的记录（0）');
    await h.prompt();
    expect(await overlayHidden(h.page)).toBe(true);
    expect(await ratingButtonsOnTop(h.page)).toBe(true);
    await h.keypad?.press(1);
    await h.screen('thanks');
    await h.page.waitForSelector('.given-level:text("您的评价：非常满意")');
    expect(h.records().map((r) => r.body.level)).toEqual([4, 5]);
  });

  it('a rating given before its prompt’s serviceTime is kept, flagged clock_skew, and shown', async () => {
    const h = await hall({ pin: PIN });
    // The business system's clock 4 minutes ahead: inside the 5 the API takes.
    const serviceTime = cstDateTime(Date.now() + 240_000);
    await h.prompt({ serviceTime });
    await h.page.click('button.level[data-level="5"]');
    await h.screen('thanks');
    // Committed and queued (or already forwarded) like any rating: never held.
    expect(h.records().map((r) => r.body)).toEqual([
      expect.objectContaining({ level: 5, flags: ['clock_skew'], serviceTime }),
    ]);
    await openPad(h.page);
    for (const d of PIN) await h.tap(d);
    await h.tap('确定');
    await h.page.waitForSelector('#diagnostics >> text=/近 7 天 1 条评价早于办件时间/');
    expect(await h.page.locator('#diagnostics').textContent()).toContain(`办件时间 ${serviceTime}`);
  });

  it('a prompt closes the pad, and a keyboard-wedge (hid) keypad rates', async () => {
    const h = await hall({ pin: PIN, keypad: 'hid' });
    await openPad(h.page);
    await h.prompt();
    expect(await overlayHidden(h.page)).toBe(true);
    expect(await ratingButtonsOnTop(h.page)).toBe(true);
    // F2 is key position 2 by default: 满意.
    await h.page.keyboard.press('F2');
    await h.screen('thanks');
    await h.page.waitForSelector('.given-level:text("您的评价：满意")');
    expect(h.records().map((r) => r.body.level)).toEqual([4]);
  });
});
