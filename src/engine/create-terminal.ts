// Builds the Terminal a configuration describes: the store it opens, the QR codes it
// makes, the keys a keyboard-wedge keypad sends. Shared by both shells.

import type { Clock } from '../base/clock.js';
import type { Logger } from '../base/logger.js';
import type { SlideList } from '../base/slide-folder.js';
import type { TerminalConfig } from '../config/terminal-config.js';
import type { ReasonsCatalogue } from '../core/reasons.js';
import { createPromptQrSync } from '../qr/prompt-qr.js';
import { RatingStore } from '../store/store.js';
import type { PageSource } from '../sync/page-source.js';
import { coreConfigOf } from './core-config.js';
import { Terminal } from './terminal.js';

/** `pages`: the URL mode's page source (platform.urlMode: qr); `clock`: a test's; `slides`: ui.idleSlides as read. */
export function createTerminal(
  config: TerminalConfig,
  catalogue: ReasonsCatalogue,
  log: Logger,
  extra: { pages?: PageSource | null; clock?: Clock; slides?: SlideList | null } = {},
): Terminal {
  const training = config.terminal.training;
  // A prompt's QR lets the citizen rate at the platform itself, past this terminal's
  // store: a training terminal makes none (qr: null in the API), or a made-up rating
  // against a real clerk could reach the platform by phone.
  const qr = training ? null : config.qr;
  return new Terminal({
    config: coreConfigOf(config, catalogue, extra.slides ?? null),
    openStore: () => RatingStore.open({ path: config.store.path, keyFile: config.store.keyFile, training }),
    log,
    hidKeys: config.keypad.driver === 'hid' ? config.keypad.hidKeys : [],
    pages: extra.pages ?? null,
    ...(extra.clock ? { clock: extra.clock } : {}),
    ...(qr
      ? {
          qrFor: (f) =>
            createPromptQrSync(
              { baseUrl: qr.baseUrl, secret: qr.secret, ttlSeconds: qr.ttlSeconds },
              {
                terminalId: config.terminal.id,
                transactionId: f.request.transactionId,
                serviceCode: f.request.service.code,
                departmentCodes: f.request.departments.map((d) => d.code),
                clerkId: f.clerkId,
                nowMs: f.now,
              },
            ),
        }
      : {}),
  });
}
