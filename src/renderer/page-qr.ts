// A web page shown as a QR code (the GWQ protocol's type 90): the business system asked
// the citizen to rate on a page of its own, and the terminal never browses, so it shows
// the address to scan — large, with the clerk card beside it. Any touch closes it (and
// any key, which the engine hears itself); a 关闭 button says so to whoever looks for one.
import type { Screen } from '../core/view.js';
import { button, type Ctx, el } from './dom.js';
import { clerkCard } from './idle.js';
import { countdown, type Frame, qrBlock } from './render.js';

type PageScreen = Extract<Screen, { kind: 'page_qr' }>;

export function pageQrFrame(screen: PageScreen, ctx: Ctx): Frame {
  const dismiss = () => ctx.send({ type: 'dismiss' });
  const area = (...children: (Node | null)[]) => {
    const node = el('div', { className: 'page-qr-area' }, ...children);
    node.addEventListener('click', dismiss);
    return node;
  };
  const card = screen.clerk
    ? clerkCard({ kind: 'idle', clerk: screen.clerk, clerkStatus: 'serving', staticQr: null, slides: null })
    : null;
  return {
    header: [
      el('h1', { text: '请扫码评价' }),
      el('p', { className: 'sub', text: '请用手机扫描二维码，在打开的页面上对本次服务进行评价' }),
    ],
    main: [area(qrBlock(screen.qr, screen.qr.caption))],
    aside: card ? [area(card)] : [],
    footer: [
      button('关闭', dismiss, 'secondary', undefined, ctx.ui),
      countdown(screen.deadline, undefined, ctx.ui),
    ],
  };
}
