// The platform section of the configuration schema: the three profiles
// (reference, national, fujian), the keys each owns and the ones it requires.

import { z } from 'zod';
import { isHttpUrl } from '../base/addresses.js';
import { NATIONAL_MAX_BATCH } from '../sync/adapters/national.js';
import { parseSm2PublicKey, parseSm4Key } from '../sync/crypto/index.js';
import {
  evenWithOtherIssues,
  field,
  filePath,
  httpUrl,
  KEY_LINE_PARAMS,
  MISSING_PARAMS,
  matching,
  oneOf,
  quoted,
  says,
  text,
  wholeNumber,
} from './schema-builders.js';

export const PLATFORM_PROFILES = ['reference', 'national', 'fujian'] as const;
type Profile = (typeof PLATFORM_PROFILES)[number];

/**
 * The keys of each profile beyond url, profile, channel and timeoutSeconds
 * (contracts/platform-profiles.md), with the ones it requires. A key of another
 * profile is an error: it would be silently ignored otherwise.
 */
export const PROFILE_KEYS: Record<Profile, { keys: readonly string[]; required: readonly string[] }> = {
  reference: { keys: ['appMark', 'secret'], required: ['appMark', 'secret'] },
  national: {
    keys: ['appMark', 'appWord', 'publicKey', 'cipherMode', 'dataSource', 'headers', 'batchSize'],
    required: ['appMark', 'appWord', 'publicKey', 'dataSource'],
  },
  fujian: {
    keys: [
      'tokenPath',
      'servicePath',
      'appKey',
      'appCode',
      'sysNo',
      'tokenTimestamp',
      'sm4Key',
      'sm4Mode',
      'sm4Iv',
      'sm4Output',
      'xmlEncoding',
      'template',
      'network',
      'urlMode',
      'urlTimeoutSeconds',
      'backUrl',
    ],
    required: ['appKey', 'appCode', 'sysNo'],
  },
};

/** What each required key is, for "platform.X is missing; it is required with …". */
const REQUIRED_WHAT: Record<string, string> = {
  appMark: 'the 应用标识 the platform issued, e.g. HA-APP',
  secret: 'the signing secret the platform issued',
  appWord: 'the 应用密钥 the platform issued',
  publicKey: "the platform's SM2 public key from its interface document, 128 or 130 hex digits",
  dataSource: 'the 数据来源 code the platform assigned, e.g. "165"',
  appKey: 'the app_key the provincial gateway issued',
  appCode: "the application's secret code the provincial gateway issued",
  sysNo: 'the sysNO (system number) the province assigned',
};

/** A text checked by one of the adapters' own readers; its reason joins the expected phrase. */
function checkedBy(read: (value: string) => unknown, expected: string, advice: string) {
  return z.string(says(expected)).superRefine((value, ctx) => {
    try {
      read(value);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      ctx.addIssue({ code: 'custom', message: `${expected} (this one: ${reason}); ${advice}` });
    }
  });
}

const HEX_16 = (what: string) =>
  checkedBy(
    (value) => parseSm4Key(value, what),
    `32 hex digits (16 bytes)`,
    `copy the ${what} exactly from the interface document`,
  );

const SERVICE_PATH = 'a path starting with /, such as /96hyvzxl/wailian/webservice';

