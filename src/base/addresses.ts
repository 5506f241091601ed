// Addresses the terminal binds and origins it trusts. Whether an address is this
// machine's own decides whether the local API (and the GWQ listener) may run without a
// token (terminal-api.md): config validation and the servers themselves ask the same
// question here, so the rule lives in one place.

import { isIP } from 'node:net';

const HOST_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** An IPv4 or IPv6 address (without brackets) or a DNS host name. */
export function isBindableHost(host: string): boolean {
  return isIP(host) !== 0 || HOST_NAME.test(host);
}

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

/**
 * The origin a browser would send for this text (scheme, host and port; a default
 * port and a trailing slash dropped), or null when the text is not a bare http(s) origin. Browsers compare
 * origins as exact strings, so a configured `https://x:443` must become `https://x`.
 */
export function canonicalOrigin(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.username !== '' || url.password !== '') return null;
  if (url.search !== '' || url.hash !== '') return null;
  // `new URL` turns a missing path into "/", so a lone trailing slash is harmless.
  if (url.pathname !== '/') return null;
  return url.origin;
}

/** An absolute http(s) URL with a host. */
export function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}
