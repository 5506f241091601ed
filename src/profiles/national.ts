// `platform.profile: national`: the national 好差评 evaluation interface (SM2-encrypted
// JSON envelopes). docs/platform-national.md says what each key is for.

import { z } from 'zod';
import {
  createNationalAdapter,
  NATIONAL_MAX_BATCH,
  NationalConfigError,
  type NationalOptions,
  nationalSettings,
} from '../sync/adapters/national.js';
import { parseSm2PublicKey } from '../sync/crypto/index.js';
import { APP_MARK_KEY } from './common.js';
import { type PlatformCommon, type ProfileDescriptor, problemOf } from './descriptor.js';
import { checkedBy, oneOf, quoted, says, text, wholeNumber } from './schema-builders.js';

export interface NationalPlatform extends PlatformCommon {
  profile: 'national';
  appMark: string;
  /** Secret. */
  appWord: string;
  /** The platform's SM2 public key as written (128 or 130 hex digits), checked at load. */
  publicKey: string;
  cipherMode: 'C1C3C2' | 'C1C2C3';
  dataSource: string;
  headers: Record<string, string>;
  batchSize: number;
}

/** The national profile's defaults: GM/T 0003-2012's order, no extra headers, one evaluation a request. */
export const NATIONAL_DEFAULTS = { cipherMode: 'C1C3C2', headers: {}, batchSize: 1 } as const satisfies Pick<
  NationalOptions,
  'cipherMode' | 'headers' | 'batchSize'
>;

/** Options of the national adapter from a resolved section. */
export function nationalOptions(p: NationalPlatform): NationalOptions {
  return {
    url: p.url,
    appMark: p.appMark,
    appWord: p.appWord,
    publicKey: p.publicKey,
    cipherMode: p.cipherMode,
    dataSource: p.dataSource,
    headers: p.headers,
    batchSize: p.batchSize,
  };
}

export const nationalProfile: ProfileDescriptor<NationalPlatform> = {
  name: 'national',
  summary: 'national (the national evaluation interface)',
  keys: {
    appMark: APP_MARK_KEY,
    appWord: {
      schema: text('the 应用密钥 the platform issued, as text', 1),
      describe: 'national: the 应用密钥 the platform issued. Required.',
      required: 'the 应用密钥 the platform issued',
      secret: true,
      sampleAdvice: 'set the 应用密钥 the platform issued',
    },
    publicKey: {
      schema: checkedBy(
        parseSm2PublicKey,
        "the platform's SM2 public key: 128 hex digits (x‖y) or 130 (04‖x‖y)",
        "copy it again from the platform's interface document",
      ),
      describe: "national: the platform's SM2 public key, 128 hex digits (x‖y) or 130 (04‖x‖y). Required.",
      required: "the platform's SM2 public key from its interface document, 128 or 130 hex digits",
    },
    cipherMode: {
      schema: oneOf(['C1C3C2', 'C1C2C3'], 'C1C3C2 (GM/T 0003-2012, the default) or C1C2C3'),
      describe: 'national: the SM2 ciphertext order. Default `C1C3C2` (GM/T 0003-2012).',
    },
    dataSource: {
      schema: text(quoted('the 数据来源 code the platform assigned, as text, e.g. "165"'), 1, 64),
      describe: 'national: the 数据来源 code the platform assigned, as text. Required.',
      required: 'the 数据来源 code the platform assigned, e.g. "165"',
    },
    headers: {
      schema: z.record(
        z.string(),
        text(quoted('one line of text, e.g. X-Tenant-Id: "3505"')),
        says('extra HTTP headers as name: value lines under platform.headers, or {}'),
      ),
      describe: 'national: extra HTTP headers sent with every request, as `name: value` lines.',
      advice:
        'write each header as Name: value, on one line; Content-Type, Content-Length, Host, Connection and Transfer-Encoding are set by the terminal',
    },
    batchSize: {
      schema: wholeNumber(
        1,
        NATIONAL_MAX_BATCH,
        `a whole number of evaluations per request from 1 to ${NATIONAL_MAX_BATCH} (keep 1 unless the platform takes more)`,
      ),
      describe: 'national: evaluations per request. Default 1; raise it only if the platform takes more.',
    },
  },
  // The schema has enforced the required keys; the casts only tell the types so.
  resolve: (file, common) => ({
    section: {
      ...common,
      profile: 'national',
      appMark: file.appMark as string,
      appWord: file.appWord as string,
      publicKey: file.publicKey as string,
      cipherMode:
        (file.cipherMode as NationalPlatform['cipherMode'] | undefined) ?? NATIONAL_DEFAULTS.cipherMode,
      dataSource: file.dataSource as string,
      headers: { ...((file.headers as Record<string, string> | undefined) ?? NATIONAL_DEFAULTS.headers) },
      batchSize: (file.batchSize as number | undefined) ?? NATIONAL_DEFAULTS.batchSize,
    },
  }),
  check(section) {
    try {
      nationalSettings(nationalOptions(section));
      return null;
    } catch (err) {
      return problemOf(err, NationalConfigError);
    }
  },
  indicators: { nationalCodesOnly: true, inviteByDefault: false },
  doctor: {
    // The loader refuses such a key already; doctor says so on its own line too, should a
    // section reach it some other way.
    preflight(section) {
      try {
        parseSm2PublicKey(section.publicKey);
        return null;
      } catch (err) {
        return {
          problem: `platform.publicKey is not usable: ${err instanceof Error ? err.message : String(err)}`,
          fix: "copy the platform's SM2 public key again from its interface document",
        };
      }
    },
    // The interface has no call that proves the credentials without a rating: one GET of
    // the address, and any HTTP answer is right enough to talk to.
    addressOnly: true,
    answered: (url, status) =>
      `${url} answers (HTTP ${status}) and platform.publicKey is a point on the SM2 curve; credentials are checked by the first rating`,
    credentials: 'check platform.appMark and platform.appWord against what the platform issued',
    address: 'check platform.url (the full address of the evaluation interface) and platform.profile',
    what: 'upload interface',
  },
  createAdapter: (section) => createNationalAdapter(nationalOptions(section)),
};
