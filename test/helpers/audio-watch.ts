// What the screens' audio really did, heard from outside the page: every play() of every
// audio element from the page's first load, with its outcome, and every `ended`. Read
// over a binding, never by evaluating in the page: Playwright's evaluate counts as a user
// gesture, after which Chromium would play whatever its flags say (an autoplay refusal
// would be hidden).
import type { BrowserContext } from 'playwright-core';

/** One thing a clip (its name, from /sounds/NAME.wav) did: played, ended, or a play's error. */
export interface Heard {
  clip: string;
  what: string;
}

export async function watchAudio(context: BrowserContext, heard: Heard[]): Promise<void> {
  await context.exposeBinding('__heard', (_source, h: Heard) => {
    heard.push(h);
  });
  await context.addInitScript(() => {
    const w = window as unknown as { __heard: (h: { clip: string; what: string }) => void };
    const play = HTMLMediaElement.prototype.play;
    const watched = new WeakSet<HTMLMediaElement>();
    HTMLMediaElement.prototype.play = function (this: HTMLMediaElement) {
      const clip = new URL(this.src).pathname.replace(/^\/sounds\//, '').replace(/\.wav$/, '');
      // Players are kept and replayed (src/renderer/clips.ts): one listener each.
      if (!watched.has(this)) {
        watched.add(this);
        this.addEventListener('ended', () => w.__heard({ clip, what: 'ended' }));
      }
      const p = play.call(this);
      p.then(
        () => w.__heard({ clip, what: 'played' }),
        (err: Error) => w.__heard({ clip, what: err.name }),
      );
      return p;
    };
  });
}
