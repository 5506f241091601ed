// Whether an address is this machine's own: the local API may run without a token only
// there (terminal-api.md). Config validation and the API itself ask the same question.

import { isIP } from 'node:net';

/** True for 127.0.0.0/8, ::1 (in any spelling, or IPv4-mapped 127.x) and localhost. */
export function isLoopbackHost(host: string): boolean {
  const lower = host.toLowerCase();
  if (lower === 'localhost') return true;
  const family = isIP(lower);
  if (family === 4) return lower.startsWith('127.');
  if (family === 6) {
    // The URL parser canonicalises IPv6 spellings, so 0:0:0:0:0:0:0:1 becomes ::1.
    const canonical = new URL(`http://[${lower}]`).hostname;
    return canonical === '[::1]' || /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(canonical);
  }
  return false;
}