export const platformSchema = z
  .strictObject({
    url: httpUrl(
      "the platform's upload address, an http:// or https:// URL such as https://hcp.example.gov.cn/api",
    ),
    profile: oneOf(
      PLATFORM_PROFILES,
      "reference, national (the national evaluation interface) or fujian (Fujian's provincial gateway)",
    ).default('reference'),
    appMark: text('the application id at the platform (应用标识), e.g. HA-APP', 1, 128).optional(),
    secret: text('the signing secret the platform issued, as text', 1).optional(),
    channel: wholeNumber(
      1,
      7,
      "the record's pf code, a whole number from 1 to 7 (4 hall tablet, 5 self-service kiosk)",
    ).nullish(),
    timeoutSeconds: wholeNumber(1, 300, 'a whole number of seconds from 1 to 300, such as 10').default(10),
    // national
    appWord: text('the 应用密钥 the platform issued, as text', 1).optional(),
    publicKey: checkedBy(
      parseSm2PublicKey,
      "the platform's SM2 public key: 128 hex digits (x‖y) or 130 (04‖x‖y)",
      "copy it again from the platform's interface document",
    ).optional(),
    cipherMode: oneOf(['C1C3C2', 'C1C2C3'], 'C1C3C2 (GM/T 0003-2012, the default) or C1C2C3').optional(),
    dataSource: text(
      quoted('the 数据来源 code the platform assigned, as text, e.g. "165"'),
      1,
      64,
    ).optional(),
    headers: z
      .record(
        z.string(),
        text(quoted('one line of text, e.g. X-Tenant-Id: "3505"')),
        says('extra HTTP headers as name: value lines under platform.headers, or {}'),
      )
      .optional(),
    batchSize: wholeNumber(
      1,
      NATIONAL_MAX_BATCH,
      `a whole number of evaluations per request from 1 to ${NATIONAL_MAX_BATCH} (keep 1 unless the platform takes more)`,
    ).optional(),
    // fujian
    tokenPath: matching(/^\//, 'a path starting with /, such as /get-token').optional(),
    servicePath: matching(/^\//, SERVICE_PATH).optional(),
    appKey: text(quoted('the app_key the gateway issued, as text'), 1, 128).optional(),
    appCode: text("the application's secret code the gateway issued, as text", 1).optional(),
    sysNo: text(quoted('the sysNO the province assigned, as text, e.g. "35"'), 1, 64).optional(),
    tokenTimestamp: oneOf(['ms', 's'], 'ms (milliseconds, the default) or s (seconds)').optional(),
    sm4Key: HEX_16('SM4 key').optional(),
    sm4Mode: oneOf(['ecb', 'cbc'], 'ecb (the default) or cbc (then platform.sm4Iv is required)').optional(),
    sm4Iv: HEX_16('SM4 IV').optional(),
    sm4Output: oneOf(['hex', 'base64'], 'hex (the default) or base64').optional(),
    xmlEncoding: oneOf(['gb2312', 'utf-8'], 'gb2312 (the default) or utf-8').optional(),
    template: filePath(
      'a path to an evaluation template file, or leave it out for the built-in one',
    ).optional(),
    network: z
      .union(
        [z.literal(1), z.literal(2), z.literal(3)],
        says('1 (internet), 2 (政务信息网) or 3 (政务外网公共区)'),
      )
      .optional(),
    urlMode: oneOf(['off', 'qr'], 'off (the default) or qr').optional(),
    urlTimeoutSeconds: wholeNumber(1, 30, 'a whole number of seconds from 1 to 30, such as 3').optional(),
    backUrl: z
      .string(says('an http:// or https:// URL, or ""'))
      .refine((v) => v === '' || isHttpUrl(v), says('an http:// or https:// URL, or ""'))
      .optional(),
  })
  .superRefine((platform, ctx) => {
    const profile = field(platform, 'profile') ?? 'reference';
    if (!(PLATFORM_PROFILES as readonly unknown[]).includes(profile)) return;
    const own = PROFILE_KEYS[profile as Profile];
    for (const key of own.required) {
      if (field(platform, key) !== undefined) continue;
      ctx.addIssue({
        code: 'custom',
        path: [key],
        params: MISSING_PARAMS,
        message: `it is required with platform.profile ${String(profile)} (${REQUIRED_WHAT[key] ?? key})`,
      });
    }
    const owners = new Map<string, string[]>();
    for (const [other, { keys }] of Object.entries(PROFILE_KEYS)) {
      for (const key of keys) {
        if (other === profile || own.keys.includes(key) || field(platform, key) === undefined) continue;
        owners.set(key, [...(owners.get(key) ?? []), other]);
      }
    }
    for (const [key, profiles] of owners) {
      const whose =
        profiles.length === 1 ? `the ${profiles[0]} profile` : `the ${profiles.join(' and ')} profiles`;
      ctx.addIssue({
        code: 'custom',
        path: [key],
        params: KEY_LINE_PARAMS,
        message: `is a key of ${whose}, not of ${String(profile)}; remove it, or check platform.profile`,
      });
    }
    if (profile !== 'fujian') return;
    const mode = field(platform, 'sm4Mode');
    const iv = field(platform, 'sm4Iv');
    if (mode === 'cbc' && iv === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['sm4Iv'],
        params: MISSING_PARAMS,
        message: 'it is required with platform.sm4Mode cbc (32 hex digits from the interface document)',
      });
    } else if (mode !== 'cbc' && iv !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['sm4Iv'],
        params: KEY_LINE_PARAMS,
        message: 'is set but platform.sm4Mode is ecb, which takes no IV; set sm4Mode: cbc, or remove sm4Iv',
      });
    }
  }, evenWithOtherIssues);
