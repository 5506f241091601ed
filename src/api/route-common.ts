// What the API's routes share: how a prompt and a clerk are shown to the business
// system, and how a refusal of the rules or of a failing store becomes an error.

import type { FastifyInstance } from 'fastify';
import type { PromptChange } from '../core/effects.js';
import type { QrCode } from '../core/model.js';
import type { PromptSummary } from '../core/summaries.js';
import { ApiError, REPLY_STATUS } from './errors.js';
import type { ApiOperations } from './operations.js';

/** What a route group needs: the app to add to, the terminal, and the settings in force. */
export interface RouteContext {
  app: FastifyInstance;
  ops: ApiOperations;
  /** Read at each request: SIGHUP may change revealRatings. */
  settings: { revealRatings: boolean };
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** A QR code as the contract gives it: its text and its SVG, nothing else. */
export function qrView(qr: QrCode | null): { url: string; svg: string } | null {
  return qr ? { url: qr.url, svg: qr.svg } : null;
}

/**
 * The prompt as the business system sees it: how the citizen rated only if the hall
 * allows; `qr` is its current QR code (null once it is no longer open). `change`: the
 * status and finality an event reports, as of that change (an event read a moment later
 * must not skip the `rated, final: false` a 好评 passes through in the same instant);
 * without it, as the store has it now (final once the prompt has left the screen).
 */
export function promptView(
  p: PromptSummary,
  reveal: boolean,
  qr: QrCode | null,
  change?: Pick<PromptChange, 'status' | 'final'>,
) {
  return {
    id: p.id,
    transactionId: p.transactionId,
    status: change?.status ?? p.status,
    final: change?.final ?? p.endedAt !== null,
    source: p.source,
    qr: qrView(qr),
    ratings: reveal
      ? p.records.map((r) => ({
          department: r.department,
          level: r.level,
          reasons: r.reasons,
          comment: r.comment,
          scope: r.scope,
          ratedAt: iso(r.ratedAt),
        }))
      : [],
    // An empty list must not read as "not rated": say when it is empty by the hall's choice.
    ratingsHidden: !reveal,
  };
}

/** A refusal of the rules; `prompt_open` names the prompt on screen in `details`. */
export function refuse(reply: { ok: false; code: string; message: string; promptId?: string }): never {
  const details = reply.promptId !== undefined ? [{ field: 'promptId', problem: reply.promptId }] : [];
  throw new ApiError(REPLY_STATUS[reply.code] ?? 409, reply.code, reply.message, details);
}

/** The contract puts 503 before 409: a write the store cannot take is refused as such. */
export function needStore(ops: ApiOperations): void {
  if (ops.health().store !== 'ok') {
    throw new ApiError(503, 'store_unavailable', 'The terminal cannot store ratings right now.');
  }
}
