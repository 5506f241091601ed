// Reads a YAML (or JSON) file a technician wrote, turning every way that can fail
// into one actionable line. Shared by the configuration, the reasons catalogue and the
// hall console's configuration.
//
// The file is hostile until parsed: it is read only as a regular file of at most
// YAML_LIMITS.maxBytes (read-bounded-file.ts), and parsed with limits that keep the
// work linear and small, because a reload runs on the thread that also serves the
// keypad, the API and the screens. The yaml package is driven token by token so that
// each limit stops the parse where it is crossed, before the expensive steps: its
// duplicate-key check compares every key with every other one of its map (80 000 keys
// froze a terminal for 71 s), so it is off and replaced by a linear one here; nesting
// is bounded before the recursive composer sees it; aliases are few, and their
// expansion is capped (an alias bomb).

import {
  Composer,
  CST,
  type Document,
  isCollection,
  isMap,
  isPair,
  isScalar,
  Lexer,
  LineCounter,
  Parser,
  type Scalar,
  type YAMLError,
} from 'yaml';
import { fileReadProblem, RefusedFileError, readBoundedFileSync } from '../base/read-bounded-file.js';
import { notUtf8Line, readErrorLine, unexpectedLine, yamlErrorLine, yamlWarningLine } from './messages.js';

export type YamlFileResult =
  | {
      ok: true;
      /** The document as plain data; undefined when the file holds nothing but blanks or comments. */
      value: unknown;
      warnings: string[];
    }
  | { ok: false; errors: string[] };

/**
 * What one file may hold. A terminal's configuration is a page or two (the commented
 * template: 52 lines, about 100 items); the national reasons catalogue is 3 KiB. Each
 * limit is far above that and far below what takes the terminal noticeable time.
 */
export const YAML_LIMITS = {
  maxBytes: 1024 * 1024,
  /** Lines of the file's structure (a block scalar's lines are one value). */
  maxLines: 20_000,
  /** Keys, values and the other YAML items: - : , [ ] { } anchors, aliases, tags. */
  maxItems: 10_000,
  /** Levels of nesting, the value at the bottom included. */
  maxDepth: 32,
  /** Aliases (*name) in the file. */
  maxAliases: 100,
  /** What the aliases may expand to, in yaml's own count (its default). */
  maxAliasCount: 100,
} as const;

export type YamlLimits = { [K in keyof typeof YAML_LIMITS]: number };

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
 * The line for a file that could not be read: the system's reasons as before, and the
 * files the terminal refuses to read (not a regular file, too big) by what they are.
 */
export function fileProblemLine(label: string, error: unknown, hint: string): string {
  if (error instanceof RefusedFileError && error.code !== 'EISDIR')
    return `${label}: cannot use the file (${fileReadProblem(error)}); ${hint}`;
  return readErrorLine(label, error, hint);
}

/** A parse stopped at a limit: the line to show. */
class LimitCrossed extends Error {}

function thousands(n: number): string {
  return n.toLocaleString('en-US').replaceAll(',', ' ');
}

function where(lines: LineCounter, offset: number): string {
  const { line, col } = lines.linePos(offset);
  return `line ${line}, column ${col}: `;
}

// What counts as an item: everything but blanks, line ends, comments and the markers
// the lexer adds itself (the text after a scalar marker is its scalar, counted once).
const NOT_ITEMS: ReadonlySet<string> = new Set([
  'space',
  'newline',
  'comment',
  'doc-mode',
  'byte-order-mark',
]);
const MARKERS: ReadonlySet<string | null> = new Set(['scalar', 'doc-mode', 'flow-error-end']);

/**
 * The file's CST, lexed and parsed one token at a time so that a limit stops the work
 * where it is crossed; throws LimitCrossed with the technician's line.
 */
function boundedTokens(
  text: string,
  label: string,
  hint: string,
  lines: LineCounter,
  limits: YamlLimits,
): CST.Token[] {
  const parser = new Parser(lines.addNewLine);
  // Parser.parse() marks the start of the first line; driven by next(), that is ours to do.
  lines.addNewLine(0);
  const tokens: CST.Token[] = [];
  let newlines = 0;
  let items = 0;
  let aliases = 0;
  let documents = 0;
  let offset = 0;
  let scalarText = false;
  const take = (token: CST.Token) => {
    if (token.type === 'document' && ++documents > 1) {
      throw new LimitCrossed(
        `${label}: ${where(lines, token.offset)}a second YAML document starts here; the file must hold one: remove this line (---) or what follows it`,
      );
    }
    tokens.push(token);
  };
  for (const lexeme of new Lexer().lex(text)) {
    // The text after a scalar marker is that scalar's, whatever it starts with.
    const type: string | null = scalarText ? 'scalar-text' : CST.tokenType(lexeme);
    scalarText = type === 'scalar';
    if (type === 'newline' && ++newlines > limits.maxLines) {
      throw new LimitCrossed(
        `${label}: the file has more than ${thousands(limits.maxLines)} lines, more than the terminal reads from one file; ${hint}`,
      );
    }
    if (type !== 'scalar-text' && (type === null || !NOT_ITEMS.has(type)) && ++items > limits.maxItems) {
      throw new LimitCrossed(
        `${label}: the file holds more than ${thousands(limits.maxItems)} keys, values and other YAML items, more than the terminal reads from one file; ${hint}`,
      );
    }
    if (type === 'alias' && ++aliases > limits.maxAliases) {
      throw new LimitCrossed(
        `${label}: ${where(lines, offset)}the file has more than ${limits.maxAliases} aliases (*name); write the values out instead of referring to them`,
      );
    }
    for (const token of parser.next(lexeme)) take(token);
    // The parser's stack is the nesting at this point: the document, each collection, a value.
    if (parser.stack.length > limits.maxDepth + 1) {
      const top = parser.stack[parser.stack.length - 1];
      throw new LimitCrossed(
        `${label}: ${where(lines, top?.offset ?? offset)}the file nests more than ${limits.maxDepth} levels deep here; check the indentation and the brackets there`,
      );
    }
    // The markers the lexer adds itself are not in the text.
    if (!MARKERS.has(type)) offset += lexeme.length;
  }
  for (const token of parser.end()) take(token);
  return tokens;
}

