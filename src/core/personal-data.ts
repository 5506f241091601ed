// How personal data is recognised in free text (a platform's error message, an
// exception): the values we know (this citizen's name, id number, phone) and the
// shapes of id numbers and mobile numbers. Used before such text is stored or logged.
import type { Citizen } from './model.js';
import { blankForms } from './personal-forms.js';

export const REDACTED = '[redacted]';

// 17 digits and a check character, not inside a longer run of digits (a 13-digit
// millisecond time next to other digits must not be taken for one).
export const ID_NUMBER = /(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])/g;
// 1[3-9] and nine more digits, optionally after +86/0086 and grouped 3-4-4 with a
// space or dash. The digit look-arounds keep millisecond times and long numbers out.
export const MOBILE = /(?<![0-9])(?:(?:\+|00)?86[ -]?)?1[3-9][0-9](?:[ -]?[0-9]{4}){2}(?![0-9])/g;

// A UUID (our record and prompt ids) may hold a run such as `a189-4711-8245`, which the
// mobile shape takes for 189 4711 8245: ids are never personal data, so they are left whole.
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** Id numbers and mobile numbers blanked, wherever they stand (UUIDs aside). */
export function redactShapes(text: string): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(UUID)) {
    out += blankShapes(text.slice(last, m.index)) + m[0];
    last = m.index + m[0].length;
  }
  return out + blankShapes(text.slice(last));
}

function blankShapes(text: string): string {
  return text.replace(ID_NUMBER, REDACTED).replace(MOBILE, REDACTED);
}

/**
 * The text with these citizens' own values, in any spelling (separators, case, full-width:
 * src/core/personal-forms.ts), and any id/mobile shapes blanked.
 */
export function scrubPersonal(text: string, citizens: readonly (Citizen | null)[]): string {
  const values = citizens.flatMap((c) => (c ? [c.idNumber, c.phone, c.name] : []));
  return redactShapes(blankForms(text, values, REDACTED));
}
