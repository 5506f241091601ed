// A prompt takes the screen: asked for by the business system (or GWQ), or by the
// clerk's INVITE key; and what may come for it once it is open (a platform's page, a
// cancel).

import * as activity from '../activity.js';
import { cstDate } from '../cst.js';
import type { Reply } from '../effects.js';
import type { PromptRequest } from '../events.js';
import type { PromptRecord, QrCode } from '../model.js';
import { closePage } from '../page-qr.js';
import { ratingUnderway, repeatsPrompt } from '../prompt-on-screen.js';
import { resolveFacts } from '../service-facts.js';
import type { CoreState } from '../state.js';
import { type Out, refuse } from '../step-out.js';
import { promptOpened } from '../voice.js';
import { newSession, putOnScreen } from './enter.js';
import { endSession, withdraw } from './thanks.js';

export interface OpenOptions {
  alreadyRated: boolean;
  replace: boolean;
}

/**
 * The prompt the clerk's INVITE key opens, or null when the key does nothing now:
 * only while serving with nothing on screen, and only where the hall allows it.
 */
export function inviteRequest(state: CoreState, now: number): PromptRequest | null {
  const clerk = state.clerk;
  if (state.config.mode === 'kiosk' || !state.config.invite.enabled) return null;
  if (clerk?.status !== 'serving' || clerk.pauseWhenDone || state.session) return null;
  const seq = state.inviteSeq + 1;
  return {
    // Unique on this terminal whatever the clock does: the counter never resets.
    transactionId: `${state.config.terminalId}-${cstDate(now)}-${String(seq).padStart(4, '0')}`,
    service: state.config.invite.service,
    departments: [clerk.department],
    mode: 'single',
    citizen: null,
    source: 'invite',
  };
}

/** The INVITE key: a prompt of the clerk's own, numbered by a counter kept on disk. */
export function openInvited(state: CoreState, out: Out, now: number, promptId: string, qr: QrCode | null) {
  const request = inviteRequest(state, now);
  if (!request) return;
  const reply = openPrompt(state, out, now, promptId, request, qr, { alreadyRated: false, replace: false });
  if (reply.ok) {
    state.inviteSeq += 1;
    out.ops.push({ op: 'invite_seq', value: state.inviteSeq });
  }
}

export function openPrompt(
  state: CoreState,
  out: Out,
  now: number,
  promptId: string,
  request: PromptRequest,
  qr: QrCode | null,
  opts: OpenOptions,
): Reply {
  if (!state.storeOk) return refuse('store_unavailable', 'The terminal cannot store ratings right now.');
  if (state.config.mode === 'counter') {
    if (!state.clerk) return refuse('clerk_absent', 'No clerk is signed in.');
    if (state.clerk.status === 'paused') return refuse('clerk_paused', 'The window is paused (暂停服务).');
  }
  const onScreen = state.session;
  if (onScreen && repeatsPrompt(onScreen, request)) return { ok: true, promptId: onScreen.id, retried: true };
  if (onScreen && !opts.replace)
    return refuse('prompt_open', 'A rating prompt is already open.', onScreen.id);
  if (opts.alreadyRated)
    return refuse('already_rated', 'This transaction was already rated on this terminal.');
  if (onScreen && ratingUnderway(onScreen)) {
    return refuse(
      'prompt_open',
      'The citizen is still rating the prompt on screen; it cannot be replaced until it is final.',
      onScreen.id,
    );
  }
  if (onScreen) endSession(state, onScreen, out, now, 'withdrawn');

  const source = request.source ?? 'api';
  const expiresAt = now + (request.timeoutMs ?? state.config.promptTimeoutMs);
  const clerk =
    state.config.mode === 'counter' && state.clerk ? { id: state.clerk.id, name: state.clerk.name } : null;
  const session = newSession(
    {
      id: promptId,
      transactionId: request.transactionId,
      service: request.service,
      departments: request.departments,
      mode: request.mode,
      citizen: request.citizen,
      clerk,
      facts: resolveFacts(request.facts, now),
      source,
      qr: source === 'gwq' ? null : qr,
      openedAt: now,
      expiresAt,
    },
    now,
  );
  closePage(state, out);
  state.thanksUntil = null;
  const record: PromptRecord = {
    id: session.id,
    transactionId: session.transactionId,
    service: session.service,
    departments: session.departments,
    mode: session.mode,
    citizen: session.citizen,
    clerk,
    facts: session.facts,
    source,
    status: 'open',
    openedAt: now,
    expiresAt,
    endedAt: null,
  };
  out.ops.push({ op: 'prompt_open', prompt: record });
  out.log(activity.promptOpened(record));
  putOnScreen(state, out, session);
  out.say(promptOpened(state, session));
  // The URL mode: the page is asked for once the prompt is open; nothing waits for it here.
  // A GWQ prompt's 办件编号 is made up: no province's page is asked for it.
  if (state.config.platformPage && !state.config.training && source !== 'gwq') {
    out.effects.push({
      type: 'fetch_page',
      promptId: session.id,
      transactionId: session.transactionId,
      service: session.service,
      facts: session.facts,
    });
  }
  out.changed(session);
  out.render = true;
  return { ok: true };
}

/** The business system's DELETE: any prompt that is not final yet, rated or not. */
export function cancelPrompt(state: CoreState, out: Out, now: number, promptId: string): void {
  const s = state.session;
  if (!s || s.id !== promptId) {
    out.reply = refuse('not_open', 'The prompt has already ended.');
    return;
  }
  withdraw(state, s, out, now);
  out.reply = { ok: true };
}

/** The platform's rating page for the prompt (the URL mode), shown as its QR code. */
export function showPlatformPage(
  state: CoreState,
  out: Out,
  promptId: string,
  qr: Pick<QrCode, 'url' | 'svg'>,
) {
  const s = state.session;
  // A page that comes once the prompt was rated or has ended is shown nowhere.
  if (!s || s.id !== promptId || s.status !== 'open') return;
  s.qr = { url: qr.url, svg: qr.svg, page: true };
  out.render = true;
  // The business system sees the prompt's new qr (a receipt printer may be waiting).
  out.changed(s);
}
