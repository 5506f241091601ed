// The configuration file's schema (see contracts/config-and-cli.md). Every check
// carries its own "expected …" phrase, because a technician reads that phrase as the
// fix: src/config/messages.ts only adds the key and what was found.
// Defaults that depend on other keys or on the machine (paths, platform.channel)
// are filled in by src/config/load.ts.

import { z } from 'zod';
import { canonicalOrigin, isBindableHost, isLoopbackHost } from '../base/addresses.js';
import { VOICE_GUIDES } from '../core/voice.js';
import { BUILT_IN_PROFILES, type ProfileRegistry } from '../profiles/registry.js';
import {
  bool,
  evenWithOtherIssues,
  field,
  filePath,
  host,
  httpUrl,
  MISSING_PARAMS,
  matching,
  oneOf,
  port,
  quoted,
  says,
  section,
  text,
  wholeNumber,
} from '../profiles/schema-builders.js';
import { compatSchema } from './compat-schema.js';
import { badTopicLevel, fleetSchema } from './fleet-schema.js';
import { type PlatformFile, platformSchemaFor, profileKeysOf } from './platform-schema.js';

/**
 * Keys whose values are never printed, in messages or in logs: the profiles' secrets
 * (their keys marked `secret`), the other sections' secrets, and the diagnostics PIN,
 * which guards the technicians' screen.
 */
export function secretKeysOf(registry: ProfileRegistry): readonly string[] {
  const platform = [...profileKeysOf(registry)]
    .filter(([, key]) => key.secret)
    .map(([name]) => `platform.${name}`);
  return [...platform, ...OTHER_SECRET_KEYS];
}

const OTHER_SECRET_KEYS: readonly string[] = [
  'api.token',
  'qr.secret',
  'ui.token',
  'diagnostics.pin',
  'fleet.password',
  'compat.gwq.token',
];

export const SECRET_KEYS: readonly string[] = secretKeysOf(BUILT_IN_PROFILES);

export const DEFAULT_AUTO_IDS: readonly string[] = ['1a86:7523', '10c4:ea60', '0403:6001'];
export const DEFAULT_HID_KEYS: readonly (readonly string[])[] = [
  ['F1', 'Numpad1'],
  ['F2', 'Numpad2'],
  ['F3', 'Numpad3'],
  ['F4', 'Numpad4'],
  ['F5', 'Numpad5'],
];
export const DEFAULT_INVITE_SERVICE = { code: '', name: '窗口服务' } as const;

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
    // The citizen comes first: no business system may keep the engine busy (terminal-api.md).
    rateLimit: wholeNumber(
      1,
      100_000,
      'a whole number of requests a second per client address, such as 50',
    ).default(50),
  })
  .superRefine(
    tokenOffLoopback('api', 'set a long random token for the business system, or use api.host: 127.0.0.1'),
    evenWithOtherIssues,
  );

/** A section whose `host` is off loopback needs its `token`: the refinement for both. */
function tokenOffLoopback(section: 'api' | 'ui', advice: string) {
  return (value: object, ctx: z.RefinementCtx) => {
    const host = field(value, 'host');
    const token = field(value, 'token');
    if (typeof host !== 'string' || !isBindableHost(host) || isLoopbackHost(host)) return;
    if (token === null || token === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['token'],
        params: MISSING_PARAMS,
        message: `it is required because ${section}.host ${host} is not a loopback address (${advice})`,
      });
    }
  };
}

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
    voiceGuide: oneOf(
      VOICE_GUIDES,
      'off (only the thank-you), prompt (each question and its keys, once) or full (also the reasons as the keypad moves; for blind citizens)',
    ).default('prompt'),
    idleSlides: filePath('a path to a folder of PNG, JPEG or WebP images, or null for none')
      .nullable()
      .default(null),
    idleSlideSeconds: wholeNumber(3, 600, 'a whole number of seconds from 3 to 600, such as 10').default(10),
    token: text("a long random text that the screen's address carries as ?token=", 1)
      .nullable()
      .default(null),
  })
  // Off loopback, anything on the network could open the screens' bridge and rate.
  .superRefine(
    tokenOffLoopback(
      'ui',
      'set a long random token; the screen is then opened as http://HOST:PORT/?token=…, or use ui.host: 127.0.0.1',
    ),
    evenWithOtherIssues,
  );

const diagnosticsSchema = z.strictObject({
  pin: matching(
    /^\d{4,12}$/,
    quoted('4 to 12 digits as text, e.g. pin: "2580", or null to disable the screen'),
  )
    .nullable()
    .default(null),
});

function buildConfigFileSchema(platformSchema: z.ZodType<PlatformFile, unknown>) {
  return z
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
      compat: compatSchema,
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
}

const built = new WeakMap<ProfileRegistry, ReturnType<typeof buildConfigFileSchema>>();

/** The file's schema with a registry's profiles (built once per registry). */
export function configFileSchemaFor(registry: ProfileRegistry): ReturnType<typeof buildConfigFileSchema> {
  let schema = built.get(registry);
  if (schema === undefined) {
    schema = buildConfigFileSchema(platformSchemaFor(registry));
    built.set(registry, schema);
  }
  return schema;
}

export const configFileSchema = configFileSchemaFor(BUILT_IN_PROFILES);

/** The file as parsed: static defaults filled, paths still as written. */
export type ConfigFile = z.output<typeof configFileSchema>;
