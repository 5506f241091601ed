// The fleet bus's messages, built field by field from what the contract allows and
// nothing else: a record or a health report is never serialised whole, so a field
// added to either later cannot leak onto the broker (a citizen's name, a comment).

import { cstDateTime } from '../core/cst.js';
import { isBad } from '../core/levels.js';
import type { ClerkState, KeypadState, PlatformState, RatingRecord } from '../core/model.js';

export interface FleetTopics {
  availability: string;
  state: string;
  events: string;
  /** `T/stats/{yyyy-MM-dd}`: a day's hourly counts. */
  stats: (day: string) => string;
}

/** `{prefix}/{hallId}/{terminalId}/…`; both ids are checked as single topic levels by the config. */
export function fleetTopics(prefix: string, hallId: string, terminalId: string): FleetTopics {
  const base = `${prefix}/${hallId}/${terminalId}`;
  return {
    availability: `${base}/availability`,
    state: `${base}/state`,
    events: `${base}/events`,
    stats: (day) => `${base}/stats/${day}`,
  };
}

export interface StateFacts {
  terminalId: string;
  hallId: string;
  windowNo: string;
  mode: 'counter' | 'kiosk';
  version: string;
  clerk: Pick<ClerkState, 'id' | 'name' | 'status'> | null;
  keypad: KeypadState;
  storeOk: boolean;
  platform: { state: PlatformState; queued: number; rejected: number; oldestQueuedAt: number | null };
  promptOpen: boolean;
  training: boolean;
}

export interface StateMessage {
  terminalId: string;
  hallId: string;
  windowNo: string;
  mode: 'counter' | 'kiosk';
  version: string;
  clerk: { id: string; name: string; status: 'serving' | 'paused' } | null;
  keypad: KeypadState;
  store: 'ok' | 'fault';
  platform: { state: PlatformState; queued: number; rejected: number; oldestQueuedAt: string | null };
  prompt: 'open' | 'none';
  training: boolean;
  at: string;
}

/** The state without its time: two of these equal means nothing to republish. */
export function stateBody(f: StateFacts): Omit<StateMessage, 'at'> {
  const queued = f.platform.queued;
  return {
    terminalId: f.terminalId,
    hallId: f.hallId,
    windowNo: f.windowNo,
    mode: f.mode,
    version: f.version,
    clerk:
      f.mode === 'counter' && f.clerk ? { id: f.clerk.id, name: f.clerk.name, status: f.clerk.status } : null,
    keypad: f.keypad,
    store: f.storeOk ? 'ok' : 'fault',
    platform: {
      state: f.platform.state,
      queued,
      rejected: f.platform.rejected,
      // null exactly when nothing is queued, whatever the store said.
      oldestQueuedAt:
        queued > 0 && f.platform.oldestQueuedAt !== null ? cstDateTime(f.platform.oldestQueuedAt) : null,
    },
    prompt: f.promptOpen ? 'open' : 'none',
    training: f.training,
  };
}

export function stateMessage(body: Omit<StateMessage, 'at'>, now: number): string {
  return JSON.stringify({ ...body, at: cstDateTime(now) } satisfies StateMessage);
}

export type FleetEvent =
  | {
      type: 'bad_rating';
      eventId: string;
      level: 1 | 2;
      evalDetail: string;
      windowNo: string;
      clerkId: string;
      deptCode: string;
      deptName: string;
      taskName: string;
      training: boolean;
      at: string;
    }
  | { type: 'store_fault'; at: string }
  | { type: 'platform_paused'; state: 'auth_failed' | 'misconfigured'; at: string };

/**
 * One event per department rated 差评. Only codes and the hall's own names: no prompt or
 * transaction id, no citizen, no comment (not even the terminal's own 未选择差评原因).
 * `newEventId` makes a fresh random UUID for each event, derived from nothing (so it
 * tells a receiver a redelivered copy, and nothing about the rating).
 */
export function badRatingEvents(
  records: readonly RatingRecord[],
  training: boolean,
  now: number,
  newEventId: () => string,
): FleetEvent[] {
  const at = cstDateTime(now);
  return records
    .filter((r) => r.final && isBad(r.level))
    .map((r) => ({
      type: 'bad_rating' as const,
      eventId: newEventId(),
      level: r.level as 1 | 2,
      evalDetail: r.reasons.join(','),
      windowNo: r.windowNo,
      // "" on a kiosk, as in the hourly counts.
      clerkId: r.clerk ? r.clerk.id : '',
      deptCode: r.department?.code ?? '',
      deptName: r.department?.name ?? '',
      taskName: r.service.name,
      training,
      at,
    }));
}

export function storeFaultEvent(now: number): FleetEvent {
  return { type: 'store_fault', at: cstDateTime(now) };
}

export function platformPausedEvent(state: 'auth_failed' | 'misconfigured', now: number): FleetEvent {
  return { type: 'platform_paused', state, at: cstDateTime(now) };
}
