// The configuration file's schema (see contracts/config-and-cli.md). Every check
// carries its own "expected …" phrase, because a technician reads that phrase as the
// fix: src/config/messages.ts only adds the key and what was found.
// Defaults that depend on other keys or on the machine (paths, platform.channel)
// are filled in by src/config/load.ts.

import { z } from 'zod';
import { NATIONAL_MAX_BATCH } from '../sync/adapters/national.js';
import { parseSm2PublicKey, parseSm4Key } from '../sync/crypto/index.js';
import { canonicalOrigin, isBindableHost, isHttpUrl, isLoopbackHost } from './hosts.js';

/**
 * Keys whose values are never printed, in messages or in logs: the contract's three
 * secrets, and the diagnostics PIN, which guards the technicians' screen.
 */
export const SECRET_KEYS: readonly string[] = [
  'platform.secret',
  'platform.appWord',
  'platform.appCode',
  'platform.sm4Key',
  'platform.sm4Iv',
  'api.token',
  'qr.secret',
  'ui.token',
  'diagnostics.pin',
  'fleet.password',
];

export const DEFAULT_AUTO_IDS: readonly string[] = ['1a86:7523', '10c4:ea60', '0403:6001'];
export const DEFAULT_HID_KEYS: readonly (readonly string[])[] = [
  ['F1', 'Numpad1'],
  ['F2', 'Numpad2'],
  ['F3', 'Numpad3'],
  ['F4', 'Numpad4'],
  ['F5', 'Numpad5'],
];
export const DEFAULT_INVITE_SERVICE = { code: '', name: '窗口服务' } as const;

/** A custom issue with these params reads "KEY is missing; MESSAGE". */
export const MISSING_PARAMS = { missing: true } as const;
/** A custom issue with these params reads "KEY MESSAGE" (the message says all). */
export const KEY_LINE_PARAMS = { keyLine: true } as const;

type Expected = string | ((input: unknown) => string);

// One phrase for every way a key can be wrong keeps the messages consistent.
function says(expected: Expected): { error: (issue: { input?: unknown }) => string } {
  return { error: (issue) => (typeof expected === 'string' ? expected : expected(issue.input)) };
}

// YAML reads 350521 or 0001 as a number (dropping leading zeros), so digit strings
// need quotes; say so when a number arrives.
function quoted(expected: string): Expected {
  return (input) =>
    typeof input === 'number'
      ? `${expected}; put it in quotes (a bare number is read as a number and loses leading zeros)`
      : expected;
}

function wholeNumber(min: number, max: number, expected: string) {
  const e = says(expected);
  return z.number(e).int(e).min(min, e).max(max, e);
}

// No upper bound unless asked: secrets, for one, may be of any length.
function text(expected: Expected, min = 0, max?: number) {
  const e = says(expected);
  const atLeast = z.string(e).min(min, e);
  return max === undefined ? atLeast : atLeast.max(max, e);
}

function matching(pattern: RegExp, expected: Expected) {
  const e = says(expected);
  return z.string(e).regex(pattern, e);
}

function bool(expected: string) {
  return z.boolean(says(expected));
}

function oneOf<const T extends readonly [string, ...string[]]>(values: T, expected: string) {
  return z.enum(values, says(expected));
}

function httpUrl(expected: string) {
  const e = says(expected);
  return z.string(e).refine(isHttpUrl, e);
}

function host(expected: string) {
  const e = says(expected);
  return z.string(e).refine(isBindableHost, e);
}

function port(example: number) {
  return wholeNumber(1, 65535, `a port number from 1 to 65535, such as ${example}`);
}

function filePath(expected: string) {
  return text(expected, 1);
}

function emptyAsAbsent(value: unknown): unknown {
  return value === null ? undefined : value;
}

/**
 * A section that may be left out or left empty (`keypad:` with nothing under it):
 * either way every key in it takes its default, and required keys inside are
 * reported by their own names rather than as a missing section.
 */
function section<T extends z.ZodType<object>>(schema: T) {
  return z.preprocess(emptyAsAbsent, schema.prefault({} as z.input<T>));
}

// Cross-key checks run even when a sibling key is wrong (so a technician sees every
// problem at once); they therefore read the section as untrusted data.
const evenWithOtherIssues = {
  when: (payload: { value: unknown }) => typeof payload.value === 'object' && payload.value !== null,
};

function field(value: object, key: string): unknown {
  return (value as Record<string, unknown>)[key];
}

const TERMINAL_ID = "the terminal's number, e.g. HA-0001: 1-64 characters, no spaces";

