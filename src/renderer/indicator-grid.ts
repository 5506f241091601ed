// The indicators of a reasons or indicators screen, as toggles sized to their longest
// label (Chinese or English), and the keypad's key hints beside them.
import type { Labelled } from '../core/view.js';
import { button, type Ctx, el, keyText, pick, say, type Words, wordsOf } from './dom.js';
import { EN, type Lang } from './language.js';

/** The characters on the longer line when a label is split in two between words, at best. */
function twoLineChars(label: string): number {
  const lengths = wordsOf(label).map((w) => [...w].length);
  const total = lengths.reduce((a, b) => a + b, 0);
  let best = total;
  let left = 0;
  for (const n of lengths) {
    left += n;
    best = Math.min(best, Math.max(left, total - left));
  }
  return best;
}

let measure: CanvasRenderingContext2D | null = null;

/** A text's width in the labels' bold font, in em: a Chinese character is 1. */
function emWidth(text: string): number {
  if (!measure) {
    measure = document.createElement('canvas').getContext('2d');
    if (!measure) return [...text].length;
    measure.font = `bold 100px ${getComputedStyle(document.documentElement).fontFamily}`;
  }
  return measure.measureText(text).width / 100;
}

/** As twoLineChars, for English split between its words: its longer line in Chinese characters' widths. */
function twoLineEms(label: string): number {
  const parts = label.split(' ');
  let best = emWidth(label);
  for (let i = 1; i < parts.length; i++)
    best = Math.min(best, Math.max(emWidth(parts.slice(0, i).join(' ')), emWidth(parts.slice(i).join(' '))));
  // Rounded up a little: the browser's own wrap must find the same two lines.
  return best * 1.04;
}

/**
 * The indicators of a reasons or indicators screen, as toggles. Labels run up to 20
 * characters (40 in English): the stylesheet sizes them to wrap on at most two lines,
 * never cut.
 */
export function indicatorGrid(
  items: readonly ({ code: string; selected: boolean } & Labelled)[],
  cursor: number,
  ctx: Ctx,
): HTMLElement {
  const shown = items.map((r) => pick(r, ctx.ui));
  const longest = Math.max(
    1,
    ...shown.map((w) => (w.lang === 'en' ? twoLineEms(w.text) : twoLineChars(w.text))),
  );
  const send = ctx.send;
  const grid = el(
    'div',
    { className: 'reasons' },
    ...items.map((r, i) => {
      const b = button(
        shown[i] as Words,
        () => send({ type: 'toggle_reason', code: r.code }),
        `reason${i === cursor ? ' cursor' : ''}`,
        undefined,
        ctx.ui,
      );
      b.classList.remove('lit');
      b.setAttribute('aria-pressed', String(r.selected));
      b.addEventListener('pointerdown', () => b.classList.remove('lit'));
      return b;
    }),
  );
  // Through the CSSOM: the page's CSP refuses style attributes.
  grid.style.setProperty('--line-chars', String(longest));
  return grid;
}

export function keyHints(hints: readonly ({ position: number } & Labelled)[], ui: Lang = 'zh'): HTMLElement {
  return el(
    'ul',
    { className: 'key-hints', attrs: { 'aria-label': say(ui, '按键说明', EN.keyHints) } },
    ...hints.map((h) =>
      el('li', {
        text:
          ui === 'en' ? `${keyText(h.position, ui)}: ${pick(h, ui).text}` : `按键 ${h.position}：${h.label}`,
      }),
    ),
  );
}
