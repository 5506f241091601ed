// Draws a view state. A pure function of the view: it decides nothing, it shows what
// the engine says and reports what was touched. Every screen fills the same frame
// (header, main, aside, footer), so nothing jumps when the screen changes.
import type { DepartmentStep, LevelButton, Screen, ViewState } from '../core/view.js';
import type { Banner } from './banner.js';
import {
  button,
  type Ctx,
  el,
  keyOf,
  langAttr,
  pick,
  type Send,
  say,
  textOf,
  type Words,
  words,
} from './dom.js';
import { face } from './faces.js';
import { idleFrame } from './idle.js';
import { indicatorGrid, keyHints } from './indicator-grid.js';
import { EN, LANG_TAG, type Lang, type LanguageChoice, TOGGLE_SCREENS, toggleText } from './language.js';
import { pageQrFrame } from './page-qr.js';

export interface Frame {
  header: Node[];
  main: Node[];
  aside: Node[];
  footer: Node[];
}

function levelButton(b: LevelButton, onClick: () => void, ctx: Ctx): HTMLButtonElement {
  const node = button(pick(b, ctx.ui), onClick, `level ${b.verdict}`, keyOf(ctx, b.position), ctx.ui);
  node.dataset.level = String(b.level);
  node.prepend(face(b.level));
  return node;
}

/** The engine's QR SVG, parsed as an image document: none of it becomes HTML. */
export function qrBlock(qr: { svg: string }, caption: string, ui: Lang = 'zh'): HTMLElement {
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

/**
 * `warnAt`: seconds left at which the screen says, once, that time is running out.
 * Its `lang` tells the ticking (main.ts) which words to count in.
 */
export function countdown(deadline: number, warnAt?: number, ui: Lang = 'zh'): HTMLElement {
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

/**
 * The title of one department's turn in a per-department 并联审批: the department is
 * the title itself (as large as it), and from the second on a large line above it says
 * which department was just rated, so no one takes the next rating for the same one.
 */
function departmentTitle(step: DepartmentStep, who: string, service: string, ui: Lang): HTMLElement[] {
  const zhName = (name: string) =>
    el('span', { className: 'dept', attrs: langAttr('zh', ui) }, ...words(name));
  const title =
    ui === 'en'
      ? el('h1', { className: 'dept-title' }, document.createTextNode(`${EN.rateDepartment} `), zhName(who))
      : el(
          'h1',
          { className: 'dept-title' },
          document.createTextNode('请为 '),
          zhName(who),
          document.createTextNode(' 评价'),
        );
  const stepText = ui === 'en' ? EN.step(step.index, step.total) : `第 ${step.index} / ${step.total} 个部门`;
  const parts: HTMLElement[] = [];
  if (step.rated !== null)
    parts.push(
      el(
        'p',
        { className: 'dept-rated' },
        el('span', { className: 'tick', text: '✓', attrs: { 'aria-hidden': 'true' } }),
        document.createTextNode(ui === 'en' ? `${EN.rated} ` : '已评价：'),
        zhName(step.rated),
      ),
    );
  parts.push(title, subLine(service, { text: stepText, lang: ui }, ui));
  return parts;
}

function frameOf(screen: Exclude<Screen, { kind: 'idle' }>, ctx: Ctx): Frame {
  const { send, ui } = ctx;
  const f: Frame = { header: [], main: [], aside: [], footer: [] };
  switch (screen.kind) {
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
              keyOf(ctx, o.position),
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
      const step = screen.subject.step;
      if (step) f.header.push(...departmentTitle(step, who, screen.service, ui));
      else {
        const title =
          screen.changingFrom !== null
            ? ['请重新选择您的评价', EN.rerateTitle]
            : ['请您对本次服务进行评价', EN.rateTitle];
        f.header.push(
          el('h1', { text: say(ui, title[0] as string, title[1] as string) }),
          subLine(screen.service, who, ui),
        );
      }
      f.main.push(
        el(
          'div',
          { className: 'levels' },
          ...screen.buttons.map((b) => levelButton(b, () => send({ type: 'rate', level: b.level }), ctx)),
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
      if (ctx.keys) f.aside.push(keyHints(screen.keyHints, ui));
      f.footer.push(
        button(
          say(ui, '返回修改', EN.changeLevel),
          () => send({ type: 'change_level' }),
          'secondary',
          keyOf(ctx, 4),
          ui,
        ),
        button(
          say(ui, '提交', EN.submit),
          () => send({ type: 'submit_reasons' }),
          'primary',
          keyOf(ctx, 5),
          ui,
        ),
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
      if (ctx.keys) f.aside.push(keyHints(screen.keyHints, ui));
      f.footer.push(
        button(
          say(ui, '完成', EN.done),
          () => send({ type: 'submit_reasons' }),
          'primary',
          keyOf(ctx, 5),
          ui,
        ),
        countdown(screen.deadline, undefined, ui),
      );
      return f;
    case 'thanks':
      // Large thanks; the level in one line of plain text, body-sized — never a coloured
      // card, face or key, which the clerk and the queue would read from afar.
      f.header.push(el('h1', { className: 'thanks', text: say(ui, '谢谢您的评价', EN.thanks) }));
      if (screen.given)
        f.header.push(
          el('p', {
            className: 'given-level',
            text: ui === 'en' ? EN.yourRating(screen.given.labelEn) : `您的评价：${screen.given.label}`,
          }),
        );
      return f;
    case 'fault':
      f.header.push(el('h1', { className: 'fault', text: screen.message }));
      return f;
    case 'page_qr':
      return pageQrFrame(screen, ctx);
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

export function render(
  view: ViewState,
  root: HTMLElement,
  /** The line above the frame; a training terminal marks every screen there. */
  banner: Banner,
  send: Send,
  /** The citizen's 中文/English, kept by the caller across views. */
  language: LanguageChoice,
): void {
  const ui = language.follow(view.screen);
  // The keypad's note is for the citizen, so it follows the screen's language; the
  // training mark and note are for staff, and stay Chinese.
  banner.setBase({
    training: view.training,
    note:
      view.keypadBanner !== null
        ? ui === 'en'
          ? { text: EN.keypadBanner, lang: 'en' }
          : { text: view.keypadBanner, lang: 'zh' }
        : view.training
          ? { text: TRAINING_NOTE, lang: 'zh' }
          : null,
  });
  const hall = [view.hallName, view.windowNo ? `${view.windowNo} 号窗口` : ''].filter(Boolean).join(' · ');
  const ctx: Ctx = { ui, send, keys: view.keys };
  // The idle screen lays out the hall and window itself, large: it is read from afar.
  const idle = view.screen.kind === 'idle';
  const f = view.screen.kind === 'idle' ? idleFrame(view.screen, view) : frameOf(view.screen, ctx);
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
      : el('header', {}, idle ? null : hallLine, ...f.header);
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
