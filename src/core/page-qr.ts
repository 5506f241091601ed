// A web page shown as a QR code (the GWQ protocol's type 90): the business system wants
// the citizen to rate on a page of its own, typically the province's 好差评 page. The
// terminal never browses the web on a citizen's screen; it shows the page's address as a
// large QR code with the clerk card, for prompt.timeoutSeconds or until the business
// system ends it, a new prompt takes the screen, or the citizen presses a key or touches
// the screen. It is not a prompt: nothing of it is stored, and no rating comes of it here.

import type { Reply } from './effects.js';
import type { QrCode } from './model.js';
import type { CoreState } from './state.js';
import { type Out, refuse } from './step-out.js';

export interface PageQr {
  id: string;
  qr: Pick<QrCode, 'url' | 'svg'>;
  /** When it leaves the screen by itself. */
  until: number;
}

export function showPage(state: CoreState, out: Out, now: number, pageId: string, qr: PageQr['qr']): Reply {
  if (!state.storeOk) return refuse('store_unavailable', 'The terminal shows its fault screen.');
  // A citizen rating here is never interrupted.
  if (state.session) return refuse('prompt_open', 'A rating prompt is open.');
  state.pageQr = { id: pageId, qr: { url: qr.url, svg: qr.svg }, until: now + state.config.promptTimeoutMs };
  state.thanksUntil = null;
  out.render = true;
  return { ok: true };
}

/** Takes the page off the screen (all of them when `pageId` is absent); true if one was shown. */
export function closePage(state: CoreState, out: Out, pageId?: string): boolean {
  const shown = state.pageQr;
  if (!shown || (pageId !== undefined && shown.id !== pageId)) return false;
  state.pageQr = null;
  out.render = true;
  return true;
}

/** Its time is up. */
export function expirePage(state: CoreState, out: Out, now: number): void {
  if (state.pageQr && state.pageQr.until <= now) closePage(state, out);
}