function problemOf(error: YAMLError, lines: LineCounter) {
  return { message: error.message, linePos: [lines.linePos(error.pos[0])] };
}

function keyName(key: unknown): string {
  return isScalar(key) ? String(key.value) : '(a key that is not plain text)';
}

/**
 * A key written twice in one map, found in one pass with a set per map (yaml's own
 * check compares every key with every other). Keys are equal as yaml's are: scalars of
 * the same value. Returns the line for the first one found, or null. Recursive: the
 * nesting is already bounded by YAML_LIMITS.maxDepth.
 */
function duplicateKeyLine(doc: Document, label: string, lines: LineCounter): string | null {
  const path: string[] = [];
  const inside = (segment: string, node: unknown): string | null => {
    path.push(segment);
    const found = visit(node);
    path.pop();
    return found;
  };
  const visit = (node: unknown): string | null => {
    if (isMap(node)) {
      const seen = new Map<unknown, Scalar>();
      for (const { key } of node.items) {
        if (!isScalar(key)) continue;
        const first = seen.get(key.value);
        if (first === undefined) {
          seen.set(key.value, key);
          continue;
        }
        const name = [...path, keyName(key)].reduce((out, segment) =>
          segment.startsWith('[') ? out + segment : `${out}.${segment}`,
        );
        const firstLine = lines.linePos(first.range?.[0] ?? 0).line;
        return `${label}: ${where(lines, key.range?.[0] ?? 0)}${name} is written twice (first at line ${firstLine}); keep one of them`;
      }
    }
    if (!isCollection(node)) return null;
    for (const [index, item] of node.items.entries()) {
      const found = isPair(item)
        ? (visit(item.key) ?? inside(keyName(item.key), item.value))
        : inside(`[${index}]`, item);
      if (found !== null) return found;
    }
    return null;
  };
  return visit(doc.contents);
}

/**
 * `label` starts every message (the path as the technician gave it); `hint` says what
 * to check when the path is wrong.
 */
export function readYamlFile(
  path: string,
  label: string,
  hint: string,
  limits: YamlLimits = YAML_LIMITS,
): YamlFileResult {
  let bytes: Uint8Array;
  try {
    bytes = readBoundedFileSync(path, { maxBytes: limits.maxBytes }).bytes;
  } catch (error) {
    return { ok: false, errors: [fileProblemLine(label, error, hint)] };
  }
  const text = decodeUtf8(bytes);
  if (text === null) return { ok: false, errors: [notUtf8Line(label)] };
  if (text.trim() === '') return { ok: true, value: undefined, warnings: [] };

  const lines = new LineCounter();
  let doc: Document.Parsed;
  try {
    const tokens = boundedTokens(text, label, hint, lines, limits);
    // uniqueKeys off: duplicateKeyLine does that check in linear time.
    const [first] = new Composer({ uniqueKeys: false }).compose(tokens, true, text.length);
    if (first === undefined) return { ok: true, value: undefined, warnings: [] };
    doc = first;
  } catch (error) {
    if (error instanceof LimitCrossed) return { ok: false, errors: [error.message] };
    throw error;
  }
  const [firstError] = doc.errors;
  // Later errors are usually echoes of the first; fixing it is what the technician needs.
  if (firstError !== undefined)
    return { ok: false, errors: [yamlErrorLine(label, problemOf(firstError, lines))] };
  const duplicate = duplicateKeyLine(doc, label, lines);
  if (duplicate !== null) return { ok: false, errors: [duplicate] };
  const warnings = doc.warnings.map((warning) => yamlWarningLine(label, problemOf(warning, lines)));
  if (doc.contents === null) return { ok: true, value: undefined, warnings };
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: limits.maxAliasCount }) as unknown, warnings };
  } catch (error) {
    // Unresolvable aliases and alias bombs surface only here.
    if (error instanceof ReferenceError && /resource exhaustion/.test(error.message)) {
      return {
        ok: false,
        errors: [
          `${label}: the aliases (*name) in the file expand to too much data; write the values out instead of referring to them`,
        ],
      };
    }
    if (error instanceof Error)
      return { ok: false, errors: [yamlErrorLine(label, { message: error.message })] };
    return { ok: false, errors: [unexpectedLine(label, error)] };
  }
}
