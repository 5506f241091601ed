// What the GWQ listener may ask of the engine: an interface, so compat never reaches into
// the engine or the store (src/engine/gwq-operations.ts implements it on the Terminal).

import type { GwqOutcome } from './codec.js';

/** A type 10, as the listener read it. */
export interface GwqEvaluation {
  tellerName: string;
  tellerNo: string;
  /** A data URL labelled by its base64's first bytes, not yet checked; null: none given. */
  photo: string | null;
  /** null: prompt.timeoutSeconds. */
  timeoutSeconds: number | null;
}

export type GwqEvaluateReply =
  /** `photo`: whether the photo given (if any) is shown, or was set aside as not an image. */
  | { ok: true; promptId: string; photo: 'shown' | 'ignored' | 'none' }
  /**
   * −3: not now (a training terminal); −7: busy (a prompt open, the clerk paused) or the
   * store cannot be written. `why` is for the log.
   */
  | { ok: false; ret: -3 | -7; why: string };

export type GwqPageReply = { ok: true; pageId: string } | { ok: false; ret: -3 | -7; why: string };

export interface GwqOperations {
  /** Opens the GWQ prompt (signing the clerk in on a counter first); nothing is opened when refused. */
  evaluate(request: GwqEvaluation): GwqEvaluateReply;
  /**
   * Ends the prompt if it is still open, as the contract's type 2 says: before a rating it
   * is cancelled; once the citizen rated, it ends as the rating stands, and a reasons
   * screen runs to its end first. The outcome comes through `subscribe` when final.
   */
  end(promptId: string): void;
  /** Shows a web page as a QR code for the citizen to scan (type 90). */
  showPage(url: string): GwqPageReply;
  /** Takes that QR code off the screen if it is still there. */
  closePage(pageId: string): void;
  /** Tells `final` once for each prompt that became final (every prompt, not only GWQ's). */
  subscribe(final: (promptId: string, outcome: GwqOutcome) => void): () => void;
}
