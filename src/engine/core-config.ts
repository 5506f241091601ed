// The part of the technician's configuration that the rules read.

import type { SlideList } from '../base/slide-folder.js';
import type { TerminalConfig } from '../config/terminal-config.js';
import type { CoreConfig } from '../core/model.js';
import type { ReasonsCatalogue } from '../core/reasons.js';
import { defaultChannel } from '../profiles/common.js';
import { staticQrSvg } from '../qr/render.js';
import { wantsPages } from './platform-page.js';

/** How long the thank-you screen stays before the idle screen returns. */
export const THANKS_MS = 3_000;

/** `slides`: the notices found in ui.idleSlides (the caller reads the folder). */
export function coreConfigOf(
  config: TerminalConfig,
  catalogue: ReasonsCatalogue,
  slides: SlideList | null = null,
): CoreConfig {
  const mode = config.terminal.mode;
  const training = config.terminal.training;
  return {
    terminalId: config.terminal.id,
    mode,
    windowNo: config.terminal.windowNo,
    hallName: config.terminal.hallName,
    areaCode: config.terminal.areaCode,
    channel: config.platform?.channel ?? defaultChannel(mode),
    keymap: config.keypad.keymap,
    promptTimeoutMs: config.prompt.timeoutSeconds * 1000,
    reasonsTimeoutMs: config.prompt.reasonsTimeoutSeconds * 1000,
    thanksMs: THANKS_MS,
    invite: config.prompt.invite,
    catalogue,
    goodIndicators: config.prompt.goodIndicators,
    // The hall's QR leads to the platform's own rating page: a training terminal shows none.
    staticQr:
      config.qr?.staticUrl && !training
        ? { url: config.qr.staticUrl, svg: staticQrSvg(config.qr.staticUrl) }
        : null,
    training,
    platformPage: wantsPages(config),
    voiceGuide: config.ui.voiceGuide,
    idleSlides:
      slides && slides.slides.length > 0
        ? {
            slides: slides.slides.map((s) => ({ id: s.id, title: s.title })),
            seconds: config.ui.idleSlideSeconds,
          }
        : null,
  };
}
