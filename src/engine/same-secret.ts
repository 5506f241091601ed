// Compares a secret someone presented (a PIN, a token) with the configured one without
// telling by its timing how much of it was right. Hashing both first gives buffers of
// one length, so no input (any length, any script) can make the comparison throw.
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}
