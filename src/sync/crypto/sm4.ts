// SM4 (GB/T 32907) from Node's own OpenSSL, ECB or CBC with PKCS#7 padding (OpenSSL's
// default padding is exactly PKCS#7 for a 16-byte block). Electron's Node is built on
// BoringSSL, which has no SM4: there the same cipher comes from sm-crypto-v2. Both are
// checked against the standard's vector and against the openssl command.

import { createCipheriv, createDecipheriv, getCiphers } from 'node:crypto';
import { sm4 as libSm4 } from 'sm-crypto-v2';

export const NODE_HAS_SM4 = ['sm4-ecb', 'sm4-cbc'].every((c) => getCiphers().includes(c));

export type Sm4Mode = 'ecb' | 'cbc';

export const SM4_KEY_BYTES = 16;
export const SM4_BLOCK_BYTES = 16;

export class Sm4KeyError extends Error {}

function cipherName(mode: Sm4Mode, key: Buffer, iv: Buffer | null): string {
  if (key.length !== SM4_KEY_BYTES) {
    throw new Sm4KeyError(`an SM4 key is 16 bytes (32 hex digits), not ${key.length}`);
  }
  if (mode === 'cbc' && (iv === null || iv.length !== SM4_BLOCK_BYTES)) {
    throw new Sm4KeyError(`SM4-CBC needs a 16-byte IV (32 hex digits), not ${iv?.length ?? 'none'}`);
  }
  return mode === 'cbc' ? 'sm4-cbc' : 'sm4-ecb';
}

export function sm4Encrypt(plain: Buffer, key: Buffer, mode: Sm4Mode, iv: Buffer | null = null): Buffer {
  if (!NODE_HAS_SM4) return sm4EncryptLibrary(plain, key, mode, iv);
  const cipher = createCipheriv(cipherName(mode, key, iv), key, mode === 'cbc' ? iv : null);
  return Buffer.concat([cipher.update(plain), cipher.final()]);
}

/** Throws when the key is wrong or the padding is not PKCS#7 (OpenSSL's "bad decrypt"). */
export function sm4Decrypt(cipherText: Buffer, key: Buffer, mode: Sm4Mode, iv: Buffer | null = null): Buffer {
  if (!NODE_HAS_SM4) return sm4DecryptLibrary(cipherText, key, mode, iv);
  const decipher = createDecipheriv(cipherName(mode, key, iv), key, mode === 'cbc' ? iv : null);
  return Buffer.concat([decipher.update(cipherText), decipher.final()]);
}

/** 32 hex digits → 16 bytes; a one-line reason otherwise. */
export function parseSm4Key(hex: string, what = 'SM4 key'): Buffer {
  const text = hex.trim();
  if (!/^[0-9a-fA-F]*$/.test(text)) throw new Sm4KeyError(`${what}: not hexadecimal`);
  if (text.length !== SM4_KEY_BYTES * 2) {
    throw new Sm4KeyError(`${what}: 32 hex digits expected, found ${text.length}`);
  }
  return Buffer.from(text, 'hex');
}

function libOptions(mode: Sm4Mode, key: Buffer, iv: Buffer | null) {
  cipherName(mode, key, iv);
  return {
    mode,
    padding: 'pkcs#7' as const,
    output: 'array' as const,
    ...(mode === 'cbc' ? { iv: new Uint8Array(iv as Buffer) } : {}),
  };
}

/** SM4 by sm-crypto-v2: the fallback, exported so tests check it too. */
export function sm4EncryptLibrary(
  plain: Buffer,
  key: Buffer,
  mode: Sm4Mode,
  iv: Buffer | null = null,
): Buffer {
  const options = libOptions(mode, key, iv);
  return Buffer.from(libSm4.encrypt(new Uint8Array(plain), new Uint8Array(key), options));
}

export function sm4DecryptLibrary(
  cipherText: Buffer,
  key: Buffer,
  mode: Sm4Mode,
  iv: Buffer | null = null,
): Buffer {
  const options = libOptions(mode, key, iv);
  return Buffer.from(libSm4.decrypt(new Uint8Array(cipherText), new Uint8Array(key), options));
}
