// Resolves `platform.*` per profile: fills the profile's defaults, reads a Fujian
// template file (relative to the configuration file), and has the profile's own adapter
// check what the schema cannot (a template's placeholders, header names), so that a
// configuration that loads always makes an adapter — at start and on SIGHUP alike.

import { readBoundedFileSync } from '../base/read-bounded-file.js';
import { FujianConfigError, type FujianOptions } from '../sync/adapters/fujian/index.js';
import { fujianSettings } from '../sync/adapters/fujian/settings.js';
import { PLACEHOLDERS } from '../sync/adapters/fujian/template.js';
import { NationalConfigError, type NationalOptions, nationalSettings } from '../sync/adapters/national.js';
import { fileProblemLine } from './read-yaml-file.js';
import type { ConfigFile } from './schema.js';
import type { FujianPlatform, NationalPlatform, PlatformSection, TerminalMode } from './terminal-config.js';

export type PlatformResult =
  | { ok: true; platform: PlatformSection | null; warnings: string[] }
  | { ok: false; errors: string[] };

/** A template is a page of XML; anything this big is the wrong file. */
export const TEMPLATE_MAX_BYTES = 256 * 1024;

type FilePlatform = NonNullable<ConfigFile['platform']>;

/** What to do when a profile's own check refuses a key; its message says what is wrong. */
const ADVICE: Record<string, string> = {
  url: 'write the full http:// or https:// address from the interface document',
  headers:
    'write each header as Name: value, on one line; Content-Type, Content-Length, Host, Connection and Transfer-Encoding are set by the terminal',
  template: `fix the template file; its placeholders are {{${PLACEHOLDERS.join('}}, {{')}}}`,
  tokenPath: 'write a path such as /get-token',
  servicePath: 'write a path such as /96hyvzxl/wailian/webservice',
};

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

/**
 * The template file's text, or the line saying why it cannot be used. The path is
 * shown (it is not a secret); the text never is.
 */
function readTemplate(label: string, file: string): { text: string } | { error: string } {
  const where = `${label}: platform.template`;
  let bytes: Buffer;
  try {
    // A regular file of at most TEMPLATE_MAX_BYTES, or why not (a FIFO, /dev/zero, a 50 MB file).
    bytes = readBoundedFileSync(file, { maxBytes: TEMPLATE_MAX_BYTES }).bytes;
  } catch (err) {
    const hint = 'check platform.template (a relative path is relative to the configuration file)';
    return { error: `${where}: ${fileProblemLine(file, err, hint)}` };
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return {
      error: `${where}: ${file} is not UTF-8 text; save it as UTF-8 (the terminal writes the GB2312 bytes itself)`,
    };
  }
}

function checkLine(label: string, err: unknown, templateFile: string | null): string {
  const message = err instanceof Error ? err.message : String(err);
  const key = /^platform\.(\w+):/.exec(message)?.[1] ?? '';
  const where = key === 'template' && templateFile !== null ? ` (in ${templateFile})` : '';
  const advice = ADVICE[key] ?? "check it against the platform's interface document";
  return `${label}: ${message}${where}; ${advice}`.replace(/\s*[\r\n]+\s*/g, ' ');
}

export function resolvePlatform(
  label: string,
  file: FilePlatform | null,
  mode: TerminalMode,
  resolvePath: (written: string) => string,
): PlatformResult {
  if (file === null) return { ok: true, platform: null, warnings: [] };
  const common = {
    url: file.url,
    // The platform counts a kiosk as "other hall terminal" (5), a counter evaluator as 4.
    channel: file.channel ?? (mode === 'kiosk' ? 5 : 4),
    timeoutSeconds: file.timeoutSeconds,
  };
  // The schema has enforced each profile's required keys; `?? ''` only satisfies the types.
  switch (file.profile) {
    case 'reference':
      return {
        ok: true,
        platform: { ...common, profile: 'reference', appMark: file.appMark ?? '', secret: file.secret ?? '' },
        warnings: [],
      };
    case 'national': {
      const platform: NationalPlatform = {
        ...common,
        profile: 'national',
        appMark: file.appMark ?? '',
        appWord: file.appWord ?? '',
        publicKey: file.publicKey ?? '',
        cipherMode: file.cipherMode ?? 'C1C3C2',
        dataSource: file.dataSource ?? '',
        headers: { ...(file.headers ?? {}) },
        batchSize: file.batchSize ?? 1,
      };
      try {
        nationalSettings(nationalOptions(platform));
      } catch (err) {
        if (!(err instanceof NationalConfigError)) throw err;
        return { ok: false, errors: [checkLine(label, err, null)] };
      }
      return { ok: true, platform, warnings: [] };
    }
    case 'fujian': {
      let template: FujianPlatform['template'] = null;
      if (file.template !== undefined) {
        const templateFile = resolvePath(file.template);
        const read = readTemplate(label, templateFile);
        if ('error' in read) return { ok: false, errors: [read.error] };
        template = { file: templateFile, text: read.text };
      }
      const platform: FujianPlatform = {
        ...common,
        profile: 'fujian',
        tokenPath: file.tokenPath ?? '/get-token',
        servicePath: file.servicePath ?? '/96hyvzxl/wailian/webservice',
        appKey: file.appKey ?? '',
        appCode: file.appCode ?? '',
        sysNo: file.sysNo ?? '',
        tokenTimestamp: file.tokenTimestamp ?? 'ms',
        sm4Key: file.sm4Key ?? null,
        sm4Mode: file.sm4Mode ?? 'ecb',
        sm4Iv: file.sm4Iv ?? null,
        sm4Output: file.sm4Output ?? 'hex',
        xmlEncoding: file.xmlEncoding ?? 'gb2312',
        template,
        network: file.network ?? 1,
        urlMode: file.urlMode ?? 'off',
        urlTimeoutSeconds: file.urlTimeoutSeconds ?? 3,
        backUrl: file.backUrl ?? '',
      };
      try {
        fujianSettings(fujianOptions(platform));
      } catch (err) {
        if (!(err instanceof FujianConfigError)) throw err;
        return { ok: false, errors: [checkLine(label, err, template?.file ?? null)] };
      }
      return { ok: true, platform, warnings: [] };
    }
  }
}
