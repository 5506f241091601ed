// Sound that plays, end to end: the real serve process, the KP/1 keypad simulator and
// Debian's Chromium. Started as README says (--autoplay-policy=no-user-gesture-required)
// the sounds a keypad press starts play; started without it (as Chromium is by default
// on a kiosk) they are refused, and the technicians' diagnostics say so.
import type { BrowserContext } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Heard, watchAudio } from '../helpers/audio-watch.js';
import { launchChromium as launch, type launchChromium } from '../helpers/chromium.js';
import { Hall, type HallOptions } from '../helpers/hall.js';

type Launched = Awaited<ReturnType<typeof launchChromium>>;
let asReadmeSays: Launched;
let withoutFlag: Launched;
beforeAll(async () => {
  asReadmeSays = await launch();
  // Chromium's own default for a page: no sound before the user touched it.
  withoutFlag = await launch(['--autoplay-policy=document-user-activation-required']);
});
afterAll(async () => {
  await asReadmeSays?.close();
  await withoutFlag?.close();
});

const halls: Hall[] = [];
const contexts: BrowserContext[] = [];
afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
  for (const h of halls.splice(0)) await h.close();
});

/**
 * The plays of the rating's moments. The reading of the choices after please_rate (key_N,
 * level_N: test/e2e/voice.test.ts) is cut by the press wherever it has got to: left out.
 */
function moments(plays: Heard[]): Heard[] {
  return plays.filter((p) => p.what !== 'ended' && !/^(key|level)_\d$/.test(p.clip));
}

async function settled(plays: Heard[], n: number): Promise<Heard[]> {
  await expect.poll(() => moments(plays).length, { timeout: 10_000 }).toBeGreaterThanOrEqual(n);
  return moments(plays);
}

async function hall(launched: Launched, options: HallOptions = {}): Promise<Hall> {
  const h = await Hall.open(launched.browser, options);
  halls.push(h);
  await h.signIn();
  await h.page.waitForSelector('h1:text("欢迎光临")');
  return h;
}

/**
 * A second screen on the hall's terminal, as a citizen's kiosk is: loaded and never
 * touched. Nothing is evaluated in it (Playwright's evaluate counts as a user gesture),
 * so it waits for the terminal's first view over its own WebSocket.
 */
async function untouchedScreen(
  launched: Launched,
  h: Hall,
  fetched: string[] = [],
  also?: HallOptions['beforeLoad'],
): Promise<Heard[]> {
  const plays: Heard[] = [];
  const context = await launched.browser.newContext({ viewport: { width: 1024, height: 600 } });
  contexts.push(context);
  await watchAudio(context, plays);
  await also?.(context);
  const page = await context.newPage();
  page.on('request', (r) => fetched.push(new URL(r.url()).pathname));
  const viewed = new Promise<void>((resolve) => {
    page.on('websocket', (ws) =>
      ws.on('framereceived', (f) => {
        if (typeof f.payload === 'string' && f.payload.startsWith('{"type":"view"')) resolve();
      }),
    );
  });
  await page.goto(h.screensUrl);
  await viewed;
  return plays;
}

