import { createHash, timingSafeEqual } from 'node:crypto';

/** Compares a bearer token in constant time (hashing first makes the lengths equal). */
export function tokenMatches(header: string | undefined, token: string): boolean {
  const presented = header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(token, 'utf8').digest();
  return timingSafeEqual(a, b) && presented.length > 0;
}
