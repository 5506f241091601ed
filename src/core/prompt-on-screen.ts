// Questions about the prompt on screen that the clerk's side asks before acting on it:
// is a request a retry of it, and is the citizen in the middle of a rating?

import type { PromptRequest } from './events.js';
import type { Session } from './state.js';

/**
 * A request that repeats the prompt on screen: a business system retrying a POST whose
 * answer it lost. Compared on what names the transaction and what is rated, never on
 * the citizen's data (a retry may leave it out).
 */
export function repeatsPrompt(s: Session, request: PromptRequest): boolean {
  const key = (r: Pick<PromptRequest, 'transactionId' | 'service' | 'departments' | 'mode'>) =>
    JSON.stringify([
      r.transactionId,
      [r.service.code, r.service.name],
      r.departments.map((d) => [d.code, d.name]),
      r.mode,
    ]);
  return (request.source ?? 'api') === s.source && key(s) === key(request);
}

/**
 * The citizen has begun something the clerk's side may not cut short: a 差评's reasons
 * (and the change-level screen reached from them), or a 好评's optional indicators. The
 * business system never cuts a citizen's rating short: such a screen runs to its end.
 */
export function ratingUnderway(s: Session): boolean {
  const kind = s.phase.kind;
  return kind === 'reasons' || kind === 'change' || kind === 'indicators';
}