const terminalSchema = z.strictObject({
  id: text(quoted(TERMINAL_ID), 1, 64).regex(/^\S+$/, says(TERMINAL_ID)),
  mode: oneOf(['counter', 'kiosk'], 'counter (clerk + keypad) or kiosk (touch, no clerk)').default('counter'),
  windowNo: text(quoted('the window number as text, e.g. "12" (at most 32 characters)'), 0, 32).default(''),
  hallName: text(
    'the hall\'s name as text, e.g. "惠安县行政服务中心" (at most 100 characters)',
    0,
    100,
  ).default(''),
  areaCode: matching(
    /^(?:\d{6}|\d{12})$/,
    quoted('the 行政区划代码 as text: 6 or 12 digits, e.g. areaCode: "350521"'),
  ),
  training: bool(
    'true (a try-out terminal: ratings are kept marked training and never forwarded) or false',
  ).default(false),
});

const KEYPAD_PATH = 'a serial device such as /dev/ttyUSB0 or COM3, or "auto"';
const KEY_CODE = 'a key name as browsers spell it (KeyboardEvent.code), such as "F1", "Numpad1" or "Digit1"';
const KEYMAP =
  'the satisfaction codes of keypad positions 1 to 5: the numbers 1 to 5, each exactly once, e.g. [5, 4, 3, 2, 1]';
const HID_KEYS =
  'a list of 5 lists of key names, one per keypad position, e.g. [["F1", "Numpad1"], ["F2", "Numpad2"], …]';

const HID_KEYS_OF_POSITION = 'a list of at least one key name for this position, e.g. ["F1", "Numpad1"]';

const keymapSchema = z
  .array(wholeNumber(1, 5, KEYMAP), says(KEYMAP))
  .length(5, says(KEYMAP))
  .superRefine((keymap, ctx) => {
    if (new Set(keymap).size !== keymap.length) ctx.addIssue({ code: 'custom', message: KEYMAP });
  });

const hidKeysSchema = z
  .array(
    z
      .array(matching(/^[A-Z][A-Za-z0-9]{0,31}$/, KEY_CODE), says(HID_KEYS_OF_POSITION))
      .min(1, says(HID_KEYS_OF_POSITION)),
    says(HID_KEYS),
  )
  .length(5, says(HID_KEYS))
  .superRefine((positions, ctx) => {
    // One key meaning two positions would make a press ambiguous.
    const owner = new Map<string, number>();
    positions.forEach((keys, index) => {
      keys.forEach((key, keyIndex) => {
        const first = owner.get(key);
        if (first === undefined) owner.set(key, index);
        else if (first !== index)
          ctx.addIssue({
            code: 'custom',
            path: [index, keyIndex],
            message: `a key no other position uses (it is already a key of position ${first + 1})`,
          });
      });
    });
  });

const keypadSchema = z
  .strictObject({
    driver: oneOf(
      ['frame', 'ascii', 'hid', 'none'],
      'one of frame (KP/1 serial keypad), ascii (single-byte serial keypad), hid (keyboard keys) or none',
    ).default('hid'),
    path: filePath(KEYPAD_PATH).nullable().default(null),
    autoIds: z
      .array(
        matching(/^[0-9A-Fa-f]{4}:[0-9A-Fa-f]{4}$/, 'a USB id written VID:PID in hex, such as "1a86:7523"'),
        says('a list of USB ids written VID:PID, such as ["1a86:7523", "10c4:ea60"]'),
      )
      .default(() => [...DEFAULT_AUTO_IDS]),
    baudRate: wholeNumber(1, 10_000_000, 'a whole number such as 9600').default(9600),
    keymap: keymapSchema.default(() => [5, 4, 3, 2, 1]),
    hidKeys: hidKeysSchema.default(() => DEFAULT_HID_KEYS.map((keys) => [...keys])),
    debounceMs: wholeNumber(0, 10_000, 'a whole number of milliseconds from 0 to 10000, such as 300').default(
      300,
    ),
  })
  .superRefine((keypad, ctx) => {
    const driver = field(keypad, 'driver');
    if (driver !== 'frame' && driver !== 'ascii') return;
    const path = field(keypad, 'path');
    if (path === null || path === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['path'],
        params: MISSING_PARAMS,
        message: `it is required when keypad.driver is ${driver} (${KEYPAD_PATH})`,
      });
    }
    const autoIds = field(keypad, 'autoIds');
    if (path === 'auto' && Array.isArray(autoIds) && autoIds.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['autoIds'],
        message: 'at least one USB id such as "1a86:7523", because keypad.path is "auto"',
      });
    }
  }, evenWithOtherIssues);

