import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  decodeGbkStrict,
  encodeGbkXml,
  NODE_HAS_SM3,
  NODE_HAS_SM4,
  parseSm2PublicKey,
  parseSm4Key,
  sm2Decrypt,
  sm2Encrypt,
  sm2GenerateKeyPair,
  sm2PublicKeyOf,
  sm3Hex,
  sm3Library,
  sm4Decrypt,
  sm4DecryptLibrary,
  sm4Encrypt,
  sm4EncryptLibrary,
} from '../../../../src/sync/crypto/index.js';
import {
  c1c3c2ToDer,
  derToParts,
  openssl,
  opensslSm2Decrypt,
  opensslSm2Encrypt,
  opensslSm2Key,
} from '../../../helpers/openssl-sm2.js';
import { tempDir } from '../../../helpers/temp.js';

describe('SM3', () => {
  it('hashes "abc" to the standard example (GB/T 32905 annex A.1)', () => {
    expect(sm3Hex('abc')).toBe('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
  });
});

describe('SM4', () => {
  const key = Buffer.from('0123456789abcdeffedcba9876543210', 'hex');

  it('encrypts the standard vector (GB/T 32907 annex A.1) in its first block', () => {
    const out = sm4Encrypt(key, key, 'ecb');
    // PKCS#7 adds a whole block of 0x10 to a 16-byte message.
    expect(out.length).toBe(32);
    expect(out.subarray(0, 16).toString('hex')).toBe('681edf34d206965e86b3e94f536e4246');
    expect(sm4Decrypt(out, key, 'ecb')).toEqual(key);
  });

  it('pads with PKCS#7 in ECB: the last block decrypts raw to its padding bytes', () => {
    const out = sm4Encrypt(Buffer.from('好差评'), key, 'ecb');
    expect(out.length).toBe(16);
    const raw = openssl(['enc', '-d', '-sm4-ecb', '-K', key.toString('hex'), '-nopad'], out);
    expect(raw).toEqual(Buffer.concat([Buffer.from('好差评'), Buffer.alloc(7, 7)]));
  });

  it('agrees with openssl enc -sm4-cbc both ways', () => {
    const iv = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    const message = Buffer.from(
      '<Case><sysNO>35</sysNO><writingevalua>办事很快，态度好</writingevalua></Case>',
    );
    const ours = sm4Encrypt(message, key, 'cbc', iv);
    const args = ['enc', '-sm4-cbc', '-K', key.toString('hex'), '-iv', iv.toString('hex')];
    expect(openssl(args, message)).toEqual(ours);
    expect(openssl([...args.slice(0, 1), '-d', ...args.slice(1)], ours)).toEqual(message);
    expect(sm4Decrypt(ours, key, 'cbc', iv)).toEqual(message);
  });

  it('refuses keys and IVs of the wrong length with a reason', () => {
    expect(() => sm4Encrypt(Buffer.from('x'), Buffer.alloc(15), 'ecb')).toThrow(/16 bytes/);
    expect(() => sm4Encrypt(Buffer.from('x'), key, 'cbc')).toThrow(/IV/);
    expect(() => parseSm4Key('0123')).toThrow(/32 hex digits expected, found 4/);
    expect(() => parseSm4Key('z'.repeat(32))).toThrow(/not hexadecimal/);
    expect(parseSm4Key('0123456789ABCDEFFEDCBA9876543210')).toEqual(key);
  });

  it('a wrong key fails to decrypt instead of returning garbage (padding check)', () => {
    const out = sm4Encrypt(Buffer.from('hello world, a longer message'), key, 'ecb');
    const other = Buffer.from('00000000000000000000000000000001', 'hex');
    expect(() => sm4Decrypt(out, other, 'ecb')).toThrow();
  });
});

describe('the sm-crypto-v2 fallback for SM3/SM4 (Electron builds Node on BoringSSL, which lacks both)', () => {
  const key = Buffer.from('0123456789abcdeffedcba9876543210', 'hex');
  const iv = Buffer.from('00112233445566778899aabbccddeeff', 'hex');

  it("this machine's Node has SM3 and SM4 in OpenSSL, so both paths are tested here", () => {
    expect(NODE_HAS_SM3 && NODE_HAS_SM4, 'these tests need a Node built on OpenSSL 3 with sm3/sm4').toBe(
      true,
    );
  });

  it('gives the standard answers', () => {
    expect(sm3Library('abc').toString('hex')).toBe(
      '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0',
    );
    expect(sm4EncryptLibrary(key, key, 'ecb').subarray(0, 16).toString('hex')).toBe(
      '681edf34d206965e86b3e94f536e4246',
    );
  });

  it('agrees with OpenSSL byte for byte, every length around the block size, both modes', () => {
    for (let n = 0; n <= 33; n++) {
      const data = randomBytes(n);
      expect(sm3Library(data)).toEqual(createHash('sm3').update(data).digest());
      for (const mode of ['ecb', 'cbc'] as const) {
        const ours = sm4EncryptLibrary(data, key, mode, iv);
        expect(ours).toEqual(sm4Encrypt(data, key, mode, iv));
        expect(sm4DecryptLibrary(ours, key, mode, iv)).toEqual(data);
      }
    }
    const message = Buffer.from('<Case><writingevalua>办事很快</writingevalua></Case>');
    const args = ['enc', '-d', '-sm4-cbc', '-K', key.toString('hex'), '-iv', iv.toString('hex')];
    expect(openssl(args, sm4EncryptLibrary(message, key, 'cbc', iv))).toEqual(message);
  });

  it('refuses a wrong key by its padding and a wrong key length', () => {
    const out = sm4EncryptLibrary(Buffer.from('hello world, a longer message'), key, 'ecb');
    expect(() =>
      sm4DecryptLibrary(out, Buffer.from('00000000000000000000000000000001', 'hex'), 'ecb'),
    ).toThrow();
    expect(() => sm4EncryptLibrary(Buffer.from('x'), Buffer.alloc(8), 'ecb')).toThrow(/16 bytes/);
  });
});

// GB/T 32918.5-2017 / GM/T 0003.5-2012 annex C, encryption example on the recommended
// curve: private key dB, message "encryption standard", k = 59276e27…bc21. The values are
// carried by OpenSSL's own test, test/sm2_internal_test.c (test_sm2_crypt on the "gm"
// group), as DER; here they are in the contract's C1‖C3‖C2 layout.
const ANNEX_PRIVATE = '3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8';
const ANNEX_PUBLIC =
  '0409f9df311e5421a150dd7d161e4bc5c672179fad1833fc076bb08ff356f35020' +
  'ccea490ce26775a52dc6ea718cc1aa600aed05fbf35e084a6632f6072da9ad13';
const ANNEX_C1 =
  '0404ebfc718e8d1798620432268e77feb6415e2ede0e073c0f4f640ecd2e149a73' +
  'e858f9d81e5430a57b36daab8f950a3c64e6ee6a63094d99283aff767e124df0';
const ANNEX_C3 = '59983c18f809e262923c53aec295d30383b54e39d609d160afcb1908d0bd8766';
const ANNEX_C2 = '21886ca989ca9c7d58087307ca93092d651efa';

describe('SM2 encryption', () => {
  it('derives the annex public key from the annex private key', () => {
    expect(sm2PublicKeyOf(ANNEX_PRIVATE)).toBe(ANNEX_PUBLIC);
  });

  it('decrypts the published example, in both orders and either case of hex', () => {
    expect(sm2Decrypt(ANNEX_C1 + ANNEX_C3 + ANNEX_C2, ANNEX_PRIVATE, 'C1C3C2').toString()).toBe(
      'encryption standard',
    );
    expect(
      sm2Decrypt((ANNEX_C1 + ANNEX_C2 + ANNEX_C3).toUpperCase(), ANNEX_PRIVATE, 'C1C2C3').toString(),
    ).toBe('encryption standard');
  });

  it('refuses a damaged ciphertext or the wrong order (C3 check), never returning garbage', () => {
    const flipped = `${ANNEX_C1}${ANNEX_C3}${ANNEX_C2.slice(0, -2)}fb`;
    expect(() => sm2Decrypt(flipped, ANNEX_PRIVATE, 'C1C3C2')).toThrow(/C3 does not match/);
    expect(() => sm2Decrypt(ANNEX_C1 + ANNEX_C3 + ANNEX_C2, ANNEX_PRIVATE, 'C1C2C3')).toThrow(/C3/);
    expect(() =>
      sm2Decrypt(`02${(ANNEX_C1 + ANNEX_C3 + ANNEX_C2).slice(2)}`, ANNEX_PRIVATE, 'C1C3C2'),
    ).toThrow(/04/);
  });

  it('writes C1 with its 04 prefix, C3 where the mode says, lowercase hex', () => {
    const key = parseSm2PublicKey(ANNEX_PUBLIC);
    const message = Buffer.from('{"a":"好差评"}');
    for (const mode of ['C1C3C2', 'C1C2C3'] as const) {
      const hex = sm2Encrypt(message, key, mode);
      expect(hex).toMatch(/^04[0-9a-f]+$/);
      expect(hex.length).toBe(2 * (65 + 32 + message.length));
      expect(sm2Decrypt(hex, ANNEX_PRIVATE, mode)).toEqual(message);
    }
  });

  it("round-trips with openssl's SM2 both ways (DER converted in the test)", () => {
    const dir = tempDir();
    const key = opensslSm2Key(dir);
    const message = Buffer.from('20261129143000HA-APP密钥-word', 'utf8');

    // ours → openssl
    const ours = sm2Encrypt(message, parseSm2PublicKey(key.publicKey), 'C1C3C2');
    expect(opensslSm2Decrypt(key, dir, c1c3c2ToDer(ours))).toEqual(message);

    // openssl → ours
    const { x, y, c3, c2 } = derToParts(opensslSm2Encrypt(key, dir, message));
    const theirs = Buffer.concat([Buffer.from([4]), x, y, c3, c2]).toString('hex');
    expect(sm2Decrypt(theirs, key.privateKey, 'C1C3C2')).toEqual(message);
    const reordered = Buffer.concat([Buffer.from([4]), x, y, c2, c3]).toString('hex');
    expect(sm2Decrypt(reordered, key.privateKey, 'C1C2C3')).toEqual(message);
  });

  it('encrypts afresh each time (random k)', () => {
    const key = parseSm2PublicKey(ANNEX_PUBLIC);
    expect(sm2Encrypt(Buffer.from('x'), key, 'C1C3C2')).not.toBe(sm2Encrypt(Buffer.from('x'), key, 'C1C3C2'));
  });
});

describe('SM2 public keys', () => {
  it('accepts 128 or 130 hex digits, either case, and a generated key', () => {
    expect(parseSm2PublicKey(ANNEX_PUBLIC.slice(2)).hex).toBe(ANNEX_PUBLIC);
    expect(parseSm2PublicKey(` ${ANNEX_PUBLIC.toUpperCase()}\n`).hex).toBe(ANNEX_PUBLIC);
    const pair = sm2GenerateKeyPair();
    expect(parseSm2PublicKey(pair.publicKey).hex).toBe(pair.publicKey);
  });

  it('names the problem of a bad key', () => {
    expect(() => parseSm2PublicKey('04abc')).toThrow(/128 hex digits \(x‖y\) or 130 \(04‖x‖y\), not 5/);
    expect(() => parseSm2PublicKey(`05${ANNEX_PUBLIC.slice(2)}`)).toThrow(/starts with 04/);
    expect(() => parseSm2PublicKey(`g${ANNEX_PUBLIC.slice(1)}`)).toThrow(/not hexadecimal/);
    // The annex key with y changed in its last digit is no longer on the curve.
    expect(() => parseSm2PublicKey(`${ANNEX_PUBLIC.slice(0, -1)}4`)).toThrow(/not a point on the SM2 curve/);
    expect(() => parseSm2PublicKey('04'.padEnd(130, '0'))).toThrow(/not a point on the SM2 curve/);
  });
});

describe('GBK for XML', () => {
  it('encodes as GBK bytes, checked against iconv-independent known bytes', () => {
    // 好 = BA C3, 差 = B2 EE, 评 = C6 C0 in GB2312.
    expect(encodeGbkXml('好差评').toString('hex')).toBe('bac3b2eec6c0');
    expect(decodeGbkStrict(Buffer.from('bac3b2eec6c0', 'hex'))).toBe('好差评');
  });

  it('writes characters GBK lacks as character references, never as "?"', () => {
    // 𠮷 (U+20BB7, a name character of CJK extension B) and 😀 are outside GBK.
    const bytes = encodeGbkXml('陈𠮷😀');
    const text = decodeGbkStrict(bytes);
    expect(text).toBe('陈&#x20bb7;&#x1f600;');
    expect(bytes.includes(0x3f)).toBe(false);
  });

  it('refuses bytes that are not GBK', () => {
    expect(() => decodeGbkStrict(Buffer.from([0xba, 0xc3, 0xff, 0xff, 0x81]))).toThrow(/not valid GBK/);
  });

  it('writes the temporary file openssl reads (sanity of the helper)', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'x'), 'y');
    expect(openssl(['dgst', '-sm3', join(dir, 'x')]).toString()).toContain(sm3Hex('y'));
  });
});
