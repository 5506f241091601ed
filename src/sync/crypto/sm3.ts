// SM3 (GB/T 32905) from Node's own OpenSSL: no hand-written hash.

import { createHash } from 'node:crypto';

export function sm3(data: Buffer | string): Buffer {
  return createHash('sm3').update(data).digest();
}

export function sm3Hex(data: Buffer | string): string {
  return sm3(data).toString('hex');
}
