// A citizen who cannot see the screen rates by voice alone: the real serve process, the
// KP/1 keypad simulator on a pty and Debian's Chromium started as README says (with
// --autoplay-policy=no-user-gesture-required). The test hears what the page really
// plays — each clip's start and end, in order — and presses keys only after the terminal
// has finished saying what a blind citizen needs to hear before pressing.
import type { BrowserContext } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Heard, watchAudio } from '../helpers/audio-watch.js';
import { launchChromium } from '../helpers/chromium.js';
import { Hall, type HallOptions } from '../helpers/hall.js';

let launched: Awaited<ReturnType<typeof launchChromium>>;
beforeAll(async () => {
  launched = await launchChromium();
});
afterAll(async () => {
  await launched?.close();
});

const halls: Hall[] = [];
const contexts: BrowserContext[] = [];
afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
  for (const h of halls.splice(0)) await h.close();
});

async function hall(options: HallOptions, heard: Heard[]): Promise<Hall> {
  const h = await Hall.open(launched.browser, {
    ...options,
    beforeLoad: async (context) => {
      await options.beforeLoad?.(context);
      await watchAudio(context, heard);
    },
  });
  halls.push(h);
  await h.signIn();
  await h.page.waitForSelector('h1:text("欢迎光临")');
  // The clerk's welcome is not the citizen's business: heard out, then forgotten.
  await endOf(heard, 'welcome');
  heard.length = 0;
  return h;
}

/** Waits until `clip` has ended (its `n`th time), as a listener waits for the voice to stop. */
async function endOf(heard: Heard[], clip: string, n = 1): Promise<void> {
  await expect
    .poll(() => heard.filter((h) => h.clip === clip && h.what === 'ended').length, { timeout: 60_000 })
    .toBeGreaterThanOrEqual(n);
}

const ended = (heard: Heard[]) => heard.filter((h) => h.what === 'ended').map((h) => h.clip);

/** Each clip started only once the one before it ended: a queue, not a jumble. */
function saidInTurn(heard: Heard[]) {
  let playing: string | null = null;
  for (const h of heard) {
    if (h.what === 'played') {
      expect(playing, `${h.clip} started while ${playing} was still playing`).toBeNull();
      playing = h.clip;
    } else if (h.what === 'ended') {
      expect(h.clip).toBe(playing);
      playing = null;
    }
  }
}

/** The default keymap read aloud: 按1，非常满意；按2，满意；… */
const CHOICES = [
  'key_1',
  'level_5',
  'key_2',
  'level_4',
  'key_3',
  'level_3',
  'key_4',
  'level_2',
  'key_5',
  'level_1',
];

