// Reads a YAML (or JSON) file a technician wrote, turning every way that can fail
// into one actionable line. Shared by the configuration and the reasons catalogue.

import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { notUtf8Line, readErrorLine, unexpectedLine, yamlErrorLine, yamlWarningLine } from './messages.js';

export type YamlFileResult =
  | {
      ok: true;
      /** The document as plain data; undefined when the file holds nothing but blanks or comments. */
      value: unknown;
      warnings: string[];
    }
  | { ok: false; errors: string[] };

function decodeUtf8(bytes: Uint8Array): string | null {
  // Windows tools often save UTF-16 with a byte-order mark; it decodes as garbage, not an error.
  if (
    bytes.length >= 2 &&
    ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
  ) {
    return null;
  }
  try {
    // The decoder drops a UTF-8 byte-order mark, which Notepad likes to write.
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/**
 * `label` starts every message (the path as the technician gave it); `hint` says what
 * to check when the path is wrong.
 */
export function readYamlFile(path: string, label: string, hint: string): YamlFileResult {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    return { ok: false, errors: [readErrorLine(label, error, hint)] };
  }
  const text = decodeUtf8(bytes);
  if (text === null) return { ok: false, errors: [notUtf8Line(label)] };
  if (text.trim() === '') return { ok: true, value: undefined, warnings: [] };

  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const [firstError] = doc.errors;
  // Later errors are usually echoes of the first; fixing it is what the technician needs.
  if (firstError !== undefined) return { ok: false, errors: [yamlErrorLine(label, firstError)] };
  const warnings = doc.warnings.map((warning) => yamlWarningLine(label, warning));
  if (doc.contents === null) return { ok: true, value: undefined, warnings };
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: 100 }) as unknown, warnings };
  } catch (error) {
    // Unresolvable aliases and alias bombs surface only here.
    if (error instanceof Error)
      return { ok: false, errors: [yamlErrorLine(label, { message: error.message })] };
    return { ok: false, errors: [unexpectedLine(label, error)] };
  }
}
