// The clerk's side of a counter terminal: signing in and out, 暂停服务 and back. A
// self-service kiosk has no clerk and refuses all of it.

import type { Clerk } from './model.js';
import { closePage } from './page-qr.js';
import { withdraw } from './prompt/thanks.js';
import type { CoreState } from './state.js';
import { type Out, refuse } from './step-out.js';
import { welcomed } from './voice.js';

/** True (and the reply said) on a kiosk, which has no clerk to sign in, out or pause. */
function refuseAtKiosk(state: CoreState, out: Out): boolean {
  if (state.config.mode !== 'kiosk') return false;
  out.reply = refuse('kiosk_has_no_clerk', 'A self-service kiosk has no clerk.');
  return true;
}

export function signIn(state: CoreState, out: Out, clerk: Clerk): void {
  if (refuseAtKiosk(state, out)) return;
  const was = state.clerk;
  state.clerk = { ...clerk, status: 'serving', pauseWhenDone: false };
  out.clerk(was, state.clerk, true);
  if (!state.session) out.say(welcomed(state));
  out.render = true;
  out.reply = { ok: true };
}

export function signOut(state: CoreState, out: Out, now: number): void {
  if (refuseAtKiosk(state, out)) return;
  // 离岗 ends what the citizen has not begun, as a DELETE does.
  if (state.session) withdraw(state, state.session, out, now);
  closePage(state, out);
  if (state.clerk) out.clerk(state.clerk, null);
  state.clerk = null;
  out.render = true;
  out.reply = { ok: true };
}

/** The business system sets the window serving or paused. */
export function clerkStatus(state: CoreState, out: Out, status: 'serving' | 'paused'): void {
  if (refuseAtKiosk(state, out)) return;
  if (!state.clerk) {
    out.reply = refuse('clerk_absent', 'No clerk is signed in.');
    return;
  }
  setClerkStatus(state, out, status);
  out.reply = { ok: true };
}

/** The clerk's PAUSE key: pause (after the prompt on screen, if any) or serve again. */
export function pauseKey(state: CoreState, out: Out): void {
  closePage(state, out);
  if (!state.clerk) return;
  const pausing = state.session ? !state.clerk.pauseWhenDone : state.clerk.status === 'serving';
  setClerkStatus(state, out, pausing ? 'paused' : 'serving');
}

/** A pause asked for while a prompt is on screen waits until it ends. */
function setClerkStatus(state: CoreState, out: Out, status: 'serving' | 'paused') {
  const clerk = state.clerk;
  if (!clerk) return;
  const was = { ...clerk };
  if (status === 'paused' && state.session) {
    clerk.pauseWhenDone = true;
  } else {
    if (status === 'serving' && clerk.status === 'paused' && !state.session) out.say(welcomed(state));
    clerk.status = status;
    clerk.pauseWhenDone = false;
  }
  out.clerk(was, { ...clerk });
  out.render = true;
}
