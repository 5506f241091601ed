// A GwqOperations that records what the listener asked and lets the test say how each
// prompt ends: the listener's own tests need no engine (the end-to-end tests have one).
import type { GwqOutcome } from '../../../src/compat/gwq/codec.js';
import type {
  GwqEvaluateReply,
  GwqEvaluation,
  GwqOperations,
  GwqPageReply,
} from '../../../src/compat/gwq/operations.js';

export class FakeGwqOps implements GwqOperations {
  readonly evaluations: GwqEvaluation[] = [];
  readonly ended: string[] = [];
  readonly pages: string[] = [];
  readonly closedPages: string[] = [];
  /** What the next evaluate answers; null: it opens a prompt. */
  refuseWith: Extract<GwqEvaluateReply, { ok: false }> | null = null;
  pageRefusal: Extract<GwqPageReply, { ok: false }> | null = null;
  /** What a photo that reached evaluate is, as the engine would judge its bytes. */
  photoVerdict: 'shown' | 'ignored' = 'shown';
  /** The engine fails (a bug, a disk): evaluate and showPage throw this. */
  fault: Error | null = null;
  private listeners: ((promptId: string, outcome: GwqOutcome) => void)[] = [];
  private n = 0;

  evaluate(request: GwqEvaluation): GwqEvaluateReply {
    this.evaluations.push(request);
    if (this.fault) throw this.fault;
    if (this.refuseWith) return this.refuseWith;
    this.n += 1;
    return { ok: true, promptId: `P-${this.n}`, photo: request.photo === null ? 'none' : this.photoVerdict };
  }

  end(promptId: string): void {
    this.ended.push(promptId);
  }

  showPage(url: string): GwqPageReply {
    if (this.fault) throw this.fault;
    if (this.pageRefusal) return this.pageRefusal;
    this.pages.push(url);
    return { ok: true, pageId: `PAGE-${this.pages.length}` };
  }

  closePage(pageId: string): void {
    this.closedPages.push(pageId);
  }

  subscribe(final: (promptId: string, outcome: GwqOutcome) => void): () => void {
    this.listeners.push(final);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== final);
    };
  }

  /** The prompt became final, as the engine would tell it. */
  final(promptId: string, outcome: GwqOutcome): void {
    for (const l of [...this.listeners]) l(promptId, outcome);
  }

  get subscribers(): number {
    return this.listeners.length;
  }
}
