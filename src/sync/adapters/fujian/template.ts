// The evaluation document of the Fujian profile: an XML template with {{name}}
// placeholders, filled per rating (every value XML-escaped), declared and encoded in
// GB2312 (GBK bytes, as Windows writes them) or UTF-8. The built-in template follows the
// contract; a deployment may give its own to rename or add elements.

import { XMLValidator } from 'fast-xml-parser';
import { encodeGbkXml } from '../../crypto/index.js';

export const PLACEHOLDERS = [
  'sysNo',
  'transactionId',
  'taskCode',
  'taskName',
  'taskHandleItem',
  'proStatus',
  'nodeName',
  'regionCode',
  'acceptDate',
  'serviceTime',
  'deptCode',
  'deptName',
  'clerkName',
  'clerkNo',
  'channel',
  'satisfaction',
  'assessTime',
  'evalDetail',
  'writingEvaluation',
  'terminalId',
  'windowNo',
  'userProp',
  'userName',
  'userPageType',
  'certKey',
  'mobile',
] as const;

export type Placeholder = (typeof PLACEHOLDERS)[number];
export type TemplateValues = Record<Placeholder, string>;
export type XmlEncoding = 'gb2312' | 'utf-8';

/** The contract's evaluation document, without its declaration (added per encoding). */
export const BUILT_IN_TEMPLATE = `<Case>
  <sysNO>{{sysNo}}</sysNO>
  <projectNo>{{transactionId}}</projectNo>
  <businessCode>{{taskCode}}</businessCode>
  <businessName>{{taskName}}</businessName>
  <projectName>{{taskName}}</projectName>
  <proStatus>{{proStatus}}</proStatus>
  <nodeName>{{nodeName}}</nodeName>
  <regionCode>{{regionCode}}</regionCode>
  <acceptDate>{{acceptDate}}</acceptDate>
  <serviceTime>{{serviceTime}}</serviceTime>
  <deptCode>{{deptCode}}</deptCode>
  <deptName>{{deptName}}</deptName>
  <userProp>{{userProp}}</userProp><userName>{{userName}}</userName><userPageType>{{userPageType}}</userPageType><certKey>{{certKey}}</certKey><contactMobile>{{mobile}}</contactMobile>
  <handleUserName>{{clerkName}}</handleUserName>
  <handleUserNo>{{clerkNo}}</handleUserNo>
  <evaluateType>1</evaluateType>
  <pf>{{channel}}</pf>
  <evaluateLevel>{{satisfaction}}</evaluateLevel>
  <evaluateTime>{{assessTime}}</evaluateTime>
  <appraisald>{{evalDetail}}</appraisald>
  <writingevalua>{{writingEvaluation}}</writingevalua>
  <customFields>{{terminalId}},{{windowNo}}</customFields>
</Case>
`;

export class TemplateError extends Error {}

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const DECLARATION = /^\uFEFF?\s*<\?xml[^?]*\?>\s*/;

export interface Template {
  /** Fills the template; values are escaped here. */
  render(values: TemplateValues): Buffer;
}

/**
 * Checks a template once, at start: every placeholder known, well-formed XML once
 * filled, no DOCTYPE. Its own declaration, if any, is replaced by one matching
 * `encoding`.
 */
export function compileTemplate(text: string, encoding: XmlEncoding): Template {
  const body = text.replace(DECLARATION, '');
  const known = new Set<string>(PLACEHOLDERS);
  for (const m of body.matchAll(PLACEHOLDER)) {
    const name = m[1] ?? '';
    if (!known.has(name)) throw new TemplateError(`unknown placeholder {{${name}}}`);
  }
  if (/<!DOCTYPE|<!ENTITY/i.test(body))
    throw new TemplateError('a template may not declare a DOCTYPE or entities');
  const sample = body.replace(PLACEHOLDER, 'x');
  const valid = XMLValidator.validate(sample);
  if (valid !== true)
    throw new TemplateError(`not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
  const declaration = xmlDeclaration(encoding);
  return {
    render(values) {
      const xml =
        declaration + body.replace(PLACEHOLDER, (_m, name: string) => escapeXml(values[name as Placeholder]));
      return encodeDocument(xml, encoding);
    },
  };
}

/** The XML declaration for an encoding. */
export function xmlDeclaration(encoding: XmlEncoding): string {
  return `<?xml version="1.0" encoding="${encoding === 'gb2312' ? 'GB2312' : 'UTF-8'}"?>\n`;
}

/** Text → bytes: GBK (characters GBK lacks as character references) or UTF-8. */
export function encodeDocument(xml: string, encoding: XmlEncoding): Buffer {
  return encoding === 'gb2312' ? encodeGbkXml(xml) : Buffer.from(xml, 'utf8');
}

export function escapeXml(text: string): string {
  return (
    text
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
      // Characters XML 1.0 forbids (control codes) cannot be sent; they are dropped.
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to match them
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
  );
}
