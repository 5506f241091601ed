// The screens' accessibility audit: axe-core (serious and critical violations) plus
// the checks axe does not make for a counter terminal — citizen text of 18 CSS px or
// more at every supported size, targets of 96 px, nothing cut off or clipped, Chinese
// labels broken between words, no button under another element.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { SCREENSHOT_DIR } from './hall.js';

/** Every supported screen: counter 1024×600 and 800×480, a kiosk's 1920×1080, portrait 600×1024. */
export const AUDIT_SIZES: readonly (readonly [number, number])[] = [
  [1024, 600],
  [800, 480],
  [1920, 1080],
  [600, 1024],
];

export const MIN_TEXT_PX = 18;
export const MIN_TARGET_PX = 96;

/** axe's serious and critical violations, one line each with the elements named. */
export async function axeProblems(page: Page, scope?: string): Promise<string[]> {
  let builder = new AxeBuilder({ page });
  if (scope) builder = builder.include(scope);
  const result = await builder.analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.nodes
          .map((n) => `${n.target.join(' ')} — ${n.failureSummary?.split('\n')[1]?.trim() ?? ''}`)
          .join('; ')}`,
    );
}

/**
 * The checks made in the page: `root` is the part audited (the citizen's screen, or a
 * technicians' overlay); `minText` is 0 where small text is allowed (technicians' tables).
 */
export async function layoutProblems(
  page: Page,
  root: string,
  minText: number,
  citizen: boolean,
): Promise<string[]> {
  return page.$$eval(
    root,
    (roots, [minText, minTarget, citizen]) => {
      const problems: string[] = [];
      const vw = window.innerWidth;
      const vh = window.innerHeight;
      const visible = (e: Element) => {
        const r = e.getBoundingClientRect();
        const s = getComputedStyle(e);
        return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none';
      };
      const name = (e: Element) =>
        (e.getAttribute('aria-label') ?? e.textContent ?? e.tagName).trim().slice(0, 30);
      const inside = (a: DOMRect, b: DOMRect) =>
        a.left >= b.left - 1 && a.right <= b.right + 1 && a.top >= b.top - 1 && a.bottom <= b.bottom + 1;
      const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });
      for (const rootEl of roots) {
        if (!visible(rootEl)) continue;
        const walker = document.createTreeWalker(rootEl, NodeFilter.SHOW_TEXT);
        for (let t = walker.nextNode(); t; t = walker.nextNode()) {
          const text = t.textContent ?? '';
          const parent = t.parentElement;
          if (!parent || text.trim() === '' || !visible(parent)) continue;
          // What a scrolling panel (the technicians' overlay) holds is measured scrolled to.
          parent.scrollIntoView({ block: 'nearest', inline: 'nearest' });
          const style = getComputedStyle(parent);
          const px = Number.parseFloat(style.fontSize);
          // Named by the whole element's text (a label is many word nodes), to the 1/100 px:
          // 17.95 px is under 18 and must not read as "18.0".
          if (px < minText)
            problems.push(
              `"${(parent.textContent ?? text).trim().slice(0, 20)}" is ${px.toFixed(2)} px text (under ${minText})`,
            );
          // Text that scrolls in its own box (the configuration) is reached by scrolling.
          if (style.overflow === 'auto' || style.overflow === 'scroll') continue;
          const range = document.createRange();
          range.selectNodeContents(t);
          const box = range.getBoundingClientRect();
          if (!inside(box, new DOMRect(0, 0, vw, vh)))
            problems.push(`"${text.trim().slice(0, 20)}" leaves the window`);
          // Text runs past the element that holds it (a button, or the screen's area).
          const holder = parent.closest('button, #app > *, #banner, .overlay') ?? rootEl;
          if (!inside(box, holder.getBoundingClientRect()))
            problems.push(
              `"${text.trim().slice(0, 20)}" runs out of ${holder.tagName.toLowerCase()} ${name(holder)}`,
            );
          // Cut off: an element hiding part of its text (ellipsis, overflow hidden).
          if (
            (style.overflow === 'hidden' || style.overflow === 'clip' || style.textOverflow === 'ellipsis') &&
            (parent.scrollWidth > parent.clientWidth + 1 || parent.scrollHeight > parent.clientHeight + 1)
          )
            problems.push(
              `"${text.trim().slice(0, 20)}" is cut off (${parent.scrollWidth}>${parent.clientWidth})`,
            );
          // A Chinese label wrapped onto lines breaks only between words.
          if (citizen && /[\u4e00-\u9fff]{3}/.test(text)) {
            const starts = new Set<number>();
            for (const s of segmenter.segment(text)) starts.add(s.index);
            let lastTop: number | null = null;
            for (let i = 0; i < text.length; i++) {
              range.setStart(t, i);
              range.setEnd(t, i + 1);
              const rects = range.getClientRects();
              const top = rects[0]?.top;
              if (top === undefined) continue;
              if (lastTop !== null && top > lastTop + 2 && !starts.has(i) && !/\s/.test(text[i - 1] ?? ''))
                problems.push(`"${text}" breaks mid-word at "${text.slice(i - 1, i + 1)}"`);
              lastTop = top;
            }
          }
        }
        for (const after of rootEl.querySelectorAll('*')) {
          const s = getComputedStyle(after, '::after');
          if (s.content && s.content !== 'none' && s.content !== 'normal' && visible(after)) {
            const px = Number.parseFloat(s.fontSize);
            if (px < minText && /[^\s"]/.test(s.content))
              problems.push(
                `${s.content} (after ${name(after)}) is ${px.toFixed(2)} px text (under ${minText})`,
              );
          }
        }
        const targets = [...rootEl.querySelectorAll('button, [role="switch"], a[href]')].filter(visible);
        for (const b of targets) {
          b.scrollIntoView({ block: 'nearest', inline: 'nearest' });
          const r = b.getBoundingClientRect();
          if (r.width < minTarget || r.height < minTarget)
            problems.push(`${name(b)}: a ${Math.round(r.width)}×${Math.round(r.height)} target`);
          if (!inside(r, new DOMRect(0, 0, vw, vh))) problems.push(`${name(b)}: leaves the window`);
          const area = b.closest('#app > *');
          if (area && !inside(r, area.getBoundingClientRect()))
            problems.push(`${name(b)}: leaves its part of the screen (${area.tagName.toLowerCase()})`);
          for (const o of targets) {
            if (o === b || o.contains(b) || b.contains(o)) continue;
            const q = o.getBoundingClientRect();
            if (
              Math.min(r.right, q.right) - Math.max(r.left, q.left) > 1 &&
              Math.min(r.bottom, q.bottom) - Math.max(r.top, q.top) > 1
            )
              problems.push(`${name(b)}: overlaps ${name(o)}`);
          }
          const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
          if (!top || !b.contains(top)) problems.push(`${name(b)}: covered by ${top?.tagName.toLowerCase()}`);
        }
        // Nothing else laid over a button (a QR code over the last level, say).
        const others = [...rootEl.querySelectorAll('figure, svg[role="img"], img, .key-hints')].filter(
          visible,
        );
        for (const b of targets)
          for (const o of others) {
            if (b.contains(o)) continue;
            const r = b.getBoundingClientRect();
            const q = o.getBoundingClientRect();
            const overlap = Math.min(r.right, q.right) - Math.max(r.left, q.left);
            const overlapY = Math.min(r.bottom, q.bottom) - Math.max(r.top, q.top);
            if (overlap > 1 && overlapY > 1)
              problems.push(`${name(b)}: overlapped by ${o.tagName.toLowerCase()}`);
          }
      }
      return [...new Set(problems)];
    },
    [minText, MIN_TARGET_PX, citizen] as const,
  );
}

export interface AuditOptions {
  /** The part of the page audited; the citizen's screen (banner and frame) by default. */
  root?: string;
  /** Checked for text under 18 px at every size (citizens' screens); false for technicians' screens. */
  citizenText?: boolean;
}

/**
 * The screen as it is now, at every size: axe, layout, and a screenshot into
 * test-results/screens/. Returns every problem found, prefixed by the screen and size.
 */
export async function auditScreen(
  page: Page,
  name: string,
  options: AuditOptions = {},
  sizes: readonly (readonly [number, number])[] = AUDIT_SIZES,
): Promise<string[]> {
  const root = options.root ?? '#banner, #app';
  const problems: string[] = [];
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  for (const [w, h] of sizes) {
    await page.setViewportSize({ width: w, height: h });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const citizen = options.citizenText !== false;
    const minText = citizen ? MIN_TEXT_PX : 0;
    const found = [...(await axeProblems(page)), ...(await layoutProblems(page, root, minText, citizen))];
    problems.push(...found.map((p) => `${name} at ${w}×${h}: ${p}`));
    await page.screenshot({ path: join(SCREENSHOT_DIR, `audit-${name}-${w}x${h}.png`) });
  }
  await page.setViewportSize({ width: 1024, height: 600 });
  return problems;
}

/**
 * Buttons whose label takes more than one line (a footer pushed narrow by a note, say):
 * the label's height in its own lines.
 */
export async function wrappedButtons(page: Page, root = '#app > footer'): Promise<string[]> {
  return page.$$eval(`${root} button .label`, (labels) =>
    labels
      .filter((l) => (l as HTMLElement).offsetParent !== null)
      .flatMap((l) => {
        const lines = Math.round(
          l.getBoundingClientRect().height / Number.parseFloat(getComputedStyle(l).lineHeight),
        );
        return lines > 1 ? [`"${l.textContent}" on ${lines} lines`] : [];
      }),
  );
}
