// Personal data is sealed (AES-256-GCM) before it touches the disk. The key lives in
// its own file (mode 0600) so a copied database alone reveals nothing.

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const VERSION = 1;
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface Sealer {
  seal(plain: string): Buffer;
  open(sealed: Buffer): string;
}

export class KeyFileError extends Error {}

/** Reads the key file, creating it (mode 0600) on first use. */
export function loadOrCreateKey(path: string): Buffer {
  let text: string | null = null;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new KeyFileError(`cannot read the key file ${path} (${(err as NodeJS.ErrnoException).code})`);
    }
  }
  if (text !== null) {
    const key = Buffer.from(text.trim(), 'base64');
    if (key.length !== KEY_BYTES) {
      throw new KeyFileError(
        `the key file ${path} is damaged (not a 256-bit key); restore it from backup — without it sealed personal data cannot be read`,
      );
    }
    return key;
  }
  const key = randomBytes(KEY_BYTES);
  try {
    mkdirSync(dirname(path), { recursive: true });
    // `wx`: never overwrite a key another process just made.
    writeFileSync(path, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(path, 0o600);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return loadOrCreateKey(path);
    // A half-written key (a full disk) must not stay: the next start would take it for a
    // damaged key and refuse, when it only needs the disk to have room.
    rmSync(path, { force: true });
    throw new KeyFileError(
      `cannot create the key file ${path} (${code}); check that its folder is writable and the disk has room`,
    );
  }
  return key;
}

export function createSealer(key: Buffer): Sealer {
  if (key.length !== KEY_BYTES) throw new Error('seal: the key must be 32 bytes');
  return {
    seal(plain) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
    },
    open(sealed) {
      if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== VERSION) {
        throw new Error('seal: not a sealed value of a known version');
      }
      const iv = sealed.subarray(1, 1 + IV_BYTES);
      const tag = sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAuthTag(tag);
      return Buffer.concat([
        decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    },
  };
}
