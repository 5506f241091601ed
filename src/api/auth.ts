import { sameSecret } from '../engine/same-secret.js';

/** A bearer token, compared the one way every secret is compared (same-secret). */
export function tokenMatches(header: string | undefined, token: string): boolean {
  const presented = header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
  return presented.length > 0 && sameSecret(presented, token);
}