const storeSchema = z.strictObject({
  path: filePath('a file path such as ./data/terminal.db, or null for the user-data folder')
    .nullable()
    .default(null),
  keyFile: filePath('a file path such as ./data/terminal.key, or null for one beside the database')
    .nullable()
    .default(null),
  retentionDays: wholeNumber(1, 36_500, 'a whole number of days, at least 1, such as 90').default(90),
});

const logSchema = z.strictObject({
  dir: filePath('a folder path such as ./logs, or null for a logs folder beside the database')
    .nullable()
    .default(null),
});

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

const platformSchema = z
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

const apiSchema = z
  .strictObject({
    host: host('an address to listen on, such as 127.0.0.1 or 0.0.0.0').default('127.0.0.1'),
    port: port(7480).default(7480),
    token: text('a long random text that the business system sends as a Bearer token', 1)
      .nullable()
      .default(null),
    revealRatings: bool('true or false').default(false),
    corsOrigins: z
      .array(
        z
          .string(says('a browser origin such as http://192.168.1.20:8080 (scheme, host and port, no path)'))
          .refine(
            (origin) => canonicalOrigin(origin) !== null,
            says('a browser origin such as http://192.168.1.20:8080 (scheme, host and port, no path)'),
          )
          .transform((origin) => canonicalOrigin(origin) ?? origin),
        says('a list of browser origins such as ["http://192.168.1.20:8080"], or []'),
      )
      .default(() => []),
  })
  .superRefine((api, ctx) => {
    const apiHost = field(api, 'host');
    const token = field(api, 'token');
    if (typeof apiHost !== 'string' || !isBindableHost(apiHost) || isLoopbackHost(apiHost)) return;
    if (token === null || token === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['token'],
        params: MISSING_PARAMS,
        message:
          `it is required because api.host ${apiHost} is not a loopback address ` +
          '(set a long random token for the business system, or use api.host: 127.0.0.1)',
      });
    }
  }, evenWithOtherIssues);

const qrSchema = z.strictObject({
  baseUrl: httpUrl(
    'the rating page address, an http:// or https:// URL such as https://hcp.example.gov.cn/m/rate',
  ),
  secret: text('the secret shared with the rating page, as text', 1),
  ttlSeconds: wholeNumber(
    1,
    31_536_000,
    'a whole number of seconds, at least 1, such as 259200 (three days)',
  ).default(259_200),
  staticUrl: httpUrl("the hall's static QR address, an http:// or https:// URL, or null")
    .nullable()
    .default(null),
});

// Timers above a day are refused: Node fires a setTimeout beyond ~24.8 days at once.
const promptSchema = z.strictObject({
  timeoutSeconds: wholeNumber(1, 86_400, 'a whole number of seconds from 1 to 86400, such as 60').default(60),
  reasonsTimeoutSeconds: wholeNumber(
    1,
    86_400,
    'a whole number of seconds from 1 to 86400, such as 30',
  ).default(30),
  // Indicators on a 好评 are never required; `optional` offers them on a screen of their own.
  goodIndicators: oneOf(
    ['off', 'optional'],
    'off (a 好评 is final at the press) or optional (a 好评 may add indicators for up to 10 s)',
  ).default('off'),
  invite: section(
    z.strictObject({
      // Default by profile (src/config/load.ts): INVITE makes up 办件编号 real platforms refuse.
      enabled: bool('true or false').optional(),
      service: section(
        z.strictObject({
          code: text(quoted('the 事项编码 as text, or "" (at most 64 characters)'), 0, 64).default(
            DEFAULT_INVITE_SERVICE.code,
          ),
          name: text('the 事项名称 as text, e.g. 窗口服务 (1-100 characters)', 1, 100).default(
            DEFAULT_INVITE_SERVICE.name,
          ),
        }),
      ),
    }),
  ),
});

const uiSchema = z
  .strictObject({
    host: host('an address to listen on, such as 127.0.0.1').default('127.0.0.1'),
    port: port(7481).default(7481),
    volume: wholeNumber(0, 100, 'a whole number from 0 to 100, such as 80').default(80),
    token: text("a long random text that the screen's address carries as ?token=", 1)
      .nullable()
      .default(null),
  })
  .superRefine((ui, ctx) => {
    // Off loopback, anything on the network could open the screens' bridge and rate.
    const uiHost = field(ui, 'host');
    const token = field(ui, 'token');
    if (typeof uiHost !== 'string' || !isBindableHost(uiHost) || isLoopbackHost(uiHost)) return;
    if (token === null || token === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['token'],
        params: MISSING_PARAMS,
        message:
          `it is required because ui.host ${uiHost} is not a loopback address ` +
          '(set a long random token; the screen is then opened as http://HOST:PORT/?token=…, or use ui.host: 127.0.0.1)',
      });
    }
  }, evenWithOtherIssues);

