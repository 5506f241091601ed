// Draws a view state. A pure function of the view: it decides nothing, it shows what
// the engine says and reports what was touched. Every screen fills the same frame
// (header, main, aside, footer), so nothing jumps when the screen changes.
import type { Intent } from '../core/events.js';
import type { LevelButton, Screen, ViewState } from '../core/view.js';
import { face } from './faces.js';
import { idleFrame } from './idle.js';

type Send = (intent: Intent) => void;

export interface Frame {
  header: Node[];
  main: Node[];
  aside: Node[];
  footer: Node[];
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { className?: string; text?: string; attrs?: Record<string, string> } = {},
  ...children: (Node | null)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.text !== undefined) node.textContent = props.text;
  for (const [k, v] of Object.entries(props.attrs ?? {})) node.setAttribute(k, v);
  for (const c of children) if (c) node.append(c);
  return node;
}

const segmenter = new Intl.Segmenter('zh-CN', { granularity: 'word' });

/** The words of a Chinese text (by the browser's dictionary), in order. */
function wordsOf(text: string): string[] {
  return [...segmenter.segment(text)].map((s) => s.segment);
}

/**
 * Chinese text that may wrap between its words only: a <wbr> between words, and the
 * stylesheet's `word-break: keep-all` forbids a break anywhere else (办事指南不清/晰).
 */
export function words(text: string): Node[] {
  return wordsOf(text).flatMap((w, i) => [
    ...(i > 0 ? [document.createElement('wbr')] : []),
    document.createTextNode(w),
  ]);
}

function keyText(position: number): string {
  return `按键 ${position}`;
}

/**
 * A button whose accessible name starts with what it does and contains all it shows
 * (非常满意 按键 1): speech users say what they see, screen readers hear the key too.
 */
function button(label: string, onClick: () => void, className: string, position?: number): HTMLButtonElement {
  const name = position === undefined ? label : `${label} ${keyText(position)}`;
  const b = el('button', { className, attrs: { type: 'button', 'aria-label': name } });
  b.append(el('span', { className: 'label', attrs: { 'aria-hidden': 'true' } }, ...words(label)));
  if (position !== undefined)
    b.append(el('span', { className: 'key', text: keyText(position), attrs: { 'aria-hidden': 'true' } }));
  // Lit at the touch itself, before the engine answers: the press feels instant.
  b.addEventListener('pointerdown', () => b.classList.add('lit'));
  b.addEventListener('click', onClick);
  return b;
}

function levelButton(b: LevelButton, onClick: (() => void) | null): HTMLButtonElement {
  const node = button(b.label, onClick ?? (() => undefined), `level ${b.verdict}`, b.position);
  node.dataset.level = String(b.level);
  node.prepend(face(b.level));
  return node;
}

/** The engine's QR SVG, parsed as an image document: none of it becomes HTML. */
export function qrBlock(qr: { svg: string }, caption: string): HTMLElement {
  const doc = new DOMParser().parseFromString(qr.svg, 'image/svg+xml');
  const svg = doc.documentElement;
  const box = el('figure', { className: 'qr' });
  if (svg.nodeName === 'svg') {
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', caption);
    box.append(document.importNode(svg, true));
  }
  box.append(el('figcaption', {}, ...words(caption)));
  return box;
}

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

/**
 * The indicators of a reasons or indicators screen, as toggles. Labels run up to 20
 * characters: the stylesheet sizes them to wrap on at most two lines, never cut.
 */
