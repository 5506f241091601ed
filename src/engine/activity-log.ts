// What a technician reads in the log about the hall's day: clerks signing in, out and
// pausing, prompts opening and ending, ratings committed. Derived from what a step
// persisted (nothing is logged for a step whose data did not reach the disk), and
// written so that the log, read beside the business system's own, cannot tell who
// rated how:
// - never the level, the reasons or the comment, and never the citizen's data;
// - never the transaction id: it is the business system's key to the citizen's file.
//   The prompt id (which the business system gets back when it opens a prompt) is the
//   join key for a technician;
// - every rating is logged when it is pressed, whatever its level, and a rated prompt
//   is logged as ended at that same press. A 差评 goes on to its reasons screen, so a
//   line written when the reasons are done, or when the prompt leaves the screen,
//   would mark it by its timing. Drafts finalised at a restart are likewise not logged.
// - clerks are named by their staff id only.

import type { Logger } from '../base/logger.js';
import { parseCstDateTime } from '../core/cst.js';
import type { StoreOp } from '../core/effects.js';
import type { CoreEvent } from '../core/events.js';
import type { ClerkState, RatingRecord } from '../core/model.js';
import type { CoreState } from '../core/state.js';

export function logActivity(log: Logger, before: CoreState, event: CoreEvent, ops: readonly StoreOp[]): void {
  try {
    // A prompt's first rating is written as rating_committed, then prompt_ended, whatever
    // the level: a 差评's step marks the prompt rated before its records, a 好评 that
    // ends at the press writes its records before the prompt's end, and lines in the
    // steps' own order would tell the two apart.
    const ratedLines: StoreOp[] = [];
    for (const op of ops) {
      if (op.op === 'prompt_status') {
        ratedLines.push(op);
        continue;
      }
      logOp(log, before, event, op);
      if (op.op === 'records_put') for (const rated of ratedLines.splice(0)) logOp(log, before, event, rated);
    }
    for (const rated of ratedLines) logOp(log, before, event, rated);
  } catch {
    // A log line is never worth a failed step.
  }
}

function logOp(log: Logger, before: CoreState, event: CoreEvent, op: StoreOp): void {
  switch (op.op) {
    case 'clerk':
      logClerk(log, before.clerk, op.clerk, event.type === 'clerk_sign_in');
      return;
    case 'prompt_open': {
      const p = op.prompt;
      log.log('info', 'prompt_opened', {
        promptId: p.id,
        source: p.source,
        mode: p.mode,
        service: p.service.code,
        departments: p.departments.map((d) => d.code),
        clerkId: p.clerk?.id ?? null,
      });
      return;
    }
    case 'prompt_status':
      if (op.status === 'rated') log.log('info', 'prompt_ended', { promptId: op.id, status: 'rated' });
      return;
    case 'prompt_end': {
      // A rated prompt is logged as ended at its first rating (see the top of this file):
      // by its prompt_status op, or here when that rating also ended it (the core then
      // sends prompt_end alone).
      const ratedNow = before.session?.id === op.id && before.session.status === 'open';
      if (op.status === 'rated' && ratedNow && event.type !== 'recover') {
        log.log('info', 'prompt_ended', { promptId: op.id, status: 'rated' });
      } else if (op.status !== 'rated') {
        log.log('info', 'prompt_ended', {
          promptId: op.id,
          status: op.status,
          ...(event.type === 'recover' ? { atStartup: true } : {}),
        });
      }
      return;
    }
    case 'records_put': {
      if (event.type === 'recover') return;
      const known = new Set(before.session?.ratings.flatMap((r) => r.recordIds) ?? []);
      for (const r of op.records) {
        // A record already in the session is a 差评 getting its reasons or a changed
        // level: the same rating, already logged when it was pressed.
        if (known.has(r.id)) continue;
        log.log('info', 'rating_committed', {
          promptId: r.promptId,
          department: r.department.code,
          scope: r.scope,
          flags: r.flags,
        });
        if (r.flags.includes('clock_skew')) logClockSkew(log, r);
      }
      return;
    }
    case 'invite_seq':
      return;
  }
}

/** Never silent: the rating goes to the platform at serviceTime, not when it was given. */
function logClockSkew(log: Logger, r: RatingRecord): void {
  const service = r.serviceTime ? parseCstDateTime(r.serviceTime) : null;
  log.log('warn', 'clock_skew', {
    promptId: r.promptId,
    serviceTime: r.serviceTime ?? null,
    aheadSeconds: service === null ? null : Math.ceil((service - r.ratedAt) / 1000),
    message:
      "rated before the prompt's serviceTime: the business system's clock is ahead of this terminal's; sent at serviceTime",
  });
}

function logClerk(log: Logger, was: ClerkState | null, now: ClerkState | null, signIn: boolean): void {
  if (was && (!now || now.id !== was.id)) log.log('info', 'clerk_signed_out', { clerkId: was.id });
  if (!now) return;
  if (signIn || !was || now.id !== was.id) {
    log.log('info', 'clerk_signed_in', { clerkId: now.id, department: now.department.code });
    return;
  }
  if (now.status !== was.status) {
    log.log('info', now.status === 'paused' ? 'clerk_paused' : 'clerk_resumed', { clerkId: now.id });
  } else if (now.pauseWhenDone && !was.pauseWhenDone) {
    // Asked while a citizen is rating: the window pauses when the prompt ends.
    log.log('info', 'clerk_pause_pending', { clerkId: now.id });
  } else if (!now.pauseWhenDone && was.pauseWhenDone) {
    log.log('info', 'clerk_pause_withdrawn', { clerkId: now.id });
  }
}
