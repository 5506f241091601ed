// The idle screen: read from a metre away at the counter. The window number and the
// clerk card are the point of it (whom the citizen is served by, and will rate), so
// they never give way: the hall's notices (ui.idleSlides) take a region of their own
// beside them, in turn, and are simply not drawn on any other screen — a prompt's
// view replaces them in the same frame.
import type { IdleSlides } from '../core/model.js';
import type { Screen, ViewState } from '../core/view.js';
import { el, words } from './dom.js';
import { type Frame, qrBlock } from './render.js';

type IdleScreen = Extract<Screen, { kind: 'idle' }>;

const TITLES: Record<IdleScreen['clerkStatus'], string> = {
  serving: '欢迎光临',
  paused: '暂停服务',
  absent: '暂无工作人员',
  kiosk: '欢迎光临',
};

/** The line under everything: what the citizen can do here now, in words (never colour alone). */
const INVITATIONS: Record<IdleScreen['clerkStatus'], string> = {
  serving: '办理完毕后，请对本次服务进行评价',
  paused: '请稍候，工作人员马上回来',
  absent: '本窗口暂无工作人员，请稍候',
  kiosk: '办理业务后，可在此对服务进行评价',
};

function stars(value: number): HTMLElement {
  const full = Math.max(0, Math.min(5, Math.round(value)));
  return el(
    'p',
    { className: 'stars' },
    el('span', {
      className: 'glyphs',
      text: '★'.repeat(full) + '☆'.repeat(5 - full),
      attrs: { 'aria-hidden': 'true' },
    }),
    el('span', { className: 'stars-text', text: `${value} 星` }),
  );
}

export function clerkCard(screen: IdleScreen): HTMLElement | null {
  const c = screen.clerk;
  if (!c) return null;
  return el(
    'div',
    { className: `clerk ${screen.clerkStatus}` },
    c.photo
      ? el('img', { attrs: { src: c.photo, alt: `${c.name}的照片` } })
      : // No photo: the first character of the name, large, in its place (decoration only).
        el('div', { className: 'no-photo', text: [...c.name][0] ?? '', attrs: { 'aria-hidden': 'true' } }),
    el(
      'div',
      { className: 'clerk-text' },
      // Paused, the card itself says so in words (it is greyed too, but never only that).
      el(
        'p',
        { className: 'name-line' },
        el('span', { className: 'clerk-name', text: c.name }),
        screen.clerkStatus === 'paused' ? el('span', { className: 'status-tag', text: '暂停服务' }) : null,
      ),
      el('p', { text: `工号 ${c.id}` }),
      el('p', { className: 'muted' }, ...words(c.department)),
      c.stars !== null ? stars(c.stars) : null,
    ),
  );
}

/** Which notice shows at `now`: a function of the clock, so every redraw agrees with the last. */
export function slideIndex(slides: IdleSlides, now: number): number {
  const period = Math.max(1, slides.seconds) * 1000;
  return Math.floor(now / period) % slides.slides.length;
}

function slideUrl(id: string): string {
  return `/slides/${encodeURIComponent(id)}`;
}

/** The notice region on screen now, if any: the one the rotation timer turns. */
let shown: { slides: IdleSlides; figure: HTMLElement; index: number } | null = null;
let turning = false;

function showSlide(figure: HTMLElement, slides: IdleSlides, index: number): void {
  const slide = slides.slides[index];
  const img = figure.querySelector('img');
  const caption = figure.querySelector('figcaption');
  if (!slide || !img || !caption) return;
  img.src = slideUrl(slide.id);
  img.alt = `大厅公告：${slide.title}`;
  caption.textContent =
    slides.slides.length > 1 ? `大厅公告 ${index + 1} / ${slides.slides.length}` : '大厅公告';
  // The next one is fetched ahead, so the turn shows it at once.
  const next = slides.slides[(index + 1) % slides.slides.length];
  if (next && next !== slide) new Image().src = slideUrl(next.id);
}

function turn(): void {
  if (!shown?.figure.isConnected) {
    shown = null;
    return;
  }
  const index = slideIndex(shown.slides, Date.now());
  if (index !== shown.index) {
    shown.index = index;
    showSlide(shown.figure, shown.slides, index);
  }
}

function slideFigure(slides: IdleSlides): HTMLElement {
  // Inside the screen's live region, but a notice turning is not news to announce.
  const figure = el(
    'figure',
    { className: 'slide', attrs: { 'aria-live': 'off' } },
    el('img', { className: 'notice', attrs: { alt: '' } }),
    el('figcaption'),
  );
  const index = slideIndex(slides, Date.now());
  showSlide(figure, slides, index);
  shown = { slides, figure, index };
  if (!turning) {
    turning = true;
    setInterval(turn, 500);
  }
  return figure;
}

export function idleFrame(screen: IdleScreen, view: Pick<ViewState, 'hallName' | 'windowNo'>): Frame {
  const f: Frame = { header: [], main: [], aside: [], footer: [] };
  shown = null;
  if (view.hallName) f.header.push(el('p', { className: 'hall-name' }, ...words(view.hallName)));
  f.header.push(
    el(
      'div',
      { className: 'idle-title' },
      view.windowNo ? el('p', { className: 'window-no', text: `${view.windowNo} 号窗口` }) : null,
      el('h1', { text: TITLES[screen.clerkStatus] }),
    ),
  );
  const card = clerkCard(screen);
  const qr = screen.staticQr ? qrBlock(screen.staticQr, '扫码评价本大厅') : null;
  // With notices, the hall's QR code goes with them (both are the hall's, not the
  // window's): the clerk card keeps its column, large, and neither side is crowded.
  if (screen.slides) {
    // No card (no clerk, or a kiosk): the notices have the middle to themselves.
    if (card) f.main.push(el('div', { className: 'idle-body' }, card));
    f.aside.push(slideFigure(screen.slides), ...(qr ? [qr] : []));
  } else {
    f.main.push(el('div', { className: 'idle-body' }, card, qr));
  }
  f.footer.push(el('p', { className: 'invitation' }, ...words(INVITATIONS[screen.clerkStatus])));
  return f;
}
