// The rules: step(state, event, now, ids) → { state, effects, reply }. Pure: no I/O, no
// clock, no randomness. The engine runs the effects in order — persist first, so the
// citizen is thanked only for what is on disk.

import { cstDate } from './cst.js';
import type { Reply } from './effects.js';
import type { CoreEvent, FreshIds, Intent, IntentSource, PromptRequest } from './events.js';
import { anomalyFlags } from './flags.js';
import { ALL_KEYS, keyIntent, ledsFor, moveCursor } from './keypad-keys.js';
import { isBad, type Level } from './levels.js';
import type { ClerkState, PromptStatus, QrCode, Scope } from './model.js';
import { closePage, expirePage, showPage } from './page-qr.js';
import { ratingUnderway, repeatsPrompt } from './prompt-on-screen.js';
import { GOOD_INDICATORS_MS, offersGoodIndicators, reasonsDeadline, reasonsFor } from './reasons.js';
import { recordsOf } from './records.js';
import { recover } from './recover.js';
import { resolveFacts, serviceInstant } from './service-facts.js';
import type { CoreState, GivenRating, Phase, Session } from './state.js';
import { Out, refuse, type StepResult } from './step-out.js';
import {
  departmentAsked,
  levelAskedAgain,
  promptOpened,
  ratingReceived,
  reasonsAsked,
  reasonToggled,
  scopeChosen,
  timeWarning,
  timeWarningAt,
  welcomed,
} from './voice.js';

export type { StepResult } from './step-out.js';

/** Copies the parts a step may change; the configuration is only ever replaced. */
function copy(state: CoreState): CoreState {
  const s = state.session;
  return {
    ...state,
    clerk: state.clerk ? { ...state.clerk } : null,
    keypad: { ...state.keypad },
    platform: { ...state.platform },
    session: s
      ? {
          ...s,
          phase: { ...s.phase } as Phase,
          ratings: s.ratings.map((r) => ({ ...r, reasons: [...r.reasons], flags: [...r.flags] })),
        }
      : null,
  };
}

