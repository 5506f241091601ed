// The SOAP layer of the Fujian gateway: the call envelope, and the reading of its
// answer — a SOAP envelope whose <return> holds an XML document as escaped text,
// <Case><code/><msg/><data/></Case>. The answer is input like any other: it is
// validated before it is parsed, a DOCTYPE (entity expansion) is refused outright, and
// bytes that are not the declared charset are refused, never guessed.

import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { decodeGbkStrict, GbkDecodeError } from '../../crypto/index.js';
import { escapeXml } from './template.js';

const SOAP_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
const WEB_NS = 'http://webServiceInterface.cms.linewell.com';

export function soapEnvelope(method: string, token: string, appKey: string, cipher: string): Buffer {
  const xml =
    `<soapenv:Envelope xmlns:soapenv="${SOAP_NS}" xmlns:web="${WEB_NS}">` +
    `<soapenv:Header><Authorization>Basic ${escapeXml(token)}</Authorization></soapenv:Header>` +
    `<soapenv:Body><web:${method}><appKey>${escapeXml(appKey)}</appKey><xmlStr>${cipher}</xmlStr></web:${method}>` +
    '</soapenv:Body></soapenv:Envelope>';
  return Buffer.from(xml, 'utf8');
}

/** A <Case> answer: code and msg as text, data as parsed (elements by name). */
export interface CaseAnswer {
  code: string;
  msg: string;
  data: unknown;
}

export type SoapAnswer =
  | { kind: 'case'; answer: CaseAnswer }
  | { kind: 'fault'; message: string }
  | { kind: 'bad'; why: string };

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

/** Text of the body in its declared charset (Content-Type, else the XML declaration). */
export function decodeBody(body: Buffer, contentType: string | undefined): string | { why: string } {
  const head = body.subarray(0, 200).toString('latin1');
  const declared =
    /charset\s*=\s*"?([\w-]+)/i.exec(contentType ?? '')?.[1] ??
    /<\?xml[^>]*encoding\s*=\s*["']([\w-]+)/i.exec(head)?.[1] ??
    'utf-8';
  const charset = declared.toLowerCase();
  try {
    if (charset === 'gbk' || charset === 'gb2312' || charset === 'gb18030') return decodeGbkStrict(body);
    if (charset === 'utf-8' || charset === 'utf8')
      return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch (err) {
    return {
      why: err instanceof GbkDecodeError ? 'the answer is not valid GBK' : 'the answer is not valid UTF-8',
    };
  }
  return { why: `the answer is in an unknown charset ${declared}` };
}

/**
 * Whether a body is an XML document (a SOAP answer or fault, the gateway's own): the
 * gateway's words. A 4xx whose body is neither this nor JSON came from something on
 * the way. Entity declarations are not looked into, only refused.
 */
export function isXmlBody(body: Buffer): boolean {
  const text = body
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trim();
  return text.startsWith('<') && !/<!DOCTYPE|<!ENTITY/i.test(text) && XMLValidator.validate(text) === true;
}

function parseXml(text: string): Record<string, unknown> | null {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) return null;
  if (XMLValidator.validate(text) !== true) return null;
  const parsed = parser.parse(text) as unknown;
  return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : null;
}

function child(node: unknown, name: string): unknown {
  return typeof node === 'object' && node !== null && !Array.isArray(node)
    ? (node as Record<string, unknown>)[name]
    : undefined;
}

function text(node: unknown): string | null {
  if (typeof node === 'string') return node;
  if (node === undefined || node === null) return '';
  return null;
}

/** What a SOAP answer to a call says. */
export function readSoapAnswer(bodyText: string): SoapAnswer {
  const doc = parseXml(bodyText);
  if (doc === null) return { kind: 'bad', why: 'the answer is not well-formed XML (or declares entities)' };
  const body = child(child(doc, 'Envelope'), 'Body');
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { kind: 'bad', why: 'no SOAP Body' };
  const fault = child(body, 'Fault');
  if (fault !== undefined) {
    const why = text(child(fault, 'faultstring'));
    return { kind: 'fault', message: `SOAP fault${why ? `: ${why.slice(0, 300)}` : ''}` };
  }
  const responses = Object.values(body as Record<string, unknown>);
  if (responses.length !== 1) return { kind: 'bad', why: 'the SOAP Body does not hold one answer' };
  const inner = text(child(responses[0], 'return'));
  if (inner === null || inner === '') return { kind: 'bad', why: 'no <return> text' };
  const caseDoc = parseXml(inner);
  const kase = child(caseDoc, 'Case');
  if (caseDoc === null || typeof kase !== 'object' || kase === null || Array.isArray(kase)) {
    return { kind: 'bad', why: '<return> is not a <Case> document' };
  }
  const code = text(child(kase, 'code'));
  const msg = text(child(kase, 'msg'));
  if (code === null || msg === null || code === '') return { kind: 'bad', why: '<Case> without a code' };
  return { kind: 'case', answer: { code, msg, data: child(kase, 'data') } };
}
