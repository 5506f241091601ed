// Draws a view state. A pure function of the view: it decides nothing, it shows what
// the engine says and reports what was touched. Every screen fills the same frame
// (header, main, aside, footer), so nothing jumps when the screen changes.
import type { Intent } from '../core/events.js';
import type { Labelled, LevelButton, Screen, ViewState } from '../core/view.js';
import { face } from './faces.js';
import { EN, LANG_TAG, type Lang, LanguageChoice, TOGGLE_SCREENS, toggleText } from './language.js';

type Send = (intent: Intent) => void;

/** A text and the language it is in. */
interface Words {
  text: string;
  lang: Lang;
}

/** What a frame is drawn with: the citizen's language (`ui`) and the toggle's state. */
interface Ctx {
  ui: Lang;
  send: Send;
}

/** A label in the screen's language: its English where it has one, else its Chinese. */
function pick(l: Labelled, ui: Lang): Words {
  return ui === 'en' && l.labelEn !== null ? { text: l.labelEn, lang: 'en' } : { text: l.label, lang: 'zh' };
}

/** Chinese in the Chinese screen, or the English given in the English one. */
function say(ui: Lang, zh: string, en: string): string {
  return ui === 'en' ? en : zh;
}

/** `lang` for an element whose text is not in the language around it. */
function langAttr(lang: Lang, around: Lang): Record<string, string> {
  return lang === around ? {} : { lang: LANG_TAG[lang] };
}

interface Frame {
  header: Node[];
  main: Node[];
  aside: Node[];
  footer: Node[];
}

