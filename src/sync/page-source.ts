// What the engine asks of a platform's own rating pages (a profile's URL mode): one page
// address per prompt, or why there is none. A profile builds the source from its resolved
// settings (src/profiles); the engine runs it (src/engine/platform-page.ts).

import type { Service, ServiceFacts } from '../core/model.js';

export type PageResult = { ok: true; url: string } | { ok: false; reason: string };

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

/** What of the terminal a page request carries. */
export interface PageTerminal {
  id: string;
  areaCode: string;
  windowNo: string;
}
