// What a technician reads in the log about the hall's day: clerks signing in, out and
// pausing, prompts opening and ending, ratings committed. The rules say it as the step's
// `log` and `rated` effects, laid out after its `persist` (nothing is logged for a step
// whose data did not reach the disk), and written so that the log, read beside the
// business system's own, cannot tell who rated how:
// - never the level, the reasons or the comment, and never the citizen's data;
// - never the transaction id: it is the business system's key to the citizen's file.
//   The prompt id (which the business system gets back when it opens a prompt) is the
//   join key for a technician;
// - every rating is logged when it is pressed, whatever its level, and a rated prompt
//   is logged as ended at that same press, after the rating: a 差评 goes on to its
//   reasons screen, so a line written when the reasons are done, or when the prompt
//   leaves the screen, would mark it by its timing. Drafts finalised at a restart are
//   likewise not logged;
// - clerks are named by their staff id only.

import { parseCstDateTime } from './cst.js';
import type { ClerkState, PromptRecord, PromptStatus, RatingRecord } from './model.js';

export interface ActivityLine {
  level: 'info' | 'warn';
  event: string;
  fields: Record<string, unknown>;
}

const info = (event: string, fields: Record<string, unknown>): ActivityLine => ({
  level: 'info',
  event,
  fields,
});

export function promptOpened(p: PromptRecord): ActivityLine {
  return info('prompt_opened', {
    promptId: p.id,
    source: p.source,
    mode: p.mode,
    service: p.service.code,
    departments: p.departments.map((d) => d.code),
    clerkId: p.clerk?.id ?? null,
  });
}

/** `atStartup`: ended by the start-up after a previous run left it unfinished. */
export function promptEnded(promptId: string, status: PromptStatus, atStartup = false): ActivityLine {
  return info('prompt_ended', { promptId, status, ...(atStartup ? { atStartup: true } : {}) });
}

export function promptResumed(promptId: string): ActivityLine {
  return info('prompt_resumed', { promptId });
}

/** The lines of the records a press became: each committed, and a clock ahead of ours said. */
export function ratingLines(records: readonly RatingRecord[]): ActivityLine[] {
  return records.flatMap((r) => [
    info('rating_committed', {
      promptId: r.promptId,
      department: r.department.code,
      scope: r.scope,
      flags: r.flags,
    }),
    ...(r.flags.includes('clock_skew') ? [clockSkew(r)] : []),
  ]);
}

/** Never silent: the rating goes to the platform at serviceTime, not when it was given. */
function clockSkew(r: RatingRecord): ActivityLine {
  const service = r.serviceTime ? parseCstDateTime(r.serviceTime) : null;
  return {
    level: 'warn',
    event: 'clock_skew',
    fields: {
      promptId: r.promptId,
      serviceTime: r.serviceTime ?? null,
      aheadSeconds: service === null ? null : Math.ceil((service - r.ratedAt) / 1000),
      message:
        "rated before the prompt's serviceTime: the business system's clock is ahead of this terminal's; sent at serviceTime",
    },
  };
}

/** The clerk went from `was` to `now` (`signIn`: by signing in, even as the same clerk). */
export function clerkLines(was: ClerkState | null, now: ClerkState | null, signIn: boolean): ActivityLine[] {
  const lines: ActivityLine[] = [];
  if (was && (!now || now.id !== was.id)) lines.push(info('clerk_signed_out', { clerkId: was.id }));
  if (!now) return lines;
  if (signIn || !was || now.id !== was.id) {
    lines.push(info('clerk_signed_in', { clerkId: now.id, department: now.department.code }));
  } else if (now.status !== was.status) {
    lines.push(info(now.status === 'paused' ? 'clerk_paused' : 'clerk_resumed', { clerkId: now.id }));
  } else if (now.pauseWhenDone && !was.pauseWhenDone) {
    // Asked while a citizen is rating: the window pauses when the prompt ends.
    lines.push(info('clerk_pause_pending', { clerkId: now.id }));
  } else if (!now.pauseWhenDone && was.pauseWhenDone) {
    lines.push(info('clerk_pause_withdrawn', { clerkId: now.id }));
  }
  return lines;
}