function el<K extends keyof HTMLElementTagNameMap>(
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
function words(text: string): Node[] {
  return wordsOf(text).flatMap((w, i) => [
    ...(i > 0 ? [document.createElement('wbr')] : []),
    document.createTextNode(w),
  ]);
}

/** English wraps at its spaces, as the browser does; Chinese between its words. */
function textOf(w: Words): Node[] {
  return w.lang === 'en' ? [document.createTextNode(w.text)] : words(w.text);
}

function keyText(position: number, ui: Lang = 'zh'): string {
  return ui === 'en' ? EN.key(position) : `按键 ${position}`;
}

/**
 * A button whose accessible name starts with what it does and contains all it shows
 * (非常满意 按键 1): speech users say what they see, screen readers hear the key too.
 * A string label is in the screen's language (`ui`).
 */
function button(
  label: string | Words,
  onClick: () => void,
  className: string,
  position?: number,
  ui: Lang = 'zh',
): HTMLButtonElement {
  const w = typeof label === 'string' ? { text: label, lang: ui } : label;
  const name = position === undefined ? w.text : `${w.text} ${keyText(position, ui)}`;
  const b = el('button', {
    className,
    attrs: { type: 'button', 'aria-label': name, ...langAttr(w.lang, ui) },
  });
  b.append(el('span', { className: 'label', attrs: { 'aria-hidden': 'true' } }, ...textOf(w)));
  if (position !== undefined)
    b.append(
      // Not drawn (the button lays its parts out as a column), but its visible text reads
      // "Very satisfied Key 1" as its name does, not "Very satisfiedKey 1".
      document.createTextNode(' '),
      el('span', {
        className: 'key',
        text: keyText(position, ui),
        attrs: { 'aria-hidden': 'true', ...langAttr(ui, w.lang) },
      }),
    );
  // Lit at the touch itself, before the engine answers: the press feels instant.
  b.addEventListener('pointerdown', () => b.classList.add('lit'));
  b.addEventListener('click', onClick);
  return b;
}

function levelButton(b: LevelButton, onClick: (() => void) | null, ui: Lang = 'zh'): HTMLButtonElement {
  const node = button(pick(b, ui), onClick ?? (() => undefined), `level ${b.verdict}`, b.position, ui);
  node.dataset.level = String(b.level);
  node.prepend(face(b.level));
  return node;
}

/** The engine's QR SVG, parsed as an image document: none of it becomes HTML. */
function qrBlock(qr: { svg: string }, caption: string, ui: Lang = 'zh'): HTMLElement {
  const doc = new DOMParser().parseFromString(qr.svg, 'image/svg+xml');
  const svg = doc.documentElement;
  const box = el('figure', { className: 'qr' });
  if (svg.nodeName === 'svg') {
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', caption);
    box.append(document.importNode(svg, true));
  }
  box.append(el('figcaption', {}, ...textOf({ text: caption, lang: ui })));
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
function indicatorGrid(
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

function keyHints(hints: readonly ({ position: number } & Labelled)[], ui: Lang = 'zh'): HTMLElement {
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

/**
 * `warnAt`: seconds left at which the screen says, once, that time is running out.
 * Its `lang` tells the ticking (main.ts) which words to count in.
 */
function countdown(deadline: number, warnAt?: number, ui: Lang = 'zh'): HTMLElement {
  return el('p', {
    className: 'countdown',
    attrs: {
      lang: LANG_TAG[ui],
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
function subLine(what: string | Words, whom: string | Words, ui: Lang = 'zh', note = ''): HTMLElement {
  const w = typeof what === 'string' ? { text: what, lang: 'zh' as const } : what;
  const who = typeof whom === 'string' ? { text: whom, lang: 'zh' as const } : whom;
  // Names of services and departments come in Chinese whatever the screen's language.
  return el(
    'p',
    { className: 'sub' },
    el('span', { className: 'service', attrs: langAttr(w.lang, ui) }, ...textOf(w)),
    document.createTextNode(' · '),
    el(
      'span',
      { className: 'who' },
      ...(who.lang === ui ? textOf(who) : [el('span', { attrs: langAttr(who.lang, ui) }, ...textOf(who))]),
      ...(note ? [document.createTextNode(note)] : []),
    ),
  );
}

function frameOf(screen: Screen, ctx: Ctx): Frame {
  const { send, ui } = ctx;
  const f: Frame = { header: [], main: [], aside: [], footer: [] };
  switch (screen.kind) {
    case 'idle': {
      const title =
        screen.clerkStatus === 'paused'
          ? '暂停服务'
          : screen.clerkStatus === 'absent'
            ? '暂无工作人员'
            : '欢迎光临';
      f.header.push(el('h1', { text: title }));
      if (screen.clerkStatus === 'paused')
        f.header.push(el('p', { className: 'sub', text: '请稍候，工作人员马上回来' }));
      if (screen.clerk) {
        const c = screen.clerk;
        f.main.push(
          el(
            'div',
            { className: 'clerk' },
            c.photo
              ? el('img', { attrs: { src: c.photo, alt: `${c.name}的照片` } })
              : el('div', { className: 'no-photo' }),
            el(
              'div',
              { className: 'clerk-text' },
              el('p', { className: 'clerk-name', text: c.name }),
              el('p', { text: `工号 ${c.id}` }),
              el('p', { className: 'muted' }, ...words(c.department)),
              c.stars !== null
                ? el('p', {
                    className: 'stars',
                    text: '★'.repeat(Math.round(c.stars)) + '☆'.repeat(5 - Math.round(c.stars)),
                    attrs: { 'aria-label': `服务星级 ${c.stars} 星` },
                  })
                : null,
            ),
          ),
        );
      }
      if (screen.staticQr) f.aside.push(qrBlock(screen.staticQr, '扫码评价本大厅'));
      return f;
    }
    case 'choose_scope':
      f.header.push(
        el('h1', { text: say(ui, '请选择评价方式', EN.scopeTitle) }),
        subLine(screen.service, screen.departments.join('、'), ui),
      );
      f.main.push(
        el(
          'div',
          { className: 'choices' },
          ...screen.options.map((o) =>
            button(
              pick(o, ui),
              () => send({ type: 'choose_scope', scope: o.scope }),
              'choice',
              o.position,
              ui,
            ),
          ),
        ),
      );
      f.footer.push(
        button(say(ui, '不评价', EN.decline), () => send({ type: 'decline' }), 'secondary', undefined, ui),
        countdown(screen.deadline, undefined, ui),
      );
      return f;
    case 'rate': {
      const who = screen.subject.departments.join('、');
      const step = screen.subject.step
        ? ui === 'en'
          ? ` ${EN.step(screen.subject.step.index, screen.subject.step.total)}`
          : `（第 ${screen.subject.step.index} / ${screen.subject.step.total} 个部门）`
        : '';
      const title =
        screen.changingFrom !== null
          ? ['请重新选择您的评价', EN.rerateTitle]
          : ['请您对本次服务进行评价', EN.rateTitle];
      f.header.push(
        el('h1', { text: say(ui, title[0] as string, title[1] as string) }),
        ui === 'en' ? subLine(screen.service, who, ui, step) : subLine(screen.service, `${who}${step}`),
      );
      f.main.push(
        el(
          'div',
          { className: 'levels' },
          ...screen.buttons.map((b) => levelButton(b, () => send({ type: 'rate', level: b.level }), ui)),
        ),
      );
      if (screen.qr) f.aside.push(qrBlock(screen.qr, say(ui, screen.qr.caption, screen.qr.captionEn), ui));
      if (screen.realName) {
        const on = screen.realName.on;
        const masked = screen.realName.maskedName;
        const sw = button(
          say(ui, `实名评价（${masked}）`, EN.realName(masked)),
          () => send({ type: 'real_name', on: !on }),
          `switch${on ? ' on' : ''}`,
          undefined,
          ui,
        );
        sw.setAttribute('role', 'switch');
        sw.setAttribute('aria-checked', String(on));
        f.footer.push(sw);
      }
      if (screen.canDecline)
        f.footer.push(
          button(say(ui, '不评价', EN.decline), () => send({ type: 'decline' }), 'secondary', undefined, ui),
        );
      if (screen.changingFrom !== null) {
        f.footer.push(
          button(
            say(ui, '返回', EN.back),
            () => send({ type: 'back_to_reasons' }),
            'secondary',
            undefined,
            ui,
          ),
        );
      }
      f.footer.push(countdown(screen.deadline, undefined, ui));
      return f;
    }
    case 'reasons':
      f.header.push(
        el('h1', { text: say(ui, '请选择不满意的原因', EN.reasonsTitle) }),
        ui === 'en'
          ? subLine({ text: screen.levelLabelEn, lang: 'en' }, screen.subject.join('、'), ui)
          : subLine(screen.levelLabel, `${screen.subject.join('、')}（可多选）`),
      );
      f.main.push(indicatorGrid(screen.reasons, screen.cursor, ctx));
      f.aside.push(keyHints(screen.keyHints, ui));
      f.footer.push(
        button(say(ui, '返回修改', EN.changeLevel), () => send({ type: 'change_level' }), 'secondary', 4, ui),
        button(say(ui, '提交', EN.submit), () => send({ type: 'submit_reasons' }), 'primary', 5, ui),
        countdown(screen.deadline, 10, ui),
      );
      return f;
    case 'indicators':
      // The rating is already stored: thank first, then offer the indicators as a choice.
      f.header.push(
        el('h1', { className: 'thanked', text: say(ui, '谢谢您的评价', EN.thanks) }),
        ui === 'en'
          ? subLine(pick(screen.given, ui), { text: EN.goodAspects, lang: 'en' }, ui)
          : subLine(screen.given.label, '可再选满意的方面（可不选）'),
      );
      f.main.push(indicatorGrid(screen.indicators, screen.cursor, ctx));
      f.aside.push(keyHints(screen.keyHints, ui));
      f.footer.push(
        button(say(ui, '完成', EN.done), () => send({ type: 'submit_reasons' }), 'primary', 5, ui),
        countdown(screen.deadline, undefined, ui),
      );
      return f;
    case 'thanks':
      f.header.push(el('h1', { className: 'thanks', text: say(ui, '谢谢您的评价', EN.thanks) }));
      if (screen.given) {
        const lit = levelButton(screen.given, null, ui);
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

/**
 * The 中文/English toggle, away from the levels and the QR code: beside the title in
 * landscape (`at-top`), among the footer's buttons in portrait (`at-foot`), where the
 * title needs the width; the stylesheet shows one. It names the language it turns to,
 * in that language; the engine hears of it as a touch.
 */
function languageToggle(
  promptId: string,
  ctx: Ctx,
  language: LanguageChoice,
  where: string,
): HTMLButtonElement {
  const to = toggleText(ctx.ui);
  return button(
    { text: to.text, lang: to.lang },
    () => {
      const lang = language.toggle(promptId);
      ctx.send({ type: 'language', lang });
    },
    `lang-toggle secondary ${where}`,
    undefined,
    ctx.ui,
  );
}

/** Used when the caller keeps no choice of its own: always Chinese. */
const CHINESE_ONLY = new LanguageChoice();

export function render(
  view: ViewState,
  root: HTMLElement,
  banner: HTMLElement,
  send: Send,
  language: LanguageChoice = CHINESE_ONLY,
): void {
  const ui = language.follow(view.screen);
  // A training terminal marks every screen in the banner's line, which is always reserved:
  // the mark never moves the buttons, and no screen is without it.
  banner.hidden = view.keypadBanner === null && !view.training;
  const keypadNote = view.keypadBanner !== null && ui === 'en' ? EN.keypadBanner : view.keypadBanner;
  banner.replaceChildren(
    ...(view.training ? [el('strong', { className: 'training-mark', text: '培训模式' })] : []),
    view.keypadBanner !== null && ui === 'en'
      ? el('span', { attrs: { lang: LANG_TAG.en }, text: keypadNote ?? '' })
      : (keypadNote ?? (view.training ? TRAINING_NOTE : '')),
  );
  const hall = [view.hallName, view.windowNo ? `${view.windowNo} 号窗口` : ''].filter(Boolean).join(' · ');
  const ctx: Ctx = { ui, send };
  const f = frameOf(view.screen, ctx);
  root.dataset.screen = view.screen.kind;
  // The document stays zh-CN; an English screen says so on its frame, and its Chinese
  // parts (the hall, services, departments) say theirs.
  if (ui === 'en') root.lang = LANG_TAG.en;
  else root.removeAttribute('lang');
  const hallLine = el('p', { className: 'hall', text: hall, attrs: langAttr('zh', ui) });
  const screen = view.screen;
  const promptId = TOGGLE_SCREENS.has(screen.kind) && 'promptId' in screen ? screen.promptId : null;
  const header =
    promptId !== null
      ? el(
          'header',
          { className: 'with-lang' },
          el('div', { className: 'titles' }, hallLine, ...f.header),
          languageToggle(promptId, ctx, language, 'at-top'),
        )
      : el('header', {}, hallLine, ...f.header);
  const footer = el('footer', {}, ...f.footer);
  // Before the countdown, which keeps the far end.
  if (promptId !== null)
    footer.insertBefore(
      languageToggle(promptId, ctx, language, 'at-foot'),
      footer.querySelector('.countdown'),
    );
  root.replaceChildren(
    header,
    el('section', { className: 'main' }, ...f.main),
    el('aside', {}, ...f.aside),
    footer,
  );
}