function indicatorGrid(
  items: readonly { code: string; label: string; selected: boolean }[],
  cursor: number,
  send: Send,
): HTMLElement {
  const longest = Math.max(1, ...items.map((r) => twoLineChars(r.label)));
  const grid = el(
    'div',
    { className: 'reasons' },
    ...items.map((r, i) => {
      const b = button(
        r.label,
        () => send({ type: 'toggle_reason', code: r.code }),
        `reason${i === cursor ? ' cursor' : ''}`,
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

function keyHints(hints: readonly { position: number; label: string }[]): HTMLElement {
  return el(
    'ul',
    { className: 'key-hints', attrs: { 'aria-label': '按键说明' } },
    ...hints.map((h) => el('li', { text: `按键 ${h.position}：${h.label}` })),
  );
}

/** `warnAt`: seconds left at which the screen says, once, that time is running out. */
function countdown(deadline: number, warnAt?: number): HTMLElement {
  return el('p', {
    className: 'countdown',
    attrs: {
      'data-deadline': String(deadline),
      'aria-live': 'off',
      ...(warnAt !== undefined ? { 'data-warn-at': String(warnAt) } : {}),
    },
  });
}

/**
 * The service and whom it is about, under a prompt's title: a long service name wraps
 * between words, and the department is kept whole on a line of its own if it must.
 */
function subLine(what: string, who: string): HTMLElement {
  return el(
    'p',
    { className: 'sub' },
    el('span', { className: 'service' }, ...words(what)),
    document.createTextNode(' · '),
    el('span', { className: 'who' }, ...words(who)),
  );
}

function frameOf(screen: Exclude<Screen, { kind: 'idle' }>, send: Send): Frame {
  const f: Frame = { header: [], main: [], aside: [], footer: [] };
  switch (screen.kind) {
    case 'choose_scope':
      f.header.push(
        el('h1', { text: '请选择评价方式' }),
        subLine(screen.service, screen.departments.join('、')),
      );
      f.main.push(
        el(
          'div',
          { className: 'choices' },
          ...screen.options.map((o) =>
            button(o.label, () => send({ type: 'choose_scope', scope: o.scope }), 'choice', o.position),
          ),
        ),
      );
      f.footer.push(
        button('不评价', () => send({ type: 'decline' }), 'secondary'),
        countdown(screen.deadline),
      );
      return f;
    case 'rate': {
      const who = screen.subject.departments.join('、');
      const step = screen.subject.step
        ? `（第 ${screen.subject.step.index} / ${screen.subject.step.total} 个部门）`
        : '';
      f.header.push(
        el('h1', { text: screen.changingFrom !== null ? '请重新选择您的评价' : '请您对本次服务进行评价' }),
        subLine(screen.service, `${who}${step}`),
      );
      f.main.push(
        el(
          'div',
          { className: 'levels' },
          ...screen.buttons.map((b) => levelButton(b, () => send({ type: 'rate', level: b.level }))),
        ),
      );
      if (screen.qr) f.aside.push(qrBlock(screen.qr, screen.qr.caption));
      if (screen.realName) {
        const on = screen.realName.on;
        const sw = button(
          `实名评价（${screen.realName.maskedName}）`,
          () => send({ type: 'real_name', on: !on }),
          `switch${on ? ' on' : ''}`,
        );
        sw.setAttribute('role', 'switch');
        sw.setAttribute('aria-checked', String(on));
        f.footer.push(sw);
      }
      if (screen.canDecline) f.footer.push(button('不评价', () => send({ type: 'decline' }), 'secondary'));
      if (screen.changingFrom !== null) {
        f.footer.push(button('返回', () => send({ type: 'back_to_reasons' }), 'secondary'));
      }
      f.footer.push(countdown(screen.deadline));
      return f;
    }
    case 'reasons':
      f.header.push(
        el('h1', { text: '请选择不满意的原因' }),
        subLine(screen.levelLabel, `${screen.subject.join('、')}（可多选）`),
      );
      f.main.push(indicatorGrid(screen.reasons, screen.cursor, send));
      f.aside.push(keyHints(screen.keyHints));
      f.footer.push(
        button('返回修改', () => send({ type: 'change_level' }), 'secondary', 4),
        button('提交', () => send({ type: 'submit_reasons' }), 'primary', 5),
        countdown(screen.deadline, 10),
      );
      return f;
    case 'indicators':
      // The rating is already stored: thank first, then offer the indicators as a choice.
      f.header.push(
        el('h1', { className: 'thanked', text: '谢谢您的评价' }),
        subLine(screen.given.label, '可再选满意的方面（可不选）'),
      );
      f.main.push(indicatorGrid(screen.indicators, screen.cursor, send));
      f.aside.push(keyHints(screen.keyHints));
      f.footer.push(
        button('完成', () => send({ type: 'submit_reasons' }), 'primary', 5),
        countdown(screen.deadline),
      );
      return f;
    case 'thanks':
      f.header.push(el('h1', { className: 'thanks', text: '谢谢您的评价' }));
      if (screen.given) {
        const lit = levelButton(screen.given, null);
        lit.classList.add('lit');
        lit.disabled = true;
        f.main.push(el('div', { className: 'levels given' }, lit));
      }
      return f;
    case 'fault':
      f.header.push(el('h1', { className: 'fault', text: screen.message }));
      return f;
  }
}

/** Said beside 培训模式 while the keypad works (when it does not, its own note takes the place). */
const TRAINING_NOTE = '本机评价仅供练习，不会上报';

export function render(view: ViewState, root: HTMLElement, banner: HTMLElement, send: Send): void {
  // A training terminal marks every screen in the banner's line, which is always reserved:
  // the mark never moves the buttons, and no screen is without it.
  banner.hidden = view.keypadBanner === null && !view.training;
  banner.replaceChildren(
    ...(view.training ? [el('strong', { className: 'training-mark', text: '培训模式' })] : []),
    view.keypadBanner ?? (view.training ? TRAINING_NOTE : ''),
  );
  const hall = [view.hallName, view.windowNo ? `${view.windowNo} 号窗口` : ''].filter(Boolean).join(' · ');
  // The idle screen lays out the hall and window itself, large: it is read from afar.
  const idle = view.screen.kind === 'idle';
  const f = view.screen.kind === 'idle' ? idleFrame(view.screen, view) : frameOf(view.screen, send);
  root.dataset.screen = view.screen.kind;
  root.replaceChildren(
    el('header', {}, idle ? null : el('p', { className: 'hall', text: hall }), ...f.header),
    el('section', { className: 'main' }, ...f.main),
    el('aside', {}, ...f.aside),
    el('footer', {}, ...f.footer),
  );
}
