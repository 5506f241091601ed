// Compares a secret someone presented (a PIN, a token) with the configured one without
// telling by its timing how much of it was right. Hashing both first gives buffers of
// one length, so no input (any length, any script) can make the comparison throw — padding
// to a fixed number of UTF-16 units once let a PIN of one CJK character (three UTF-8 bytes)
// make timingSafeEqual throw and the terminal exit.
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/** An `Authorization: Bearer TOKEN` header carrying `token`; a missing or empty one never matches. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const presented = header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
  return presented.length > 0 && sameSecret(presented, token);
}
