// What the hall console accepts from the bus. Everything on the broker is hostile
// input: a message is taken only when its topic and payload have exactly the contract's
// shape; anything else is refused with a short reason, which the console counts.

import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { State } from './page-types.js';
import { checkStats, isCalendarDay, MAX_STATS_BYTES, type StatsMessage } from './stats-message.js';

/** A payload past this is refused unread: a real state message is well under 1 KiB (stats: MAX_STATS_BYTES). */
export const MAX_PAYLOAD_BYTES = 8 * 1024;
/** Bounds on texts, so that one message cannot fill the supervisor's screen. */
const ID_MAX = 64;
const TEXT_MAX = 200;

// `yyyy-MM-dd HH:mm:ss`, UTC+8, as the terminal writes it.
const TIME = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01]) ([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/;

const id = z.string().min(1).max(ID_MAX);
const text = z.string().max(TEXT_MAX);
const time = z.string().regex(TIME);

export const stateSchema = z.strictObject({
  terminalId: id,
  hallId: id,
  // The contract shows texts; a kiosk may have no window or version worth naming.
  windowNo: text.nullable(),
  mode: z.enum(['counter', 'kiosk']),
  version: z.string().max(ID_MAX),
  clerk: z
    .strictObject({
      id: text,
      name: text,
      status: z.enum(['serving', 'paused']),
    })
    .nullable(),
  keypad: z.enum(['online', 'offline', 'none']),
  store: z.enum(['ok', 'fault']),
  platform: z
    .strictObject({
      state: z.enum(['unconfigured', 'online', 'offline', 'auth_failed', 'misconfigured']),
      queued: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
      rejected: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
      oldestQueuedAt: time.nullable(),
    })
    // The contract: null exactly when nothing is queued.
    .refine((p) => (p.queued === 0) === (p.oldestQueuedAt === null)),
  prompt: z.enum(['open', 'none']),
  training: z.boolean(),
  at: time,
});
/**
 * The checked state is the page's State (page-types.d.ts): this compiles to never, and
 * every use of it fails to compile, the day the schema and the page's shape differ.
 */
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? A : never) : never;
export type TerminalState = Exact<z.output<typeof stateSchema>, State>;

// Reason codes as the catalogue allows them, comma-separated (none when none was chosen).
const evalDetail = z.string().regex(/^(?:[A-Za-z0-9_-]{1,32}(?:,[A-Za-z0-9_-]{1,32}){0,19})?$/);

// A random UUID in the contract; any short id of plain characters is taken as one.
const eventId = z.string().regex(/^[A-Za-z0-9-]{8,64}$/);

const badRatingFields = {
  type: z.literal('bad_rating'),
  level: z.union([z.literal(1), z.literal(2)]),
  evalDetail,
  windowNo: text.nullable(),
  clerkId: text.nullable(),
  deptCode: text.nullable(),
  taskName: text.nullable(),
  training: z.boolean(),
  at: time,
};
const badRatingSchema = z.strictObject({ ...badRatingFields, eventId, deptName: text.nullable() });
/**
 * A terminal from before eventId and deptName (a hall whose console is upgraded first):
 * still an alert. Its id is derived from what it says (see legacyEventId).
 */
const legacyBadRatingSchema = z.strictObject(badRatingFields);
export type BadRatingEvent = z.output<typeof badRatingSchema>;

const storeFaultSchema = z.strictObject({ type: z.literal('store_fault'), at: time });
const platformPausedSchema = z.strictObject({
  type: z.literal('platform_paused'),
  state: z.enum(['offline', 'auth_failed', 'misconfigured']),
  at: time,
});

export const eventSchema = z.discriminatedUnion('type', [
  badRatingSchema,
  storeFaultSchema,
  platformPausedSchema,
]);
export type TerminalEvent = z.output<typeof eventSchema>;

/**
 * An id for a bad_rating that carries none: the same alert redelivered gets the same id,
 * and two 差评 of one terminal differ in at least their second, department or reasons.
 */
export function legacyEventId(terminalId: string, e: z.output<typeof legacyBadRatingSchema>): string {
  const parts = [terminalId, e.at, e.level, e.evalDetail, e.windowNo, e.clerkId, e.deptCode, e.taskName];
  return `legacy-${createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32)}`;
}

function parseEvent(terminalId: string, value: unknown): TerminalEvent | null {
  const parsed = eventSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const legacy = legacyBadRatingSchema.safeParse(value);
  if (!legacy.success) return null;
  return { ...legacy.data, eventId: legacyEventId(terminalId, legacy.data), deptName: null };
}

/** Why a message was refused; the page counts each reason apart. */
export type RefusalReason =
  | 'topic' // not {prefix}/{hall}/{id}/{availability|state|events}, or an id that cannot be one
  | 'too_big'
  | 'not_utf8'
  | 'not_json'
  | 'shape' // JSON, but not the contract's keys and types
  | 'mismatch' // a state or stats naming another terminal, hall or day than its topic
  | 'day' // stats of a day too far from the console's own today to be real
  | 'too_many'; // more terminals than the console keeps

export type Accepted =
  | { kind: 'availability'; terminalId: string; value: 'online' | 'offline' }
  | { kind: 'state'; terminalId: string; state: TerminalState }
  | { kind: 'event'; terminalId: string; event: TerminalEvent }
  /** `digest`: of the payload's bytes, so a day redelivered unchanged costs no write. */
  | { kind: 'stats'; terminalId: string; stats: StatsMessage; digest: string }
  // A zero-length retained message: someone cleared the topic (a terminal taken away, or
  // a day past statsDays). A cleared stats day is never deleted from the console's own.
  | { kind: 'cleared'; terminalId: string; part: 'availability' | 'state' }
  | { kind: 'stats_cleared'; terminalId: string; day: string }
  /** The very bytes of a day the console kept (a retained day sent again at a reconnect): not read again. */
  | { kind: 'stats_unchanged'; terminalId: string; day: string };

/**
 * Whether the console keeps this (terminal, day) with the payload of this digest already.
 * A retained day comes again at every reconnect — a county's month is 150 000 of them — and
 * bytes once checked need no second reading: the digest (SHA-256) says they are the same.
 */
export type KnownDay = (terminalId: string, day: string, digest: string) => boolean;

export type Parsed = { ok: true; message: Accepted } | { ok: false; reason: RefusalReason };

// A terminal id is one topic level (the contract forbids "/", "+", "#" and spaces in it).
const TERMINAL_ID = /^[^/+#\s]{1,64}$/u;

const decoder = new TextDecoder('utf-8', { fatal: true });

function decodeJson(
  payload: Uint8Array,
): { ok: true; value: unknown } | { ok: false; reason: RefusalReason } {
  let textValue: string;
  try {
    textValue = decoder.decode(payload);
  } catch {
    return { ok: false, reason: 'not_utf8' };
  }
  try {
    return { ok: true, value: JSON.parse(textValue) as unknown };
  } catch {
    return { ok: false, reason: 'not_json' };
  }
}

function parseStats(
  hallId: string,
  terminalId: string,
  day: string,
  payload: Uint8Array,
  known?: KnownDay,
): Parsed {
  if (!isCalendarDay(day)) return { ok: false, reason: 'topic' };
  if (payload.length > MAX_STATS_BYTES) return { ok: false, reason: 'too_big' };
  if (payload.length === 0) return { ok: true, message: { kind: 'stats_cleared', terminalId, day } };
  const digest = createHash('sha256').update(payload).digest('hex');
  if (known?.(terminalId, day, digest))
    return { ok: true, message: { kind: 'stats_unchanged', terminalId, day } };
  const json = decodeJson(payload);
  if (!json.ok) return json;
  const checked = checkStats(json.value, hallId, terminalId, day);
  if (!checked.ok) return checked;
  return { ok: true, message: { kind: 'stats', terminalId, stats: checked.stats, digest } };
}

/**
 * Reads one message of hall `hallId` under `prefix`. Never throws, whatever the bytes
 * (`known` must not throw either).
 */
export function parseMessage(
  prefix: string,
  hallId: string,
  topic: string,
  payload: Uint8Array,
  known?: KnownDay,
): Parsed {
  const head = `${prefix}/${hallId}/`;
  if (!topic.startsWith(head)) return { ok: false, reason: 'topic' };
  const rest = topic.slice(head.length).split('/');
  const [terminalId, part, day] = rest;
  if (terminalId === undefined || part === undefined || !TERMINAL_ID.test(terminalId)) {
    return { ok: false, reason: 'topic' };
  }
  if (part === 'stats' && rest.length === 3 && day !== undefined) {
    return parseStats(hallId, terminalId, day, payload, known);
  }
  if (rest.length !== 2) return { ok: false, reason: 'topic' };
  if (part !== 'availability' && part !== 'state' && part !== 'events') return { ok: false, reason: 'topic' };
  if (payload.length > MAX_PAYLOAD_BYTES) return { ok: false, reason: 'too_big' };
  if (payload.length === 0 && part !== 'events')
    return { ok: true, message: { kind: 'cleared', terminalId, part } };

  if (part === 'availability') {
    // Bare text, not JSON.
    const value = Buffer.from(payload).toString('latin1');
    if (value === 'online' || value === 'offline') {
      return { ok: true, message: { kind: 'availability', terminalId, value } };
    }
    return { ok: false, reason: 'shape' };
  }
  const json = decodeJson(payload);
  if (!json.ok) return json;
  if (part === 'state') {
    const parsed = stateSchema.safeParse(json.value);
    if (!parsed.success) return { ok: false, reason: 'shape' };
    if (parsed.data.terminalId !== terminalId || parsed.data.hallId !== hallId) {
      return { ok: false, reason: 'mismatch' };
    }
    return { ok: true, message: { kind: 'state', terminalId, state: parsed.data } };
  }
  const event = parseEvent(terminalId, json.value);
  if (!event) return { ok: false, reason: 'shape' };
  return { ok: true, message: { kind: 'event', terminalId, event } };
}
