// Personal data is sealed (AES-256-GCM) before it touches the disk. The key lives in
// its own file (mode 0600) so a copied database alone reveals nothing.
//
// Rating never stops for a key: a key file that is there but unusable (torn by a power
// cut, a disk fault, a bad restore) is moved aside for a technician to restore, and a
// new key seals new data. What was sealed under the old key can no longer be read;
// those records keep their rating and go to the platform without the personal fields.

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { renameDurable, writeFileDurable } from '../base/durable-file.js';
import { RefusedFileError, readBoundedFileSync } from '../base/read-bounded-file.js';
import { damagedName } from './aside-name.js';

const VERSION = 1;
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** A 256-bit key in base64, as this program writes it. */
const KEY_TEXT = /^[A-Za-z0-9+/]{43}=$/;
/** A key file is 45 bytes; anything this big is another file. */
const KEY_FILE_MAX_BYTES = 64 * 1024;

export interface Sealer {
  seal(plain: string): Buffer;
  open(sealed: Buffer): string;
}

export class KeyFileError extends Error {}

export interface LoadedKey {
  key: Buffer;
  /** Where a damaged key file was moved, when it was. */
  movedAside: string | null;
}

type KeyRead = { key: Buffer } | { missing: true } | { damaged: string };

function readKey(path: string): KeyRead {
  let text: string;
  try {
    // Bounded and regular only: store.keyFile naming a FIFO or /dev/zero must not hang or swamp the start.
    text = readBoundedFileSync(path, { maxBytes: KEY_FILE_MAX_BYTES }).bytes.toString('utf8');
  } catch (err) {
    // Never moved aside: it is not a torn key but some other file (or a device) at that path.
    if (err instanceof RefusedFileError && err.code !== 'EISDIR')
      throw new KeyFileError(`cannot read the key file ${path} (${err.reason}); check store.keyFile`);
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { missing: true };
    // A disk fault under the file: as lost as a torn one.
    if (code === 'EIO') return { damaged: 'cannot be read (EIO)' };
    throw new KeyFileError(
      `cannot read the key file ${path} (${code}); check the file's owner and permissions`,
    );
  }
  const trimmed = text.trim();
  if (!KEY_TEXT.test(trimmed)) return { damaged: 'not a 256-bit key' };
  return { key: Buffer.from(trimmed, 'base64') };
}

/**
 * Reads the key file, creating it (mode 0600, durably) on first use. A damaged one is
 * moved aside (`FILE.damaged-<time>`) and replaced by a new key.
 */
export function loadOrCreateKey(path: string): LoadedKey {
  let movedAside: string | null = null;
  // A few rounds: another process may create or move the file between our steps.
  for (let round = 0; round < 5; round++) {
    const read = readKey(path);
    if ('key' in read) return { key: read.key, movedAside };
    if ('damaged' in read) {
      const aside = damagedName(path);
      try {
        renameDurable(path, aside);
        movedAside = aside;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
          throw new KeyFileError(
            `the key file ${path} is damaged (${read.damaged}) and cannot be moved aside (${(err as NodeJS.ErrnoException).code}); check its folder's permissions`,
          );
        }
      }
      continue;
    }
    const key = randomBytes(KEY_BYTES);
    let made: boolean;
    try {
      // Exclusive: never overwrite a key another process just made. Durable: a key that
      // has sealed data must not be lost to a power cut a moment later.
      made = writeFileDurable(path, `${key.toString('base64')}\n`, { mode: 0o600, exclusive: true });
    } catch (err) {
      throw new KeyFileError(
        `cannot create the key file ${path} (${(err as NodeJS.ErrnoException).code}); check that its folder is writable and the disk has room`,
      );
    }
    if (made) return { key, movedAside };
  }
  throw new KeyFileError(
    `the key file ${path} keeps changing under this program; is another terminal running?`,
  );
}

/** The key for a connection that attaches to a store its owner opened: never made or moved here. */
export function readExistingKey(path: string): Buffer {
  const read = readKey(path);
  if ('key' in read) return read.key;
  if ('missing' in read) throw new KeyFileError(`the key file ${path} is not there yet`);
  throw new KeyFileError(`the key file ${path} is damaged (${read.damaged})`);
}

/** Key files moved aside as damaged and still there: a technician's to restore. */
export function damagedKeyFiles(path: string): string[] {
  const prefix = `${basename(path)}.damaged-`;
  try {
    return readdirSync(dirname(path))
      .filter((name) => name.startsWith(prefix))
      .sort()
      .map((name) => join(dirname(path), name));
  } catch {
    return [];
  }
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