describe('voice alone: a blind citizen rates with the keypad', { timeout: 180_000 }, () => {
  it('a 好评 (prompt): the choices read in full, one after another, then only “received”', async () => {
    const heard: Heard[] = [];
    const h = await hall({ timeoutSeconds: 300 }, heard);
    await h.prompt();
    await endOf(heard, 'level_1');
    expect(ended(heard)).toEqual(['please_rate', ...CHOICES]);
    // Heard "按1，非常满意": key 1.
    const pressedAt = heard.length;
    expect((await h.keypad?.press(1))?.acked).toBe(true);
    await h.screen('thanks');
    await endOf(heard, 'thanks');
    const after = heard.slice(pressedAt);
    expect(after).toEqual([
      { clip: 'thanks', what: 'played' },
      { clip: 'thanks', what: 'ended' },
    ]);
    expect(after.filter((x) => x.clip.startsWith('level_'))).toEqual([]);
    saidInTurn(heard);
    expect(h.records().map((r) => r.body.level)).toEqual([5]);
  });

  it('a 差评 with a reason chosen by keypad (full): each reason read as the cursor reaches it', async () => {
    const heard: Heard[] = [];
    // Time enough to hear everything out, even on a loaded machine: the last seconds'
    // warning (its own test: test/unit/core/voice.test.ts) must not cut into this one.
    const h = await hall({ voiceGuide: 'full', timeoutSeconds: 300, reasonsTimeoutSeconds: 300 }, heard);
    await h.prompt();
    await endOf(heard, 'level_1');
    const pressedAt = heard.length;
    expect((await h.keypad?.press(4))?.acked).toBe(true); // 按4，不满意
    await endOf(heard, 'reason_207'); // the keys, then the reason under the cursor
    await h.screen('reasons');
    await h.keypad?.press(2); // next reason
    await endOf(heard, 'reason_208');
    await h.keypad?.press(3); // choose it
    await endOf(heard, 'reason_selected');
    await h.keypad?.press(5); // submit
    await h.screen('thanks');
    await endOf(heard, 'thanks');
    expect(ended(heard)).toEqual([
      'please_rate',
      ...CHOICES,
      'choose_reasons',
      'reasons_keys',
      'reason_207',
      'reason_208',
      'reason_selected',
      'thanks',
    ]);
    expect(heard.every((x) => x.what === 'played' || x.what === 'ended')).toBe(true);
    // From the press on, nothing says which level was given.
    expect(heard.slice(pressedAt).filter((x) => x.clip.startsWith('level_'))).toEqual([]);
    saidInTurn(heard);
    expect(h.records().map((r) => [r.body.level, r.body.reasons])).toEqual([[2, ['208']]]);
  });

  it('a press during the reading stops it: the thanks at once, the rest of the choices never', async () => {
    const heard: Heard[] = [];
    const h = await hall({}, heard);
    await h.prompt();
    await expect
      .poll(() => heard.some((x) => x.clip === 'key_1' && x.what === 'played'), { timeout: 30_000 })
      .toBe(true);
    expect((await h.keypad?.press(2))?.acked).toBe(true);
    await h.screen('thanks');
    await endOf(heard, 'thanks');
    // The reading had eight clips (some 9 s) left when the key went down: cut, not finished.
    expect(heard.some((x) => x.clip === 'level_1')).toBe(false);
    expect(heard.at(-1)).toEqual({ clip: 'thanks', what: 'ended' });
    expect(h.records().map((r) => r.body.level)).toEqual([4]);
  });

  it('a clip missing at run time is skipped: the next one plays, and diagnostics are told', async () => {
    const heard: Heard[] = [];
    const h = await hall(
      {
        pin: '2468',
        timeoutSeconds: 300,
        beforeLoad: async (context) => {
          // A hall that replaced the clips and forgot one.
          await context.route('**/sounds/key_3.wav', (route) => route.fulfill({ status: 404 }));
        },
      },
      heard,
    );
    await h.prompt();
    await endOf(heard, 'level_1');
    expect(ended(heard)).toEqual(['please_rate', ...CHOICES.filter((c) => c !== 'key_3')]);
    expect(heard).toContainEqual({ clip: 'key_3', what: 'NotSupportedError' });
    await h.keypad?.press(1);
    await endOf(heard, 'thanks');
    await h.screen('idle', 15_000);
    await h.page.keyboard.press('Control+Shift+D');
    await h.page.waitForSelector('#diagnostics >> text=请输入诊断密码');
    for (const d of '2468') await h.tap(d);
    await h.tap('确定');
    await h.page.waitForSelector('#diagnostics >> text=浏览器拒绝播放');
    // biome-ignore lint/performance/useDomNodeTextContent: what a technician sees is the rendered text
    expect(await h.page.locator('#diagnostics').innerText()).toMatch(
      /浏览器拒绝播放 1 次（最近 key_3，NotSupportedError/,
    );
  });

  it('the reasons screen’s note stops promising more time once a key no longer gives it', async () => {
    const heard: Heard[] = [];
    const h = await hall({ reasonsTimeoutSeconds: 5 }, heard); // at most 15 s in all
    await h.prompt();
    expect((await h.keypad?.press(4))?.acked).toBe(true);
    await h.screen('reasons');
    await h.page.waitForSelector('.ending-note:text("还剩 10 秒，按任意键可延长")');
    // A citizen who keeps pressing: each key gives 5 s again, up to 15 s from the opening.
    const capped = h.page.locator('.ending-note:text("还剩 10 秒，到时自动提交")');
    while (
      (await capped.count()) === 0 &&
      (await h.page.locator('main[data-screen="reasons"]').count()) > 0
    ) {
      await h.keypad?.press(2);
      await h.page.waitForTimeout(250); // the citizen's pace, not a wait for the terminal
    }
    expect(await capped.count()).toBe(1);
    expect(await h.page.locator('.ending-note').count()).toBe(1);
    await h.screen('thanks', 10_000);
    expect(h.records().map((r) => r.body.level)).toEqual([2]);
  });
});
