// The indicator buttons as laid out on screen: each label whole, in text of 18 px or
// more, on at most two lines (three on the 800×480 counter screen, whose 18 px leave no
// width for the longest on two), inside its button and the screen. Shared by the Chinese
// and the English screens' tests.
import type { Page } from 'playwright-core';

/** What is wrong with the indicator buttons as laid out now: cut, too small, past their lines, off screen. */
export async function layoutProblems(page: Page): Promise<{ labels: string[]; problems: string[] }> {
  return page.$$eval('button.reason', (buttons) => {
    const small = window.innerWidth > window.innerHeight && window.innerHeight <= 540;
    const maxLines = small ? 3 : 2;
    const main = (document.querySelector('#app > .main') as HTMLElement).getBoundingClientRect();
    const labels: string[] = [];
    const problems: string[] = [];
    for (const b of buttons) {
      const name = b.getAttribute('aria-label') ?? '';
      const label = b.querySelector('.label') as HTMLElement;
      labels.push(label.textContent ?? '');
      const lb = label.getBoundingClientRect();
      const bb = b.getBoundingClientRect();
      const style = getComputedStyle(label);
      const lines = Math.round(lb.height / Number.parseFloat(style.lineHeight));
      const px = Number.parseFloat(style.fontSize);
      if (label.textContent !== name) problems.push(`${name}: shows "${label.textContent}"`);
      if (lines > maxLines) problems.push(`${name}: ${lines} lines`);
      if (px < 18) problems.push(`${name}: ${px}px text`);
      if (label.scrollWidth > label.clientWidth + 1 || label.scrollHeight > label.clientHeight + 1)
        problems.push(
          `${name}: overflows its box (${label.scrollWidth}×${label.scrollHeight} in ${label.clientWidth}×${label.clientHeight})`,
        );
      const inside = (inner: DOMRect, outer: DOMRect) =>
        inner.left >= outer.left - 1 &&
        inner.right <= outer.right + 1 &&
        inner.top >= outer.top - 1 &&
        inner.bottom <= outer.bottom + 1;
      if (!inside(lb, bb)) problems.push(`${name}: the label leaves its button`);
      if (!inside(bb, main)) problems.push(`${name}: the button leaves the screen's main area`);
      if (!inside(bb, new DOMRect(0, 0, window.innerWidth, window.innerHeight)))
        problems.push(`${name}: the button leaves the window`);
    }
    // Nothing else on the screen is pushed out of the window either.
    const app = (document.getElementById('app') as HTMLElement).getBoundingClientRect();
    if (app.right > window.innerWidth + 1 || app.bottom > window.innerHeight + 1)
      problems.push(`the screen is ${app.width}×${app.height}, wider or taller than the window`);
    return { labels, problems };
  });
}