export function step(prev: CoreState, event: CoreEvent, now: number, ids: FreshIds = []): StepResult {
  const state = copy(prev);
  const out = new Out();
  switch (event.type) {
    case 'clerk_sign_in': {
      if (state.config.mode === 'kiosk') {
        out.reply = refuse('kiosk_has_no_clerk', 'A self-service kiosk has no clerk.');
        break;
      }
      state.clerk = { ...event.clerk, status: 'serving', pauseWhenDone: false };
      out.ops.push({ op: 'clerk', clerk: state.clerk });
      if (!state.session) out.say(welcomed(state));
      out.render = true;
      out.reply = { ok: true };
      break;
    }
    case 'clerk_sign_out': {
      if (state.config.mode === 'kiosk') {
        out.reply = refuse('kiosk_has_no_clerk', 'A self-service kiosk has no clerk.');
        break;
      }
      // 离岗 ends what the citizen has not begun, as a DELETE does.
      if (state.session) withdraw(state, out, now);
      closePage(state, out);
      if (state.clerk) out.ops.push({ op: 'clerk', clerk: null });
      state.clerk = null;
      out.render = true;
      out.reply = { ok: true };
      break;
    }
    case 'clerk_status': {
      if (state.config.mode === 'kiosk') {
        out.reply = refuse('kiosk_has_no_clerk', 'A self-service kiosk has no clerk.');
        break;
      }
      if (!state.clerk) {
        out.reply = refuse('clerk_absent', 'No clerk is signed in.');
        break;
      }
      setClerkStatus(state, out, event.status);
      out.reply = { ok: true };
      break;
    }
    case 'pause_key': {
      closePage(state, out);
      if (!state.clerk) break;
      const pausing = state.session ? !state.clerk.pauseWhenDone : state.clerk.status === 'serving';
      setClerkStatus(state, out, pausing ? 'paused' : 'serving');
      break;
    }
    case 'open_prompt': {
      out.reply = openPrompt(state, out, now, event.promptId, event.request, event.qr, {
        alreadyRated: event.alreadyRated,
        replace: event.replace,
      });
      break;
    }
    case 'invite_key': {
      const request = inviteRequest(state, now);
      if (!request) break;
      const reply = openPrompt(state, out, now, event.promptId, request, event.qr, {
        alreadyRated: false,
        replace: false,
      });
      if (reply.ok) {
        state.inviteSeq += 1;
        out.ops.push({ op: 'invite_seq', value: state.inviteSeq });
      }
      break;
    }
    case 'cancel_prompt': {
      // Any prompt that is not final yet, rated or not: the session is exactly that.
      const s = state.session;
      if (!s || s.id !== event.promptId) {
        out.reply = refuse('not_open', 'The prompt has already ended.');
        break;
      }
      withdraw(state, out, now);
      out.reply = { ok: true };
      break;
    }
    case 'intent': {
      // Any touch closes a page shown as a QR code.
      if (!state.session && closePage(state, out)) break;
      if (!state.storeOk || !state.session) break;
      onIntent(state, out, now, ids, event.intent, event.source);
      break;
    }
    case 'key': {
      if (!state.session && closePage(state, out)) break;
      if (!state.storeOk || !state.session) break;
      const intent = keyIntent(state, event.position);
      if (intent) onIntent(state, out, now, ids, intent, 'keypad');
      else moveCursor(state, out, now, event.position);
      break;
    }
    case 'tick': {
      expirePage(state, out, now);
      if (state.thanksUntil !== null && state.thanksUntil <= now) {
        state.thanksUntil = null;
        out.render = true;
      }
      const s = state.session;
      if (s && s.deadline <= now) onTimeout(state, out, now);
      else if (s) warnOfTime(state, out, now, s);
      break;
    }
    case 'keypad_status': {
      state.keypad = { state: event.state, fault: event.fault };
      out.render = true;
      break;
    }
    case 'platform_status': {
      state.platform = { state: event.state, pending: event.pending, rejected: event.rejected };
      break;
    }
    case 'store_failed': {
      state.storeOk = false;
      state.storeMessage = event.message;
      out.render = true;
      break;
    }
    case 'store_recovered': {
      state.storeOk = true;
      state.storeMessage = null;
      out.render = true;
      break;
    }
    case 'config': {
      state.config = event.config;
      out.render = true;
      break;
    }
    case 'recover': {
      recover(state, out, now, event);
      break;
    }
    case 'show_page':
      out.reply = showPage(state, out, now, event.pageId, event.qr);
      break;
    case 'close_page':
      closePage(state, out, event.pageId);
      out.reply = { ok: true };
      break;
    case 'platform_page': {
      const s = state.session;
      // A page that comes once the prompt was rated or has ended is shown nowhere.
      if (!s || s.id !== event.promptId || s.status !== 'open') break;
      s.qr = { url: event.qr.url, svg: event.qr.svg, page: true };
      out.render = true;
      // The business system sees the prompt's new qr (a receipt printer may be waiting).
      out.changed(s);
      break;
    }
  }
  return out.done(state);
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

function setClerkStatus(state: CoreState, out: Out, status: 'serving' | 'paused') {
  const clerk = state.clerk as ClerkState;
  if (status === 'paused' && state.session) {
    clerk.pauseWhenDone = true;
  } else {
    if (status === 'serving' && clerk.status === 'paused' && !state.session) out.say(welcomed(state));
    clerk.status = status;
    clerk.pauseWhenDone = false;
  }
  out.ops.push({ op: 'clerk', clerk: { ...clerk } });
  out.render = true;
}

function openPrompt(
  state: CoreState,
  out: Out,
  now: number,
  promptId: string,
  request: PromptRequest,
  qr: QrCode | null,
  opts: { alreadyRated: boolean; replace: boolean },
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
  if (onScreen) endSession(state, out, now, 'withdrawn');

  const source = request.source ?? 'api';
  const expiresAt = now + (request.timeoutMs ?? state.config.promptTimeoutMs);
  const clerk =
    state.config.mode === 'counter' && state.clerk ? { id: state.clerk.id, name: state.clerk.name } : null;
  const session: Session = {
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
    status: 'open',
    realName: false,
    phase: request.mode === 'parallel' ? { kind: 'choose_scope' } : { kind: 'rate', target: 'all' },
    deadline: expiresAt,
    shownAt: now,
    ratings: [],
  };
  closePage(state, out);
  state.session = session;
  state.thanksUntil = null;
  out.ops.push({
    op: 'prompt_open',
    prompt: {
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
    },
  });
  out.keypad({ kind: 'arm', on: true });
  out.keypad({ kind: 'leds', mask: ledsFor(session.phase), blink: false });
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

function onIntent(
  state: CoreState,
  out: Out,
  now: number,
  ids: FreshIds,
  intent: Intent,
  source: IntentSource,
) {
  const s = state.session as Session;
  const phase = s.phase;
  switch (intent.type) {
    case 'rate': {
      if (phase.kind === 'rate') giveRating(state, out, now, ids, phase.target, intent.level, source);
      else if (phase.kind === 'change') changeLevel(state, out, now, phase.rating, intent.level, source);
      return;
    }
    case 'choose_scope': {
      if (phase.kind !== 'choose_scope') return;
      s.phase = { kind: 'rate', target: intent.scope === 'overall' ? 'all' : 0 };
      s.shownAt = now;
      out.keypad({ kind: 'leds', mask: ALL_KEYS, blink: false });
      out.say(scopeChosen(state, intent.scope));
      out.render = true;
      return;
    }
    case 'toggle_reason': {
      if (phase.kind !== 'reasons' && phase.kind !== 'indicators') return;
      const rating = s.ratings[phase.rating] as GivenRating;
      const offered = reasonsFor(state.config.catalogue, rating.level);
      const index = offered.findIndex((r) => r.code === intent.code);
      if (index < 0) return;
      rating.reasons = rating.reasons.includes(intent.code)
        ? rating.reasons.filter((c) => c !== intent.code)
        : offered.map((r) => r.code).filter((c) => c === intent.code || rating.reasons.includes(c));
      phase.cursor = index;
      if (source === 'keypad' && phase.kind === 'reasons')
        out.say(reasonToggled(state, rating.reasons.includes(intent.code)));
      // A 好评's indicators screen ends on time, however busy the citizen is with it.
      if (phase.kind === 'reasons')
        s.deadline = reasonsDeadline(state.config.reasonsTimeoutMs, now, phase.since);
      // Kept on disk as chosen, so a power cut finalises the rating with them.
      out.ops.push({ op: 'records_put', records: recordsOf(state, s, rating) });
      out.render = true;
      return;
    }
    case 'submit_reasons': {
      if (phase.kind !== 'reasons' && phase.kind !== 'indicators') return;
      finalise(state, out, s.ratings[phase.rating] as GivenRating);
      advance(state, out, now, phase.kind === 'indicators');
      return;
    }
    case 'change_level': {
      if (phase.kind !== 'reasons') return;
      s.phase = { kind: 'change', rating: phase.rating, since: phase.since };
      s.deadline = reasonsDeadline(state.config.reasonsTimeoutMs, now, phase.since);
      s.shownAt = now;
      out.keypad({ kind: 'leds', mask: ALL_KEYS, blink: false });
      out.say(levelAskedAgain(state));
      out.render = true;
      return;
    }
    case 'back_to_reasons': {
      if (phase.kind !== 'change') return;
      s.phase = { kind: 'reasons', rating: phase.rating, cursor: 0, since: phase.since };
      s.deadline = reasonsDeadline(state.config.reasonsTimeoutMs, now, phase.since);
      out.say(reasonsAsked(state, s));
      out.render = true;
      return;
    }
    case 'decline': {
      // Rating is voluntary. After some departments were rated, declining the rest
      // leaves the prompt rated with what was given.
      if (phase.kind !== 'rate' && phase.kind !== 'choose_scope') return;
      endSession(state, out, now, s.ratings.length > 0 ? 'rated' : 'declined');
      return;
    }
    case 'language': {
      // A touch like any other on the reasons screen (and its change-level screen): the
      // citizen is there, reading. Elsewhere it changes nothing the engine keeps.
      if (phase.kind !== 'reasons' && phase.kind !== 'change') return;
      s.deadline = reasonsDeadline(state.config.reasonsTimeoutMs, now, phase.since);
      out.render = true;
      return;
    }
    case 'real_name': {
      if (!s.citizen || phase.kind === 'reasons' || phase.kind === 'indicators') return;
      s.realName = intent.on;
      out.render = true;
      return;
    }
  }
}

function giveRating(
  state: CoreState,
  out: Out,
  now: number,
  ids: FreshIds,
  target: 'all' | number,
  level: Level,
  source: IntentSource,
) {
  const s = state.session as Session;
  let departments: number[];
  let scope: Scope;
  if (target !== 'all') {
    departments = [target];
    scope = 'department';
  } else if (s.mode === 'parallel') {
    departments = s.departments.map((_, i) => i);
    scope = 'overall';
  } else {
    // 一件事 is one record for the lead department; a single prompt has one department.
    departments = [0];
    scope = s.mode === 'package' ? 'package' : 'single';
  }
  if (ids.length < departments.length) throw new Error('step: not enough fresh ids for the records');
  const rating: GivenRating = {
    recordIds: ids.slice(0, departments.length),
    departments,
    scope,
    level,
    reasons: [],
    ratedAt: now,
    flags: flagsFor(state, now, source),
    realName: s.realName && s.citizen !== null,
    final: !isBad(level) && !offersIndicators(state, level),
  };
  s.ratings.push(rating);
  if (s.status === 'open') {
    // Told at the first rating whatever its level, and told nothing more until final.
    s.status = 'rated';
    out.ops.push({ op: 'prompt_status', id: s.id, status: 'rated' });
    out.changed(s);
  }
  out.ops.push({ op: 'records_put', records: recordsOf(state, s, rating) });
  // The queue counts a rating from its press, a 差评 on its reasons screen included:
  // a count that rose only when the reasons were done would tell the 差评 apart.
  out.forward = true;
  if (rating.final) {
    advance(state, out, now);
  } else if (isBad(level)) {
    toReasons(state, out, now, s.ratings.length - 1);
  } else {
    toIndicators(state, out, now, s.ratings.length - 1);
  }
}

function changeLevel(
  state: CoreState,
  out: Out,
  now: number,
  index: number,
  level: Level,
  source: IntentSource,
) {
  const s = state.session as Session;
  const rating = s.ratings[index] as GivenRating;
  rating.level = level;
  rating.ratedAt = now;
  rating.flags = flagsFor(state, now, source);
  rating.realName = s.realName && s.citizen !== null;
  if (isBad(level)) {
    const offered = new Set(reasonsFor(state.config.catalogue, level).map((r) => r.code));
    rating.reasons = rating.reasons.filter((c) => offered.has(c));
    out.ops.push({ op: 'records_put', records: recordsOf(state, s, rating) });
    toReasons(state, out, now, index);
  } else if (offersIndicators(state, level)) {
    // A 好评 reached by changing a 差评 is offered its indicators like any other.
    rating.reasons = [];
    out.ops.push({ op: 'records_put', records: recordsOf(state, s, rating) });
    toIndicators(state, out, now, index);
  } else {
    rating.reasons = [];
    finalise(state, out, rating);
    advance(state, out, now);
  }
}

function offersIndicators(state: CoreState, level: Level): boolean {
  return offersGoodIndicators(state.config.catalogue, state.config.goodIndicators, level);
}

/**
 * The 好评 is already on disk (a draft) when this screen shows, so it thanks the
 * citizen at once; the indicators are a choice, never asked for. It is final when
 * the citizen leaves the screen or after GOOD_INDICATORS_MS, whichever is first, and
 * then forwarded: a 好评 never waits long for a platform.
 */
function toIndicators(state: CoreState, out: Out, now: number, rating: number) {
  const s = state.session as Session;
  s.phase = { kind: 'indicators', rating, cursor: 0 };
  s.deadline = now + GOOD_INDICATORS_MS;
  s.shownAt = now;
  out.keypad({ kind: 'leds', mask: ledsFor(s.phase), blink: false });
  out.say(ratingReceived());
  out.render = true;
}

function toReasons(state: CoreState, out: Out, now: number, rating: number) {
  const s = state.session as Session;
  s.phase = { kind: 'reasons', rating, cursor: 0, since: now };
  s.deadline = now + state.config.reasonsTimeoutMs;
  s.shownAt = now;
  out.keypad({ kind: 'leds', mask: ALL_KEYS, blink: false });
  out.say(reasonsAsked(state, s));
  out.render = true;
}

function flagsFor(state: CoreState, now: number, source: IntentSource): string[] {
  const s = state.session as Session;
  return anomalyFlags({
    now,
    shownAt: s.shownAt,
    source,
    keypadStuck: state.keypad.fault === 'stuck_key',
    lastRatingAt: state.lastRatingAt,
    serviceTime: serviceInstant(s.facts),
  });
}

function finalise(state: CoreState, out: Out, rating: GivenRating) {
  if (rating.final) return;
  rating.final = true;
  out.ops.push({ op: 'records_put', records: recordsOf(state, state.session as Session, rating) });
  out.forward = true;
}

/**
 * After a final rating: the next department of a per-department sequence, or the end.
 * `thanked`: the citizen was thanked when the rating was given (indicators screen).
 */
function advance(state: CoreState, out: Out, now: number, thanked = false) {
  const s = state.session as Session;
  const last = s.ratings[s.ratings.length - 1];
  const next =
    last && last.scope === 'department' ? (last.departments[0] as number) + 1 : s.departments.length;
  if (next < s.departments.length && !s.withdrawn) {
    s.phase = { kind: 'rate', target: next };
    s.deadline = now + state.config.promptTimeoutMs;
    s.shownAt = now;
    out.keypad({ kind: 'leds', mask: ALL_KEYS, blink: false });
    out.say(departmentAsked(state));
    out.render = true;
    return;
  }
  endSession(state, out, now, 'rated', thanked);
}

/** The reasons screen's last seconds, said once for each deadline. */
function warnOfTime(state: CoreState, out: Out, now: number, s: Session) {
  const at = timeWarningAt(state);
  if (at === null || at > now) return;
  s.warnedDeadline = s.deadline;
  out.say(timeWarning(state, s));
}

function onTimeout(state: CoreState, out: Out, now: number) {
  const s = state.session as Session;
  if (s.phase.kind === 'indicators') {
    // The 好评's time is up, not the citizen's: a per-department sequence goes on.
    finalise(state, out, s.ratings[s.phase.rating] as GivenRating);
    advance(state, out, now, true);
    return;
  }
  // A 差评 left alone is final with what was chosen; walking away never loses it.
  endSession(state, out, now, s.ratings.length > 0 ? 'rated' : 'expired');
}

/**
 * The clerk's side ends the prompt (DELETE, sign-out): what the citizen has not begun is
 * ended now — a prompt nobody rated is cancelled, the departments not yet rated are left
 * unrated — while a reasons or indicators screen the citizen is on runs to its end, and
 * the prompt ends (final) with it.
 */
function withdraw(state: CoreState, out: Out, now: number) {
  const s = state.session as Session;
  if (s.ratings.length > 0 && ratingUnderway(s)) {
    s.withdrawn = true;
    return;
  }
  endSession(state, out, now, 'withdrawn');
}

/**
 * Takes the prompt off the screen: it is final. Any 差评 still waiting for reasons is
 * finalised first. `withdrawn` is the clerk's side (cancel, sign-out, replace): it
 * cancels a prompt nobody rated, and leaves a rated one rated.
 */
function endSession(
  state: CoreState,
  out: Out,
  now: number,
  how: PromptStatus | 'withdrawn',
  thanked = false,
) {
  const s = state.session as Session;
  for (const rating of s.ratings) finalise(state, out, rating);
  const status: PromptStatus = s.ratings.length > 0 ? 'rated' : how === 'withdrawn' ? 'cancelled' : how;
  s.status = status;
  out.ops.push({ op: 'prompt_end', id: s.id, status, at: now });
  out.keypad({ kind: 'arm', on: false });
  out.keypad({ kind: 'leds', mask: 0, blink: false });
  out.ended(s);
  if (status === 'rated') state.lastRatingAt = Math.max(...s.ratings.map((r) => r.ratedAt));
  // A citizen who rated is thanked, even when the clerk's side ended the rest of the
  // prompt (a 并联审批 left after its first department): their rating was kept.
  if (status === 'rated') {
    state.thanksUntil = now + state.config.thanksMs;
    // One line may confirm the level given; several departments rated differently have no
    // one level, and naming the last would misstate the others.
    const levels = new Set(s.ratings.map((r) => r.level));
    state.thanksLevel = levels.size === 1 ? (s.ratings[0] as GivenRating).level : null;
    if (!thanked) out.say(ratingReceived());
  } else if (!thanked) {
    // The prompt is gone: reading out its choices would only confuse the next citizen.
    out.silence();
  }
  state.session = null;
  if (state.clerk?.pauseWhenDone) {
    state.clerk.status = 'paused';
    state.clerk.pauseWhenDone = false;
    out.ops.push({ op: 'clerk', clerk: { ...state.clerk } });
  }
  out.render = true;
}
