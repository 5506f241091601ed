// An independent SM2/SM4 implementation for round trips: the openssl command (3.x).
// OpenSSL writes SM2 ciphertext as ASN.1 DER, SEQUENCE { x INTEGER, y INTEGER,
// C3 OCTET STRING, C2 OCTET STRING } (GM/T 0009); the converters here are written for
// the tests from that definition, not taken from the code under test.

import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function openssl(args: string[], input?: Buffer): Buffer {
  try {
    return execFileSync('openssl', args, { input, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: Buffer };
    if (e.code === 'ENOENT') throw new Error('these tests need the openssl command (Debian package openssl)');
    throw new Error(`openssl ${args.join(' ')} failed: ${e.stderr?.toString() ?? e.message}`);
  }
}

export interface OpensslSm2Key {
  pemFile: string;
  /** 64 hex digits. */
  privateKey: string;
  /** 04‖x‖y, 130 hex digits. */
  publicKey: string;
}

/** A new SM2 key made by openssl, with its hex parts read from `openssl pkey -text`. */
export function opensslSm2Key(dir: string): OpensslSm2Key {
  const pemFile = join(dir, 'sm2.pem');
  openssl(['genpkey', '-algorithm', 'SM2', '-out', pemFile]);
  const text = openssl(['pkey', '-in', pemFile, '-text', '-noout']).toString();
  const block = (label: string) => {
    const m = new RegExp(`${label}:\\n((?:\\s+[0-9a-f:]+\\n)+)`).exec(text);
    if (!m?.[1]) throw new Error(`no ${label} in openssl's key text`);
    return m[1].replace(/[\s:]/g, '');
  };
  // openssl prints a leading 00 when the top bit is set; the scalar is 32 bytes.
  const privateKey = block('priv')
    .replace(/^00(?=[0-9a-f]{64}$)/, '')
    .padStart(64, '0');
  return { pemFile, privateKey, publicKey: block('pub') };
}

export function opensslSm2Encrypt(key: OpensslSm2Key, dir: string, message: Buffer): Buffer {
  const inFile = join(dir, 'plain.bin');
  writeFileSync(inFile, message);
  return openssl(['pkeyutl', '-encrypt', '-inkey', key.pemFile, '-in', inFile]);
}

export function opensslSm2Decrypt(key: OpensslSm2Key, dir: string, der: Buffer): Buffer {
  const inFile = join(dir, 'cipher.der');
  writeFileSync(inFile, der);
  const outFile = join(dir, 'plain.out');
  openssl(['pkeyutl', '-decrypt', '-inkey', key.pemFile, '-in', inFile, '-out', outFile]);
  return readFileSync(outFile);
}

// --- DER, just what SM2Cipher needs ---

function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, value: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), derLength(value.length), value]);
}

function derInteger(unsigned: Buffer): Buffer {
  let v = unsigned;
  while (v.length > 1 && v[0] === 0 && (v[1] as number) < 0x80) v = v.subarray(1);
  if ((v[0] as number) >= 0x80) v = Buffer.concat([Buffer.from([0]), v]);
  return tlv(0x02, v);
}

/** The contract's C1C3C2 hex (with 04) → OpenSSL's DER. */
export function c1c3c2ToDer(hex: string): Buffer {
  const b = Buffer.from(hex, 'hex');
  if (b[0] !== 0x04) throw new Error('C1 must start with 04');
  const x = b.subarray(1, 33);
  const y = b.subarray(33, 65);
  const c3 = b.subarray(65, 97);
  const c2 = b.subarray(97);
  return tlv(0x30, Buffer.concat([derInteger(x), derInteger(y), tlv(0x04, c3), tlv(0x04, c2)]));
}

/** OpenSSL's DER → the parts, each as raw bytes (x and y 32 bytes). */
export function derToParts(der: Buffer): { x: Buffer; y: Buffer; c3: Buffer; c2: Buffer } {
  let pos = 0;
  const read = (tag: number): Buffer => {
    if (der[pos] !== tag) throw new Error(`DER: expected tag ${tag} at ${pos}`);
    pos++;
    let len = der[pos++] as number;
    if (len & 0x80) {
      const n = len & 0x7f;
      len = 0;
      for (let i = 0; i < n; i++) len = (len << 8) | (der[pos++] as number);
    }
    const value = der.subarray(pos, pos + len);
    pos += len;
    return value;
  };
  const seq = read(0x30);
  if (pos !== der.length || seq.length === 0) throw new Error('DER: trailing bytes');
  pos = der.length - seq.length;
  const int32 = (v: Buffer) => {
    const hex = v.toString('hex').replace(/^(00)+/, '');
    return Buffer.from(hex.padStart(64, '0'), 'hex');
  };
  const x = int32(read(0x02));
  const y = int32(read(0x02));
  const c3 = read(0x04);
  const c2 = read(0x04);
  return { x, y, c3, c2 };
}
