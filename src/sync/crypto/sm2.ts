// SM2 public-key encryption (GB/T 32918.4) through sm-crypto-v2, normalised to the
// layout the platforms expect: C1 as an uncompressed point with its 04 prefix, then
// C3‖C2 (C1C3C2, the 2012 standard's order) or C2‖C3 (C1C2C3, the older one), in
// lowercase hex. sm-crypto-v2 itself writes C1 without the 04 and wants it without.

import { sm2 } from 'sm-crypto-v2';

export type Sm2CipherMode = 'C1C3C2' | 'C1C2C3';

/** sm-crypto-v2's cipherMode numbers. */
const LIB_MODE: Record<Sm2CipherMode, number> = { C1C3C2: 1, C1C2C3: 0 };

/** A public key checked to be a point of the SM2 curve, ready for many encryptions. */
export interface Sm2PublicKey {
  /** `04`‖x‖y, lowercase. */
  readonly hex: string;
  readonly point: ReturnType<typeof sm2.precomputePublicKey>;
}

export class Sm2KeyError extends Error {}

/**
 * Reads a platform's public key: 128 hex digits (x‖y) or 130 (`04`‖x‖y). Throws an
 * Sm2KeyError with a one-line reason a technician can act on.
 */
export function parseSm2PublicKey(text: string): Sm2PublicKey {
  const hex = text.trim().replace(/\s+/g, '').toLowerCase();
  if (!/^[0-9a-f]*$/.test(hex)) throw new Sm2KeyError('the SM2 public key is not hexadecimal');
  let full: string;
  if (hex.length === 128) full = `04${hex}`;
  else if (hex.length === 130) {
    if (!hex.startsWith('04')) {
      throw new Sm2KeyError('an SM2 public key of 130 hex digits starts with 04 (an uncompressed point)');
    }
    full = hex;
  } else {
    throw new Sm2KeyError(`an SM2 public key is 128 hex digits (x‖y) or 130 (04‖x‖y), not ${hex.length}`);
  }
  let point: Sm2PublicKey['point'];
  try {
    // A window of 4 costs ~9 ms once and makes each encryption ~4× faster; the
    // library's default of 8 costs ~80 ms, paid at every start and reload.
    point = sm2.precomputePublicKey(full, 4);
    point.assertValidity();
  } catch {
    throw new Sm2KeyError('the SM2 public key is not a point on the SM2 curve (wrong key, or a typo)');
  }
  return { hex: full, point };
}

/** SM2-encrypts bytes; lowercase hex with C1's 04 prefix. */
export function sm2Encrypt(message: Buffer, key: Sm2PublicKey, mode: Sm2CipherMode): string {
  const out = sm2.doEncrypt(new Uint8Array(message), key.point, LIB_MODE[mode]);
  return `04${out.toLowerCase()}`;
}

export class Sm2DecryptError extends Error {}

const C1_HEX = 130;
const C3_HEX = 64;

/**
 * Decrypts the layout sm2Encrypt writes (either case of hex). Throws Sm2DecryptError
 * when the text is not that layout or C3 does not match (wrong key or damaged text).
 */
export function sm2Decrypt(cipherHex: string, privateKeyHex: string, mode: Sm2CipherMode): Buffer {
  const hex = cipherHex.trim().toLowerCase();
  if (!/^[0-9a-f]*$/.test(hex) || hex.length % 2 !== 0) throw new Sm2DecryptError('not hexadecimal bytes');
  if (hex.length < C1_HEX + C3_HEX) throw new Sm2DecryptError('too short for C1 and C3');
  if (!hex.startsWith('04')) throw new Sm2DecryptError('C1 is not an uncompressed point (no 04 prefix)');
  let plain: Uint8Array | number[];
  try {
    plain = sm2.doDecrypt(hex.slice(2), privateKeyHex, LIB_MODE[mode], { output: 'array' });
  } catch {
    throw new Sm2DecryptError('C1 is not a point on the SM2 curve');
  }
  // The library answers a failed C3 check with an empty plain array, a success with a Uint8Array.
  if (!(plain instanceof Uint8Array))
    throw new Sm2DecryptError('C3 does not match: wrong key or damaged text');
  return Buffer.from(plain);
}

/** `04`‖x‖y of a private key's public key (for simulators and tests). */
export function sm2PublicKeyOf(privateKeyHex: string): string {
  return sm2.getPublicKeyFromPrivateKey(privateKeyHex).toLowerCase();
}

/** A fresh key pair, hex: private 64 digits, public `04`‖x‖y. */
export function sm2GenerateKeyPair(): { privateKey: string; publicKey: string } {
  const { privateKey, publicKey } = sm2.generateKeyPairHex();
  return { privateKey: privateKey.toLowerCase(), publicKey: publicKey.toLowerCase() };
}
