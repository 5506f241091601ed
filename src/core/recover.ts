// Start-up: what a previous run left unfinished is picked up as the rules say.

import { promptEnded, promptResumed } from './activity.js';
import type { CoreEvent } from './events.js';
import { isBad } from './levels.js';
import type { PromptStatus } from './model.js';
import { newSession, putOnScreen } from './prompt/enter.js';
import { NO_REASON_NOTE } from './reasons.js';
import type { CoreState } from './state.js';
import type { Out } from './step-out.js';

export function recover(
  state: CoreState,
  out: Out,
  now: number,
  event: Extract<CoreEvent, { type: 'recover' }>,
) {
  state.clerk = event.clerk && state.config.mode === 'counter' ? { ...event.clerk } : null;
  state.inviteSeq = event.inviteSeq;
  // A rating cut off on its reasons or indicators screen (power cut, crash) is final as
  // it stood. Only a 差评 needs the note: a 好评's indicators are optional.
  const finals = event.drafts.map((r) => ({
    ...r,
    final: true,
    comment: isBad(r.level) && r.reasons.length === 0 && r.comment === '' ? NO_REASON_NOTE : r.comment,
  }));
  if (finals.length > 0) {
    out.putRecords(finals);
    out.forward = true;
  }
  let resumed: string | null = null;
  for (const p of event.unfinished) {
    // An unanswered prompt that is still in time comes back on screen: the citizen
    // may still be standing there after a power blip.
    if (p.status === 'open' && now < p.expiresAt && !state.session) {
      putOnScreen(
        state,
        out,
        newSession(
          {
            id: p.id,
            transactionId: p.transactionId,
            service: p.service,
            departments: p.departments,
            mode: p.mode,
            citizen: p.citizen,
            clerk: p.clerk,
            facts: p.facts,
            source: p.source,
            qr: event.qr,
            openedAt: p.openedAt,
            expiresAt: p.expiresAt,
          },
          now,
        ),
      );
      resumed = p.id;
      continue;
    }
    const status: PromptStatus = p.status === 'open' ? 'expired' : p.status;
    out.ops.push({ op: 'prompt_end', id: p.id, status, at: now });
    // A rated prompt was logged as ended at its first rating, in the run before.
    if (status !== 'rated') out.log(promptEnded(p.id, status, true));
    out.ended({ id: p.id, status, source: p.source });
  }
  // Said last, once the start-up's other lines are: the prompt the citizen may still be at.
  if (resumed !== null) out.log(promptResumed(resumed));
  out.render = true;
}
