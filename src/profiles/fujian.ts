// `platform.profile: fujian`: 福建省网上办事大厅 好差评 through the provincial gateway
// (a token, then SOAP with an SM4-encrypted document), and its URL mode, the province's own
// rating page of each prompt. docs/platform-fujian.md says what each key is for.

import { z } from 'zod';
import { isHttpUrl } from '../base/addresses.js';
import { cstDateTime } from '../core/cst.js';
import { createFujianAdapter, FujianConfigError } from '../sync/adapters/fujian/index.js';
import { type FujianOptions, fujianSettings } from '../sync/adapters/fujian/settings.js';
import { PLACEHOLDERS } from '../sync/adapters/fujian/template.js';
import { TokenShelf } from '../sync/adapters/fujian/token.js';
import { requestPage } from '../sync/adapters/fujian/url-mode.js';
import { parseSm4Key } from '../sync/crypto/index.js';
import { createHttpTransport, type Transport } from '../sync/http-transport.js';
import { type PlatformCommon, type ProfileDescriptor, problemOf } from './descriptor.js';
import { checkedBy, filePath, matching, oneOf, quoted, says, text, wholeNumber } from './schema-builders.js';

/**
 * The adapter's options as the configuration resolves them: what the adapter may derive
 * (sm4Key from appCode, the built-in template) is null when the file does not give it.
 */
export interface FujianPlatform
  extends PlatformCommon,
    Omit<FujianOptions, 'url' | 'sm4Key' | 'sm4Iv' | 'template'> {
  profile: 'fujian';
  /** Secret; 32 hex digits, or null for MD5 of appCode (the adapter derives it). */
  sm4Key: string | null;
  /** Secret; 32 hex digits, set with sm4Mode cbc. */
  sm4Iv: string | null;
  /** The deployment's own template: its absolute path and its text as read at load; null = built in. */
  template: { file: string; text: string } | null;
  /** The URL mode: the network the terminal is on, whether to ask for pages, how long to wait. */
  network: 1 | 2 | 3;
  urlMode: 'off' | 'qr';
  urlTimeoutSeconds: number;
  backUrl: string;
}

/** A template is a page of XML; anything this big is the wrong file. */
export const TEMPLATE_MAX_BYTES = 256 * 1024;

const SERVICE_PATH = '/96hyvzxl/wailian/webservice';

/** The Fujian profile's defaults of the adapter's settings. */
export const FUJIAN_ADAPTER_DEFAULTS = {
  tokenPath: '/get-token',
  servicePath: SERVICE_PATH,
  tokenTimestamp: 'ms',
  sm4Mode: 'ecb',
  sm4Output: 'hex',
  xmlEncoding: 'gb2312',
} as const satisfies Partial<FujianOptions>;

/** The Fujian profile's defaults. */
export const FUJIAN_DEFAULTS = {
  ...FUJIAN_ADAPTER_DEFAULTS,
  network: 1,
  urlMode: 'off',
  urlTimeoutSeconds: 3,
  backUrl: '',
} as const satisfies Partial<FujianPlatform>;

/** Options of the Fujian adapter from a resolved section. */
export function fujianOptions(p: FujianPlatform): FujianOptions {
  return {
    url: p.url,
    tokenPath: p.tokenPath,
    servicePath: p.servicePath,
    appKey: p.appKey,
    appCode: p.appCode,
    sysNo: p.sysNo,
    tokenTimestamp: p.tokenTimestamp,
    ...(p.sm4Key !== null ? { sm4Key: p.sm4Key } : {}),
    sm4Mode: p.sm4Mode,
    ...(p.sm4Iv !== null ? { sm4Iv: p.sm4Iv } : {}),
    sm4Output: p.sm4Output,
    xmlEncoding: p.xmlEncoding,
    ...(p.template !== null ? { template: p.template.text } : {}),
  };
}

const HEX_16 = (what: string) =>
  checkedBy(
    (value) => parseSm4Key(value, what),
    `32 hex digits (16 bytes)`,
    `copy the ${what} exactly from the interface document`,
  );

/** The section's value of a key the schema has checked, or the default. */
function given<T>(file: Readonly<Record<string, unknown>>, key: string, fallback: T): T {
  return (file[key] as T | undefined) ?? fallback;
}

