// The URL mode's I/O: asking the platform for its own rating page of a prompt
// (`platform.urlMode: qr`, profile fujian). The core says when (a `fetch_page` effect);
// the Terminal runs it through a PageSource and hands the answer back as an event.

import { type Clock, systemClock } from '../base/clock.js';
import { fujianOptions } from '../config/platform-config.js';
import type { PlatformSection, TerminalConfig } from '../config/terminal-config.js';
import { cstDateTime } from '../core/cst.js';
import type { Service, ServiceFacts } from '../core/model.js';
import { fujianSettings } from '../sync/adapters/fujian/settings.js';
import type { TokenShelf } from '../sync/adapters/fujian/token.js';
import { type PageResult, requestPage } from '../sync/adapters/fujian/url-mode.js';
import { createHttpTransport, type Transport } from '../sync/http-transport.js';

export type { PageResult } from '../sync/adapters/fujian/url-mode.js';

/** What a page request says of its prompt. */
export interface PagePrompt {
  transactionId: string;
  service: Service;
  facts: ServiceFacts;
}

export interface PageSource {
  /** How long `POST /v1/prompts` waits for the page (`platform.urlTimeoutSeconds`). */
  readonly waitMs: number;
  /** Never throws: a failure is a result with its reason. */
  fetch(prompt: PagePrompt): Promise<PageResult>;
  close(): void;
}

export interface PageSourceOptions {
  /** Shared with the forwarder's adapter, so both use one token. */
  tokens: TokenShelf;
  transport?: Transport;
  /** The gateway's clock for token timestamps: the real one (the engine's may be a test's). */
  clock?: Clock;
}

/** What the URL mode reads of a configuration. */
export interface PageConfig {
  platform: PlatformSection | null;
  terminal: Pick<TerminalConfig['terminal'], 'id' | 'areaCode' | 'windowNo' | 'training'>;
}

/** Whether a configuration asks for the platform's pages: never on a training terminal. */
export function wantsPages(config: PageConfig): boolean {
  const p = config.platform;
  return !config.terminal.training && p?.profile === 'fujian' && p.urlMode === 'qr';
}

/** The page source a configuration describes, or null when the URL mode is off. */
export function pageSourceOf(config: PageConfig, options: PageSourceOptions): PageSource | null {
  const p: PlatformSection | null = config.platform;
  if (!wantsPages(config) || p?.profile !== 'fujian') return null;
  const settings = fujianSettings(fujianOptions(p));
  const tokens = options.tokens.cacheFor(settings);
  const own = options.transport ? null : createHttpTransport();
  const transport = options.transport ?? (own?.send as Transport);
  const clock = options.clock ?? systemClock;
  // The page may come after POST /v1/prompts has answered; it still replaces the QR of
  // an open prompt, so it is waited for as long as any call to the gateway.
  const timeoutMs = p.timeoutSeconds * 1000;
  const t = config.terminal;
  return {
    waitMs: p.urlTimeoutSeconds * 1000,
    fetch: (prompt) =>
      requestPage(
        settings,
        { network: p.network, backUrl: p.backUrl },
        {
          transactionId: prompt.transactionId,
          taskCode: prompt.service.code,
          taskName: prompt.service.name,
          proStatus: prompt.facts.proStatus,
          acceptDate: prompt.facts.acceptDate ?? '',
          serviceTime: prompt.facts.serviceTime || cstDateTime(clock.now()),
          areaCode: t.areaCode,
          channel: p.channel,
          terminalId: t.id,
          windowNo: t.windowNo,
        },
        tokens,
        () => clock.now(),
        (request) => transport(request, { timeoutMs }),
      ),
    close() {
      own?.close();
    },
  };
}
