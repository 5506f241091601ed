// The rules: step(state, event, now, ids) → { state, effects, reply }. Pure: no I/O, no
// clock, no randomness. The engine runs the effects in order — persist first, so the
// citizen is thanked only for what is on disk.
//
// This file only routes: the clerk's side is core/clerk.ts, the prompt's phases are
// core/prompt/ (one module each; prompt/enter.ts is how a phase begins).

import { clerkStatus, pauseKey, signIn, signOut } from './clerk.js';
import type { CoreEvent, FreshIds } from './events.js';
import { closePage, expirePage, showPage } from './page-qr.js';
import { onIntent, onKey } from './prompt/intent.js';
import { cancelPrompt, openInvited, openPrompt, showPlatformPage } from './prompt/open.js';
import { onTimeout, warnOfTime } from './prompt/thanks.js';
import { recover } from './recover.js';
import type { CoreState } from './state.js';
import { Out, type StepResult } from './step-out.js';

export type { StepResult } from './step-out.js';

/**
 * A deep copy of the state a step may change, so nothing of the state before it is
 * shared with the state after it, however deep a field is added. The configuration is
 * only ever replaced (and holds the catalogue, the largest part), so it is shared.
 */
function copy(state: CoreState): CoreState {
  const { config, ...rest } = state;
  return { config, ...structuredClone(rest) };
}

export function step(prev: CoreState, event: CoreEvent, now: number, ids: FreshIds = []): StepResult {
  const state = copy(prev);
  const out = new Out();
  switch (event.type) {
    case 'clerk_sign_in':
      signIn(state, out, event.clerk);
      break;
    case 'clerk_sign_out':
      signOut(state, out, now);
      break;
    case 'clerk_status':
      clerkStatus(state, out, event.status);
      break;
    case 'pause_key':
      pauseKey(state, out);
      break;
    case 'open_prompt':
      out.reply = openPrompt(state, out, now, event.promptId, event.request, event.qr, {
        alreadyRated: event.alreadyRated,
        replace: event.replace,
      });
      break;
    case 'invite_key':
      openInvited(state, out, now, event.promptId, event.qr);
      break;
    case 'cancel_prompt':
      cancelPrompt(state, out, now, event.promptId);
      break;
    case 'intent':
    case 'key': {
      // Any touch or key closes a page shown as a QR code.
      if (!state.session && closePage(state, out)) break;
      const s = state.session;
      if (!state.storeOk || !s) break;
      if (event.type === 'key') onKey(state, s, out, now, ids, event.position);
      else onIntent(state, s, out, now, ids, event.intent, event.source);
      break;
    }
    case 'tick': {
      expirePage(state, out, now);
      if (state.thanksUntil !== null && state.thanksUntil <= now) {
        state.thanksUntil = null;
        out.render = true;
      }
      const s = state.session;
      if (s && s.deadline <= now) onTimeout(state, s, out, now);
      else if (s) warnOfTime(state, s, out, now);
      break;
    }
    case 'keypad_status':
      state.keypad = { state: event.state, fault: event.fault };
      out.render = true;
      break;
    case 'platform_status':
      state.platform = { state: event.state, pending: event.pending, rejected: event.rejected };
      break;
    case 'store_failed':
      state.storeOk = false;
      state.storeMessage = event.message;
      out.render = true;
      break;
    case 'store_recovered':
      state.storeOk = true;
      state.storeMessage = null;
      out.render = true;
      break;
    case 'config':
      state.config = event.config;
      out.render = true;
      break;
    case 'recover':
      recover(state, out, now, event);
      break;
    case 'show_page':
      out.reply = showPage(state, out, now, event.pageId, event.qr);
      break;
    case 'close_page':
      closePage(state, out, event.pageId);
      out.reply = { ok: true };
      break;
    case 'platform_page':
      showPlatformPage(state, out, event.promptId, event.qr);
      break;
  }
  return out.done(state);
}
