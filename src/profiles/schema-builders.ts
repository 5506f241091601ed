// The building blocks of the configuration schema (src/config/schema.ts, its section
// files, and each profile's keys here in src/profiles): each check carries its own
// "expected …" phrase, because a technician reads that phrase as the fix.

import { z } from 'zod';
import { isBindableHost, isHttpUrl } from '../base/addresses.js';

/** A custom issue with these params reads "KEY is missing; MESSAGE". */
export const MISSING_PARAMS = { missing: true } as const;
/** A custom issue with these params reads "KEY MESSAGE" (the message says all). */
export const KEY_LINE_PARAMS = { keyLine: true } as const;

type Expected = string | ((input: unknown) => string);

// One phrase for every way a key can be wrong keeps the messages consistent.
export function says(expected: Expected): { error: (issue: { input?: unknown }) => string } {
  return { error: (issue) => (typeof expected === 'string' ? expected : expected(issue.input)) };
}

// YAML reads 350521 or 0001 as a number (dropping leading zeros), so digit strings
// need quotes; say so when a number arrives.
export function quoted(expected: string): Expected {
  return (input) =>
    typeof input === 'number'
      ? `${expected}; put it in quotes (a bare number is read as a number and loses leading zeros)`
      : expected;
}

export function wholeNumber(min: number, max: number, expected: string) {
  const e = says(expected);
  return z.number(e).int(e).min(min, e).max(max, e);
}

// No upper bound unless asked: secrets, for one, may be of any length.
export function text(expected: Expected, min = 0, max?: number) {
  const e = says(expected);
  const atLeast = z.string(e).min(min, e);
  return max === undefined ? atLeast : atLeast.max(max, e);
}

export function matching(pattern: RegExp, expected: Expected) {
  const e = says(expected);
  return z.string(e).regex(pattern, e);
}

export function bool(expected: string) {
  return z.boolean(says(expected));
}

export function oneOf<const T extends readonly [string, ...string[]]>(values: T, expected: string) {
  return z.enum(values, says(expected));
}

/** A text checked by an adapter's own reader; its reason joins the expected phrase. */
export function checkedBy(read: (value: string) => unknown, expected: string, advice: string) {
  return z.string(says(expected)).superRefine((value, ctx) => {
    try {
      read(value);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      ctx.addIssue({ code: 'custom', message: `${expected} (this one: ${reason}); ${advice}` });
    }
  });
}

export function httpUrl(expected: string) {
  const e = says(expected);
  return z.string(e).refine(isHttpUrl, e);
}

export function host(expected: string) {
  const e = says(expected);
  return z.string(e).refine(isBindableHost, e);
}

export function port(example: number) {
  return wholeNumber(1, 65535, `a port number from 1 to 65535, such as ${example}`);
}

export function filePath(expected: string) {
  return text(expected, 1);
}

function emptyAsAbsent(value: unknown): unknown {
  return value === null ? undefined : value;
}

/**
 * A section that may be left out or left empty (`keypad:` with nothing under it):
 * either way every key in it takes its default, and required keys inside are
 * reported by their own names rather than as a missing section.
 */
export function section<T extends z.ZodType<object>>(schema: T) {
  return z.preprocess(emptyAsAbsent, schema.prefault({} as z.input<T>));
}

// Cross-key checks run even when a sibling key is wrong (so a technician sees every
// problem at once); they therefore read the section as untrusted data.
export const evenWithOtherIssues = {
  when: (payload: { value: unknown }) => typeof payload.value === 'object' && payload.value !== null,
};

export function field(value: object, key: string): unknown {
  return (value as Record<string, unknown>)[key];
}