const diagnosticsSchema = z.strictObject({
  pin: matching(
    /^\d{4,12}$/,
    quoted('4 to 12 digits as text, e.g. pin: "2580", or null to disable the screen'),
  )
    .nullable()
    .default(null),
});

// A terminal id or hall id becomes one MQTT topic level: a level separator, a wildcard
// or a space would put its messages under another terminal's topics, or nowhere.
const TOPIC_LEVEL_FORBIDDEN = /[/+#\s]/;
const badTopicLevel = (level: string) => TOPIC_LEVEL_FORBIDDEN.test(level) || level.includes('\0');
const HALL_ID =
  'the hall\'s id as one topic level, e.g. "350521": no /, +, # or spaces (or null for terminal.areaCode)';
const TOPIC_PREFIX =
  'the first topic level(s), e.g. hcp or fj/hcp: no +, # or spaces, no empty level, not starting with $';

function isMqttUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'mqtt:' || url.protocol === 'mqtts:') && url.hostname !== '';
  } catch {
    return false;
  }
}

const fleetSchema = z
  .strictObject({
    url: z
      .string(
        says("the broker's address, mqtt://HOST:PORT or mqtts://HOST:PORT, such as mqtt://10.1.2.3:1883"),
      )
      .refine(
        isMqttUrl,
        says("the broker's address, mqtt://HOST:PORT or mqtts://HOST:PORT, such as mqtt://10.1.2.3:1883"),
      ),
    username: text('the user name the broker knows this terminal by, as text', 1).nullable().default(null),
    password: text('the password the broker issued for this terminal, as text', 1).nullable().default(null),
    ca: filePath("a PEM file of the private CA that signed the broker's certificate, or null")
      .nullable()
      .default(null),
    topicPrefix: text(TOPIC_PREFIX, 1, 128)
      .refine(
        (p) => !p.startsWith('$') && p.split('/').every((l) => l !== '' && !badTopicLevel(l)),
        says(TOPIC_PREFIX),
      )
      .default('hcp'),
    hallId: text(quoted(HALL_ID), 1, 64)
      .refine((id) => !badTopicLevel(id), says(HALL_ID))
      .nullable()
      .default(null),
    keepaliveSeconds: wholeNumber(5, 3600, 'a whole number of seconds from 5 to 3600, such as 30').default(
      30,
    ),
    stateIntervalSeconds: wholeNumber(
      1,
      86_400,
      'a whole number of seconds from 1 to 86400, such as 30',
    ).default(30),
    badRatingEvents: bool('true (tell the hall of each 差评 at once) or false (state only)').default(true),
  })
  .superRefine((fleet, ctx) => {
    const url = field(fleet, 'url');
    const ca = field(fleet, 'ca');
    if (typeof url === 'string' && url.startsWith('mqtt://') && typeof ca === 'string') {
      ctx.addIssue({
        code: 'custom',
        path: ['ca'],
        message: `null, because fleet.url ${url} is not TLS (use mqtts:// to check the broker against this CA)`,
      });
    }
  }, evenWithOtherIssues);

export const configFileSchema = z
  .strictObject({
    terminal: section(terminalSchema),
    keypad: section(keypadSchema),
    store: section(storeSchema),
    log: section(logSchema),
    platform: platformSchema.nullable().default(null),
    api: section(apiSchema),
    qr: qrSchema.nullable().default(null),
    prompt: section(promptSchema),
    reasons: filePath('a path to a reasons catalogue file, or null for the built-in one')
      .nullable()
      .default(null),
    ui: section(uiSchema),
    diagnostics: section(diagnosticsSchema),
    fleet: fleetSchema.nullable().default(null),
  })
  .superRefine((file, ctx) => {
    // terminal.id is a topic level only when a broker is configured.
    const fleet = field(file, 'fleet');
    const terminal = field(file, 'terminal');
    if (typeof fleet !== 'object' || fleet === null || typeof terminal !== 'object' || terminal === null)
      return;
    const id = field(terminal, 'id');
    if (typeof id === 'string' && badTopicLevel(id)) {
      ctx.addIssue({
        code: 'custom',
        path: ['terminal', 'id'],
        message: `${TERMINAL_ID}, and with fleet configured no /, + or # either (it is a topic level on the broker)`,
      });
    }
  }, evenWithOtherIssues);

/** The file as parsed: static defaults filled, paths still as written. */
export type ConfigFile = z.output<typeof configFileSchema>;
