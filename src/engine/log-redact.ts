// Defence in depth for the log: callers must never hand a logger the citizen's name,
// id number or phone (see log.ts), but a platform's error text, an exception message
// or a field added in a hurry can still carry them. So every value passes through here
// before it is written: fields named like personal data are dropped whole, and text
// that looks like a resident id number or a mainland mobile number is blanked.
// A name cannot be recognised in free text; dropping the fields that carry one is all
// a logger can do, which is why callers remain the first line.

import { REDACTED, redactShapes } from '../core/personal-data.js';

export { REDACTED } from '../core/personal-data.js';

/**
 * Field names (lower case, without `_`/`-`) that hold personal data in our model, the
 * API or the platform profile, plus their common spellings elsewhere. Matched exactly:
 * `clerkId` or `departmentCode` stay, `name` and `user_name` go, at any depth.
 */
const PERSONAL_KEYS = new Set([
  'name',
  'username',
  'realname',
  'citizen',
  'idnumber',
  'idno',
  'idcard',
  'certkey',
  'certno',
  'phone',
  'phonenumber',
  'mobile',
  'mobilephone',
  'tel',
  'telephone',
]);

/** Long strings are clipped: a log line is a note for a technician, not a dump. */
export const MAX_TEXT = 1000;
const MAX_DEPTH = 6;
const MAX_ITEMS = 50;

export function isPersonalKey(key: string): boolean {
  return PERSONAL_KEYS.has(key.toLowerCase().replace(/[_-]/g, ''));
}

/** The text with anything shaped like an id number or a mobile number replaced. */
export function redactText(text: string): string {
  const clipped = text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
  return redactShapes(clipped);
}

/**
 * A copy of `fields` safe to write: personal keys dropped, strings redacted, Errors
 * reduced to their message, and nothing JSON.stringify could choke on (cycles,
 * BigInt, functions) or that could grow without bound. Never throws.
 */
export function redactFields(fields: Record<string, unknown>): Record<string, unknown> {
  const out = redactValue(fields, 0, new WeakSet());
  return typeof out === 'object' && out !== null && !Array.isArray(out)
    ? (out as Record<string, unknown>)
    : {};
}

function redactValue(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  switch (typeof value) {
    case 'string':
      return redactText(value);
    case 'number':
      // A phone passed as a number (13912345678) is caught as text would be.
      return Number.isFinite(value) && redactText(String(value)) !== String(value) ? REDACTED : value;
    case 'boolean':
      return value;
    case 'bigint':
      return redactText(value.toString());
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (value === null) return null;
  const object = value as object;
  if (seen.has(object)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[deep]';
  seen.add(object);
  try {
    if (object instanceof Error) return { error: redactText(object.message) };
    if (object instanceof Date) return Number.isNaN(object.getTime()) ? null : object.toISOString();
    if (Buffer.isBuffer(object) || ArrayBuffer.isView(object)) return `[${object.byteLength} bytes]`;
    if (Array.isArray(object)) {
      const items = object.slice(0, MAX_ITEMS).map((v) => redactValue(v, depth + 1, seen) ?? null);
      if (object.length > MAX_ITEMS) items.push(`[${object.length - MAX_ITEMS} more]`);
      return items;
    }
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(object)) {
      if (isPersonalKey(key)) continue;
      const safe = redactValue(v, depth + 1, seen);
      if (safe !== undefined) out[redactText(key)] = safe;
    }
    return out;
  } catch {
    // A getter that throws, a proxy: say so rather than lose the whole line.
    return '[unreadable]';
  } finally {
    seen.delete(object);
  }
}