export const fujianProfile: ProfileDescriptor<FujianPlatform, TokenShelf> = {
  name: 'fujian',
  summary: "fujian (Fujian's provincial gateway)",
  keys: {
    tokenPath: {
      schema: matching(/^\//, 'a path starting with /, such as /get-token'),
      describe: 'fujian: the path of the token request, e.g. `/get-token`.',
      advice: 'write a path such as /get-token',
    },
    servicePath: {
      schema: matching(/^\//, `a path starting with /, such as ${SERVICE_PATH}`),
      describe: 'fujian: the path of the evaluation web service.',
      advice: `write a path such as ${SERVICE_PATH}`,
    },
    appKey: {
      schema: text(quoted('the app_key the gateway issued, as text'), 1, 128),
      describe: 'fujian: the `app_key` the gateway issued. Required.',
      required: 'the app_key the provincial gateway issued',
    },
    appCode: {
      schema: text("the application's secret code the gateway issued, as text", 1),
      describe: "fujian: the application's secret code the gateway issued. Required.",
      required: "the application's secret code the provincial gateway issued",
      secret: true,
      sampleAdvice: "set the application's secret code the provincial gateway issued",
    },
    sysNo: {
      schema: text(quoted('the sysNO the province assigned, as text, e.g. "35"'), 1, 64),
      describe: 'fujian: the `sysNO` (system number) the province assigned, as text. Required.',
      required: 'the sysNO (system number) the province assigned',
    },
    tokenTimestamp: {
      schema: oneOf(['ms', 's'], 'ms (milliseconds, the default) or s (seconds)'),
      describe: "fujian: the token request's timestamp unit, `ms` (default) or `s`.",
    },
    sm4Key: {
      schema: HEX_16('SM4 key'),
      describe: 'fujian: the SM4 key, 32 hex digits, when the gateway encrypts.',
      secret: true,
    },
    sm4Mode: {
      schema: oneOf(['ecb', 'cbc'], 'ecb (the default) or cbc (then platform.sm4Iv is required)'),
      describe: 'fujian: `ecb` (default) or `cbc` (then `platform.sm4Iv` is required).',
    },
    sm4Iv: {
      schema: HEX_16('SM4 IV'),
      describe: 'fujian: the SM4 IV for `cbc`, 32 hex digits.',
      secret: true,
    },
    sm4Output: {
      schema: oneOf(['hex', 'base64'], 'hex (the default) or base64'),
      describe: 'fujian: how ciphertext is written, `hex` (default) or `base64`.',
    },
    xmlEncoding: {
      schema: oneOf(['gb2312', 'utf-8'], 'gb2312 (the default) or utf-8'),
      describe: "fujian: the evaluation document's encoding, `gb2312` (default) or `utf-8`.",
    },
    template: {
      schema: filePath('a path to an evaluation template file, or leave it out for the built-in one'),
      describe: 'fujian: an evaluation template file in place of the built-in one.',
      advice: `fix the template file; its placeholders are {{${PLACEHOLDERS.join('}}, {{')}}}`,
    },
    network: {
      schema: z.union(
        [z.literal(1), z.literal(2), z.literal(3)],
        says('1 (internet), 2 (政务信息网) or 3 (政务外网公共区)'),
      ),
      describe: 'fujian: the network the terminal is on: 1 internet, 2 政务信息网, 3 政务外网公共区.',
    },
    urlMode: {
      schema: oneOf(['off', 'qr'], 'off (the default) or qr'),
      describe:
        'fujian: `qr` asks the gateway for its own rating page address and shows it as the QR code; `off` (default) does not.',
    },
    urlTimeoutSeconds: {
      schema: wholeNumber(1, 30, 'a whole number of seconds from 1 to 30, such as 3'),
      describe: 'fujian: how long to wait for that address before the prompt goes on without it.',
    },
    backUrl: {
      schema: z
        .string(says('an http:// or https:// URL, or ""'))
        .refine((v) => v === '' || isHttpUrl(v), says('an http:// or https:// URL, or ""')),
      describe: 'fujian: the address the gateway\'s rating page returns to, or `""`.',
    },
  },
  refine(section, issue) {
    const mode = section.sm4Mode;
    const iv = section.sm4Iv;
    if (mode === 'cbc' && iv === undefined) {
      issue(
        'sm4Iv',
        'missing',
        'it is required with platform.sm4Mode cbc (32 hex digits from the interface document)',
      );
    } else if (mode !== 'cbc' && iv !== undefined) {
      issue(
        'sm4Iv',
        'line',
        'is set but platform.sm4Mode is ecb, which takes no IV; set sm4Mode: cbc, or remove sm4Iv',
      );
    }
  },
  resolve(file, common, ctx) {
    let template: FujianPlatform['template'] = null;
    if (file.template !== undefined) {
      const templateFile = ctx.resolvePath(file.template as string);
      const read = ctx.readFile('template', templateFile, TEMPLATE_MAX_BYTES);
      if ('error' in read) return { error: read.error };
      try {
        template = { file: templateFile, text: new TextDecoder('utf-8', { fatal: true }).decode(read.bytes) };
      } catch {
        return {
          error: `${ctx.label}: platform.template: ${templateFile} is not UTF-8 text; save it as UTF-8 (the terminal writes the GB2312 bytes itself)`,
        };
      }
    }
    const d = FUJIAN_DEFAULTS;
    // The schema has enforced the required keys; the casts only tell the types so.
    return {
      section: {
        ...common,
        profile: 'fujian',
        tokenPath: given(file, 'tokenPath', d.tokenPath),
        servicePath: given(file, 'servicePath', d.servicePath),
        appKey: file.appKey as string,
        appCode: file.appCode as string,
        sysNo: file.sysNo as string,
        tokenTimestamp: given(file, 'tokenTimestamp', d.tokenTimestamp),
        sm4Key: given<string | null>(file, 'sm4Key', null),
        sm4Mode: given(file, 'sm4Mode', d.sm4Mode),
        sm4Iv: given<string | null>(file, 'sm4Iv', null),
        sm4Output: given(file, 'sm4Output', d.sm4Output),
        xmlEncoding: given(file, 'xmlEncoding', d.xmlEncoding),
        template,
        network: given(file, 'network', d.network),
        urlMode: given(file, 'urlMode', d.urlMode),
        urlTimeoutSeconds: given(file, 'urlTimeoutSeconds', d.urlTimeoutSeconds),
        backUrl: given(file, 'backUrl', d.backUrl),
      },
    };
  },
  check(section) {
    try {
      fujianSettings(fujianOptions(section));
      return null;
    } catch (err) {
      const inTemplate = err instanceof Error && err.message.startsWith('platform.template:');
      return problemOf(err, FujianConfigError, inTemplate ? section.template?.file : undefined);
    }
  },
  indicators: { nationalCodesOnly: true, inviteByDefault: false },
  doctor: {
    okLine: (url, check) => `${url}: the gateway gave a token (HTTP ${check.status ?? '?'})`,
    credentials:
      'check platform.appKey, platform.appCode and platform.tokenTimestamp against what the provincial gateway issued',
    address: "check platform.url (the gateway's base address), platform.tokenPath and platform.profile",
    what: 'gateway',
  },
  // One token for the forwarder and the page requests, kept across reloads.
  shared: () => new TokenShelf(),
  createAdapter(section, shelf) {
    const options = fujianOptions(section);
    return createFujianAdapter(options, shelf?.cacheFor(fujianSettings(options)));
  },
  pages: {
    wanted: (section) => section.urlMode === 'qr',
    source(p, terminal, shelf, options) {
      const settings = fujianSettings(fujianOptions(p));
      const tokens = (shelf ?? new TokenShelf()).cacheFor(settings);
      const own = options.transport ? null : createHttpTransport();
      const transport = options.transport ?? (own?.send as Transport);
      const clock = options.clock;
      // The page may come after POST /v1/prompts has answered; it still replaces the QR of
      // an open prompt, so it is waited for as long as any call to the gateway.
      const timeoutMs = p.timeoutSeconds * 1000;
      return {
        waitMs: p.urlTimeoutSeconds * 1000,
        fetch: (prompt) =>
          requestPage(
            settings,
            { network: p.network, backUrl: p.backUrl },
            {
              transactionId: prompt.transactionId,
              taskCode: prompt.service.code,
              taskName: prompt.service.name,
              proStatus: prompt.facts.proStatus,
              acceptDate: prompt.facts.acceptDate ?? '',
              serviceTime: prompt.facts.serviceTime || cstDateTime(clock.now()),
              areaCode: terminal.areaCode,
              channel: p.channel,
              terminalId: terminal.id,
              windowNo: terminal.windowNo,
            },
            tokens,
            () => clock.now(),
            (request) => transport(request, { timeoutMs }),
          ),
        close() {
          own?.close();
        },
      };
    },
  },
};