describe('sound on the citizen’s screens', { timeout: 90_000 }, () => {
  it('Chromium started as README says plays the sounds of a keypad-only rating', async () => {
    const h = await hall(asReadmeSays);
    const plays = await untouchedScreen(asReadmeSays, h);
    await h.prompt();
    expect((await h.keypad?.press(2))?.acked).toBe(true);
    await h.screen('thanks');
    expect(await settled(plays, 2)).toEqual([
      { clip: 'please_rate', what: 'played' },
      { clip: 'thanks', what: 'played' },
    ]);
  });

  it('a keypad-only 差评 by voice alone: the prompt, the reasons, the thanks — never the level', async () => {
    const h = await hall(asReadmeSays);
    const plays = await untouchedScreen(asReadmeSays, h);
    await h.prompt();
    expect((await h.keypad?.press(4))?.acked).toBe(true); // 不满意
    await h.screen('reasons');
    await h.keypad?.press(3); // choose the first reason
    await h.page.waitForSelector('button.reason[aria-pressed="true"]');
    await h.keypad?.press(5); // 提交
    await h.screen('thanks');
    expect(await settled(plays, 3)).toEqual([
      { clip: 'please_rate', what: 'played' },
      { clip: 'choose_reasons', what: 'played' },
      { clip: 'thanks', what: 'played' },
    ]);
    expect(h.records().map((r) => [r.body.level, r.body.reasons.length])).toEqual([[2, 1]]);
  });

  it('plays each clip from one player, loaded once: the next citizen’s rating fetches no sound again', async () => {
    const h = await hall(asReadmeSays);
    const fetched: string[] = [];
    const plays = await untouchedScreen(asReadmeSays, h, fetched);
    const rate = async (n: number) => {
      await h.prompt();
      expect((await h.keypad?.press(2))?.acked).toBe(true);
      await h.screen('thanks');
      await settled(plays, n);
      await h.screen('idle', 15_000);
    };
    await rate(2);
    const sounds = () => fetched.filter((p) => p.startsWith('/sounds/'));
    const first = sounds();
    expect(first).toContain('/sounds/thanks.wav');
    await rate(4);
    // A new player per sound loaded the clip again on the screens' main thread at every press.
    expect(sounds()).toEqual(first);
    expect(plays.filter((p) => p.what !== 'ended').map((p) => p.what)).toEqual([
      'played',
      'played',
      'played',
      'played',
    ]);
  });

  it('starts a sound only once the screen it goes with is painted', async () => {
    const h = await hall(asReadmeSays);
    const starts: { src: string; screen: string; painted: boolean }[] = [];
    const plays = await untouchedScreen(asReadmeSays, h, [], async (context) => {
      await context.exposeBinding('__started', (_source, s: (typeof starts)[number]) => {
        starts.push(s);
      });
      // Marks a screen painted at the first task after the animation frame that follows
      // its change: the frame that shows it has been produced by then.
      await context.addInitScript(() => {
        const w = window as unknown as { __started: (s: unknown) => void; __painted: string | null };
        const app = () => document.getElementById('app');
        let shown: string | undefined;
        new MutationObserver(() => {
          const kind = app()?.dataset.screen;
          if (kind === shown) return;
          shown = kind;
          w.__painted = null;
          requestAnimationFrame(() =>
            setTimeout(() => {
              if (shown === kind) w.__painted = kind ?? null;
            }, 0),
          );
        }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-screen'] });
        const play = HTMLMediaElement.prototype.play;
        HTMLMediaElement.prototype.play = function (this: HTMLMediaElement) {
          const screen = app()?.dataset.screen ?? '';
          w.__started({ src: new URL(this.src).pathname, screen, painted: w.__painted === screen });
          return play.call(this);
        };
      });
    });
    await h.prompt();
    expect((await h.keypad?.press(2))?.acked).toBe(true);
    await h.screen('thanks');
    await settled(plays, 2);
    expect(starts).toEqual([
      { src: '/sounds/please_rate.wav', screen: 'rate', painted: true },
      { src: '/sounds/thanks.wav', screen: 'thanks', painted: true },
    ]);
  });

  it('Chromium without the autoplay flag refuses them, and diagnostics say so', async () => {
    const h = await hall(withoutFlag, { pin: '2468' });
    const plays = await untouchedScreen(withoutFlag, h);
    await h.prompt();
    expect((await h.keypad?.press(2))?.acked).toBe(true);
    await h.screen('thanks');
    // The prompt's sound, played before anyone touched this screen, is refused. (Chromium
    // may let a later one through on its own grounds; the first is the one that matters.)
    expect((await settled(plays, 2))[0]).toEqual({ clip: 'please_rate', what: 'NotAllowedError' });
    await h.screen('idle', 15_000);
    await h.page.keyboard.press('Control+Shift+D');
    await h.page.waitForSelector('#diagnostics >> text=请输入诊断密码');
    for (const d of '2468') await h.tap(d);
    await h.tap('确定');
    await h.page.waitForSelector('#diagnostics >> text=浏览器拒绝播放');
    // biome-ignore lint/performance/useDomNodeTextContent: what a technician sees is the rendered text
    const text = await h.page.locator('#diagnostics').innerText();
    expect(text).toMatch(/浏览器拒绝播放 [12] 次（最近 (please_rate|thanks)，NotAllowedError/);
    expect(text).toContain('--autoplay-policy=no-user-gesture-required');
  });
});
