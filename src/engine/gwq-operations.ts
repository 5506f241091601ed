// The GWQ listener's operations on the Terminal (src/compat/gwq/operations.ts): a type 10
// becomes a `single` prompt with source `gwq` — the clerk signed in first on a counter,
// its 办件编号 GWQ-{terminal.id}-{n} from the store's counter, no QR code — and each
// prompt that becomes final is told back with its outcome.

import { checkPhoto } from '../api/photo.js';
import type { GwqOutcome } from '../compat/gwq/codec.js';
import type {
  GwqEvaluateReply,
  GwqEvaluation,
  GwqOperations,
  GwqPageReply,
} from '../compat/gwq/operations.js';
import type { Department, Service } from '../core/model.js';
import { qrSvg } from '../qr/render.js';
import type { Terminal } from './terminal.js';

/** The store's counter of GWQ prompts: n in GWQ-{terminal.id}-{n}, never reused. */
export const GWQ_SEQUENCE = 'gwq_seq';

const NO_DEPARTMENT: Department = { code: '', name: '' };

/**
 * The department the local API last gave each 工号, while the terminal runs: a GWQ call
 * names the clerk but never a department. The clerk signed in now is also in the store.
 */
export class DepartmentMemory {
  private readonly byClerk = new Map<string, Department>();

  remember(clerkId: string, department: Department): void {
    // Bounded: a hall has tens of clerks, not thousands.
    if (this.byClerk.size >= 1000 && !this.byClerk.has(clerkId)) this.byClerk.clear();
    this.byClerk.set(clerkId, { code: department.code, name: department.name });
  }

  of(clerkId: string): Department | null {
    return this.byClerk.get(clerkId) ?? null;
  }
}

/**
 * The Terminal as the local API sees it, but for signIn, whose department is remembered
 * for the GWQ calls that name the same clerk.
 */
export function rememberingDepartments<T extends object>(terminal: T, memory: DepartmentMemory): T {
  return new Proxy(terminal, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (prop === 'signIn' && typeof value === 'function') {
        return (clerk: { id: string; department: Department }) => {
          const reply = value.call(target, clerk);
          if (reply?.ok) memory.remember(clerk.id, clerk.department);
          return reply;
        };
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

export interface GwqTerminalFacts {
  terminalId: string;
  /** What the prompt's screen names as its service: a GWQ call names none. */
  service: Service;
  memory: DepartmentMemory;
}

function refused(ret: -3 | -7, why: string): { ok: false; ret: -3 | -7; why: string } {
  return { ok: false, ret, why };
}

export function gwqOperations(terminal: Terminal, facts: GwqTerminalFacts): GwqOperations {
  let pages = 0;

  /** On a counter, the clerk the call names, signed in as serving; null when that failed. */
  const signIn = (e: GwqEvaluation, photo: string | null): boolean => {
    const now = terminal.clerk;
    const same = now?.id === e.tellerNo;
    const department = same && now ? now.department : (facts.memory.of(e.tellerNo) ?? NO_DEPARTMENT);
    const shown = photo ?? (same && now ? now.photo : null);
    if (now && same && now.name === e.tellerName && now.photo === shown && now.status === 'serving')
      return true;
    const reply = terminal.signIn({
      id: e.tellerNo,
      name: e.tellerName,
      department,
      photo: shown,
      stars: same && now ? now.stars : null,
    });
    return reply.ok;
  };

  return {
    evaluate(e): GwqEvaluateReply {
      const config = terminal.config;
      // Nothing tried out may reach a business system that reports to a province.
      if (config.training) return refused(-3, 'a training terminal answers no business system');
      if (terminal.health().store !== 'ok') return refused(-7, 'the store cannot be written');
      if (terminal.currentPromptId() !== null) return refused(-7, 'a prompt is open');
      const clerk = terminal.clerk;
      if (config.mode === 'counter' && clerk && (clerk.status === 'paused' || clerk.pauseWhenDone))
        return refused(-7, 'the clerk is paused');
      const checked = e.photo === null ? null : checkPhoto(e.photo);
      const photo = checked?.ok ? checked.photo : null;
      if (config.mode === 'counter' && !signIn(e, photo))
        return refused(-7, 'the clerk could not be signed in');
      const n = terminal.takeSequence(GWQ_SEQUENCE);
      if (n === null) return refused(-7, 'the store cannot be written');
      const department =
        config.mode === 'counter' ? (terminal.clerk?.department ?? NO_DEPARTMENT) : NO_DEPARTMENT;
      const reply = terminal.openPrompt({
        transactionId: `GWQ-${facts.terminalId}-${n}`,
        service: facts.service,
        departments: [department],
        mode: 'single',
        citizen: null,
        source: 'gwq',
        ...(e.timeoutSeconds !== null ? { timeoutMs: e.timeoutSeconds * 1000 } : {}),
      });
      if (!reply.ok || !reply.promptId) return refused(-7, reply.ok ? 'no prompt was opened' : reply.code);
      return {
        ok: true,
        promptId: reply.promptId,
        photo: checked === null ? 'none' : checked.ok ? 'shown' : 'ignored',
      };
    },

    end(promptId) {
      // A prompt that is already final has nothing left to end.
      terminal.cancelPrompt(promptId);
    },

    showPage(url): GwqPageReply {
      if (terminal.config.training) return refused(-3, 'a training terminal shows no page to rate on');
      pages += 1;
      const pageId = `page-${pages}`;
      let svg: string;
      try {
        svg = qrSvg(url);
      } catch {
        return refused(-7, 'the address does not fit in a QR code');
      }
      const reply = terminal.dispatch({ type: 'show_page', pageId, qr: { url, svg } });
      return reply.ok ? { ok: true, pageId } : refused(-7, reply.code);
    },

    closePage(pageId) {
      terminal.dispatch({ type: 'close_page', pageId });
    },

    subscribe(final) {
      return terminal.subscribe({
        promptFinal: (f) => {
          if (f.source !== 'gwq') return;
          final(f.promptId, outcomeOf(terminal, f.promptId, f.status));
        },
      });
    },
  };
}

function outcomeOf(terminal: Terminal, promptId: string, status: string): GwqOutcome {
  if (status === 'expired') return { status: 'expired' };
  if (status === 'declined') return { status: 'declined' };
  if (status !== 'rated') return { status: 'cancelled' };
  // A single prompt has one record; a level changed on the reasons screen replaced it.
  const records = terminal.getPrompt(promptId)?.records ?? [];
  const last = records.reduce<(typeof records)[number] | null>(
    (a, r) => (a === null || r.ratedAt >= a.ratedAt ? r : a),
    null,
  );
  return last ? { status: 'rated', level: last.level } : { status: 'unreadable' };
}
