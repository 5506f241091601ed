// SM3 (GB/T 32905) from Node's own OpenSSL. Electron's Node is built on BoringSSL,
// which has no SM3: there (and wherever OpenSSL lacks it) the same digest comes from
// sm-crypto-v2. Both are checked against the standard's example.

import { createHash, getHashes } from 'node:crypto';
import { sm3 as libSm3 } from 'sm-crypto-v2';

export const NODE_HAS_SM3 = getHashes().includes('sm3');

/** SM3 by sm-crypto-v2: the fallback, exported so tests check it too. */
export function sm3Library(data: Buffer | string): Buffer {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  return Buffer.from(libSm3(new Uint8Array(bytes)), 'hex');
}

export function sm3(data: Buffer | string): Buffer {
  return NODE_HAS_SM3 ? createHash('sm3').update(data).digest() : sm3Library(data);
}

export function sm3Hex(data: Buffer | string): string {
  return sm3(data).toString('hex');
}
