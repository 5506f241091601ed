// `platform.*` of the Fujian profile, resolved (src/profiles/fujian.ts fills the
// defaults) and checked once at start with the key named in every message.

import { createHash } from 'node:crypto';
import { parseSm4Key, Sm4KeyError, type Sm4Mode } from '../../crypto/index.js';
import {
  BUILT_IN_TEMPLATE,
  compileTemplate,
  type Template,
  TemplateError,
  type XmlEncoding,
} from './template.js';

export interface FujianOptions {
  /** The gateway's base address, e.g. https://gateway.example/api-gateway/gateway. */
  url: string;
  tokenPath: string;
  servicePath: string;
  appKey: string;
  /** Secret. */
  appCode: string;
  /** sysNO, assigned by the province. */
  sysNo: string;
  /** The token request's timestamp unit. */
  tokenTimestamp: 'ms' | 's';
  /** 32 hex digits; default the 16 bytes of MD5(UTF-8 appCode). */
  sm4Key?: string;
  sm4Mode: Sm4Mode;
  /** 32 hex digits; required with cbc. */
  sm4Iv?: string;
  /** hex is lowercase. */
  sm4Output: 'hex' | 'base64';
  /** gb2312: GBK bytes under a GB2312 declaration. */
  xmlEncoding: XmlEncoding;
  /** The text of the deployment's own template; default the built-in one. */
  template?: string;
}

export interface FujianSettings {
  url: string;
  tokenPath: string;
  servicePath: string;
  appKey: string;
  appCode: string;
  sysNo: string;
  tokenTimestamp: 'ms' | 's';
  sm4Key: Buffer;
  sm4Mode: Sm4Mode;
  sm4Iv: Buffer | null;
  sm4Output: 'hex' | 'base64';
  xmlEncoding: XmlEncoding;
  template: Template;
}

export class FujianConfigError extends Error {}

export function fujianSettings(o: FujianOptions): FujianSettings {
  const bad = (key: string, why: string) => new FujianConfigError(`platform.${key}: ${why}`);
  let url: URL;
  try {
    url = new URL(o.url);
  } catch {
    throw bad('url', `not an address: ${o.url}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw bad('url', 'must be http:// or https://');
  for (const key of ['appKey', 'appCode', 'sysNo'] as const) {
    if (typeof o[key] !== 'string' || o[key].trim() === '') throw bad(key, 'required');
  }
  const path = (key: 'tokenPath' | 'servicePath') => {
    const p = o[key];
    if (!/^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/.test(p)) throw bad(key, 'a path starting with /');
    return p.replace(/\/+$/, '');
  };
  const tokenTimestamp = o.tokenTimestamp;
  if (tokenTimestamp !== 'ms' && tokenTimestamp !== 's') throw bad('tokenTimestamp', 'ms or s');
  const sm4Mode = o.sm4Mode;
  if (sm4Mode !== 'ecb' && sm4Mode !== 'cbc') throw bad('sm4Mode', 'ecb or cbc');
  const hexKey = (key: 'sm4Key' | 'sm4Iv', value: string) => {
    try {
      return parseSm4Key(value, `a 16-byte value`);
    } catch (err) {
      throw bad(
        key,
        err instanceof Sm4KeyError ? err.message.replace(/^a 16-byte value: /, '') : String(err),
      );
    }
  };
  const sm4Key =
    o.sm4Key === undefined
      ? createHash('md5').update(o.appCode, 'utf8').digest()
      : hexKey('sm4Key', o.sm4Key);
  let sm4Iv: Buffer | null = null;
  if (sm4Mode === 'cbc') {
    if (o.sm4Iv === undefined) throw bad('sm4Iv', 'required with sm4Mode cbc');
    sm4Iv = hexKey('sm4Iv', o.sm4Iv);
  }
  const sm4Output = o.sm4Output;
  if (sm4Output !== 'hex' && sm4Output !== 'base64') throw bad('sm4Output', 'hex or base64');
  const xmlEncoding = o.xmlEncoding;
  if (xmlEncoding !== 'gb2312' && xmlEncoding !== 'utf-8') throw bad('xmlEncoding', 'gb2312 or utf-8');
  let template: Template;
  try {
    template = compileTemplate(o.template ?? BUILT_IN_TEMPLATE, xmlEncoding);
  } catch (err) {
    throw bad('template', err instanceof TemplateError ? err.message : String(err));
  }
  return {
    url: url.href.replace(/\/+$/, ''),
    tokenPath: path('tokenPath'),
    servicePath: path('servicePath'),
    appKey: o.appKey,
    appCode: o.appCode,
    sysNo: o.sysNo,
    tokenTimestamp,
    sm4Key,
    sm4Mode,
    sm4Iv,
    sm4Output,
    xmlEncoding,
    template,
  };
}
