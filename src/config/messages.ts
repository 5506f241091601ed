// Turns what went wrong with a configuration (or reasons catalogue) file into one line
// per problem that a technician can act on: which file, which key, what was found and
// what is expected. No stack traces, no validator jargon, and never a secret's value.

import type { z } from 'zod';

// ---------------------------------------------------------------------------------
// Paths and values

/** `keypad.baudRate`, `keypad.hidKeys[2][0]`; the whole document is "the file". */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

/** The same path without list indices, as SECRET_KEYS spells keys. */
function keyOf(path: readonly PropertyKey[]): string {
  return path
    .filter((segment) => typeof segment !== 'number')
    .map(String)
    .join('.');
}

interface Lookup {
  present: boolean;
  value: unknown;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): Lookup {
  let current: unknown = input;
  for (const segment of path) {
    if (typeof current !== 'object' || current === null) return { present: false, value: undefined };
    if (!Object.hasOwn(current, segment)) return { present: false, value: undefined };
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return { present: current !== undefined, value: current };
}

const MAX_SHOWN = 40;

function shorten(textValue: string): string {
  const chars = [...textValue];
  return chars.length <= MAX_SHOWN ? textValue : `${chars.slice(0, MAX_SHOWN - 1).join('')}…`;
}

function kindOf(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return 'text';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'true/false';
    case 'object':
      return 'a set of keys';
    default:
      return typeof value;
  }
}

/** What a technician would recognise from their file: the value, shortened, and its kind. */
export function describeFound(value: unknown, secret: boolean): string {
  if (value === null || value === undefined) return 'nothing';
  if (secret) return `${kindOf(value)} (not shown: it is a secret)`;
  if (typeof value === 'string')
    return value === '' ? '"" (empty text)' : `${JSON.stringify(shorten(value))} (text)`;
  if (typeof value === 'number') return `${String(value)} (number)`;
  if (typeof value === 'boolean') return `${String(value)} (true/false)`;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[] (an empty list)';
    const shown = value.map((item) =>
      typeof item === 'object' && item !== null && !Array.isArray(item) ? '{…}' : item,
    );
    return `${shorten(JSON.stringify(shown).replaceAll(',', ', '))} (a list)`;
  }
  if (typeof value === 'object') {
    // Only key names: the values beneath may hold a secret.
    const keys = Object.keys(value);
    return keys.length === 0 ? '{} (no keys)' : `a set of keys (${shorten(keys.join(', '))})`;
  }
  return shorten(String(value));
}

// ---------------------------------------------------------------------------------
// Known keys, read from the schema itself so the list can never fall out of date

interface SchemaView {
  _zod: {
    def: {
      type: string;
      innerType?: SchemaView;
      in?: SchemaView;
      out?: SchemaView;
      element?: SchemaView;
      shape?: Record<string, SchemaView>;
    };
  };
}

function unwrap(schema: SchemaView): SchemaView {
  let current = schema;
  for (let depth = 0; depth < 20; depth += 1) {
    const def = current._zod.def;
    if (def.innerType !== undefined) current = def.innerType;
    else if (def.type === 'pipe' && def.in !== undefined && def.out !== undefined)
      // z.preprocess puts a transform first; .transform() puts it last.
      current = def.in._zod.def.type === 'transform' ? def.out : def.in;
    else return current;
  }
  return current;
}

function shapeAt(schema: z.core.$ZodType, path: readonly PropertyKey[]): Record<string, SchemaView> | null {
  let current = unwrap(schema as unknown as SchemaView);
  for (const segment of path) {
    const def = current._zod.def;
    if (typeof segment === 'number' && def.type === 'array' && def.element !== undefined) {
      current = unwrap(def.element);
      continue;
    }
    const next = def.type === 'object' ? def.shape?.[String(segment)] : undefined;
    if (next === undefined) return null;
    current = unwrap(next);
  }
  const def = current._zod.def;
  return def.type === 'object' && def.shape !== undefined ? def.shape : null;
}

/** Every section path (without indices) that knows `key`, for "it belongs in …". */
function sectionsKnowing(schema: z.core.$ZodType, key: string): string[] {
  const found: string[] = [];
  const visit = (path: string[], depth: number): void => {
    const shape = shapeAt(schema, path);
    if (shape === null || depth > 4) return;
    for (const name of Object.keys(shape)) {
      if (name === key && path.length > 0) found.push(path.join('.'));
      visit([...path, name], depth + 1);
    }
  };
  visit([], 0);
  return found;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

function closest(key: string, known: readonly string[]): string | null {
  // Any one-letter key is one edit from any other: no useful guess there.
  if (key.length < 3) return null;
  let best: string | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const distance =
      candidate.toLowerCase() === key.toLowerCase()
        ? 0
        : editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (bestDistance <= Math.max(1, Math.floor(key.length / 3))) return best;
  return sharedStart(key, known);
}

/**
 * A key written out where the schema abbreviates it, or the other way round
 * (windowNumber for windowNo), is many edits away but starts the same: take the one
 * known key sharing most of the shorter name's start.
 */
function sharedStart(key: string, known: readonly string[]): string | null {
  const lower = key.toLowerCase();
  let best: string | null = null;
  let bestLength = 0;
  let tie = false;
  for (const candidate of known) {
    const other = candidate.toLowerCase();
    let n = 0;
    while (n < lower.length && n < other.length && lower[n] === other[n]) n++;
    if (n < 4 || n < 0.6 * Math.min(lower.length, other.length)) continue;
    if (n > bestLength) {
      best = candidate;
      bestLength = n;
      tie = false;
    } else if (n === bestLength) tie = true;
  }
  return tie ? null : best;
}

// ---------------------------------------------------------------------------------
// Validation issues

export interface IssueSource {
  /** The file as the technician named it; every line starts with it. */
  file: string;
  /** The parsed document, to show what was found at a key. */
  input: unknown;
  /** The schema the document was checked against, to list the known keys. */
  schema: z.core.$ZodType;
  /** Dotted keys whose values must never be shown. */
  secretKeys: readonly string[];
}

/** Custom issues carrying this param read "KEY is missing; MESSAGE". */
function isMissingIssue(issue: z.core.$ZodIssue): boolean {
  return issue.code === 'custom' && issue.params?.missing === true;
}

function unknownKeyLines(issue: z.core.$ZodIssueUnrecognizedKeys, source: IssueSource): string[] {
  const shape = shapeAt(source.schema, issue.path);
  const known = shape === null ? [] : Object.keys(shape);
  const where = issue.path.length === 0 ? 'known keys' : `known keys in ${formatPath(issue.path)}`;
  return issue.keys.map((key) => {
    let line = `${formatPath([...issue.path, key])} is not a known key`;
    if (known.length > 0) line += ` (${where}: ${known.join(', ')})`;
    const elsewhere = sectionsKnowing(source.schema, key).filter((section) => section !== keyOf(issue.path));
    const suggestion = closest(key, known);
    if (suggestion !== null && suggestion !== key)
      line += `; check the spelling (did you mean ${suggestion}?)`;
    else if (elsewhere.length > 0)
      line += `; check the indentation: ${key} belongs in ${elsewhere.join(' or ')}`;
    else line += '; check the spelling';
    return line;
  });
}

function issueText(issue: z.core.$ZodIssue, source: IssueSource): string[] {
  if (issue.code === 'unrecognized_keys') return unknownKeyLines(issue, source);
  const key = formatPath(issue.path);
  const found = valueAt(source.input, issue.path);
  if (isMissingIssue(issue)) return [`${key} is missing; ${issue.message}`];
  if (issue.code === 'custom' && issue.params?.keyLine === true) return [`${key} ${issue.message}`];
  if (!found.present && issue.path.length > 0)
    return [`${key} is missing; it is required (${issue.message})`];
  const secret = source.secretKeys.includes(keyOf(issue.path));
  const subject = issue.path.length === 0 ? 'the file holds' : `${key}: found`;
  return [
    `${subject} ${describeFound(found.value, secret)}, expected ${issue.message}${sectionHint(issue, source)}`,
  ];
}

/** A section given a lone value: show the keys that belong under it. */
function sectionHint(issue: z.core.$ZodIssue, source: IssueSource): string {
  if (issue.code !== 'invalid_type' || issue.expected !== 'object' || issue.path.length === 0) return '';
  const shape = shapeAt(source.schema, issue.path);
  if (shape === null) return '';
  return ` (${Object.keys(shape).join(', ')}), each on its own indented line under ${formatPath(issue.path)}:`;
}

/** One line per problem, each starting with the file name. */
export function issueLines(issues: readonly z.core.$ZodIssue[], source: IssueSource): string[] {
  return issues
    .flatMap((issue) => issueText(issue, source))
    .map((line) => oneLine(`${source.file}: ${line}`));
}

const EXPECTED_TYPE: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a set of keys',
  null: 'nothing',
};

function plural(count: number | bigint, one: string, many: string): string {
  return `${String(count)} ${count === 1 || count === 1n ? one : many}`;
}

function sizeWord(origin: string, count: number | bigint): string {
  if (origin === 'string') return plural(count, 'character', 'characters');
  if (origin === 'array' || origin === 'set') return plural(count, 'item', 'items');
  return String(count);
}

/**
 * The "expected …" phrase for an issue whose schema did not say one itself. Given to
 * safeParse as its error map, so no validator wording ever reaches a technician.
 */
export function plainErrorMap(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return EXPECTED_TYPE[issue.expected] ?? 'a value of another kind';
    case 'invalid_value':
      return `one of ${issue.values.map(String).join(', ')}`;
    case 'too_small':
      if (issue.origin === 'string' && issue.minimum === 1) return 'text that is not empty';
      return `${issue.origin === 'string' ? 'text' : issue.origin === 'array' ? 'a list' : 'a number'} of ${
        issue.exact ? 'exactly' : 'at least'
      } ${sizeWord(issue.origin, issue.minimum)}`;
    case 'too_big':
      return `${issue.origin === 'string' ? 'text' : issue.origin === 'array' ? 'a list' : 'a number'} of ${
        issue.exact ? 'exactly' : 'at most'
      } ${sizeWord(issue.origin, issue.maximum)}`;
    case 'not_multiple_of':
      return `a multiple of ${String(issue.divisor)}`;
    case 'unrecognized_keys':
      return 'only known keys';
    default:
      return 'a valid value';
  }
}

// ---------------------------------------------------------------------------------
// Reading and parsing

function oneLine(textValue: string): string {
  return textValue.replace(/\s*[\r\n]+\s*/g, ' ');
}

export interface YamlProblem {
  message: string;
  linePos?: readonly { line: number; col: number }[] | undefined;
}

/** The yaml package's reason without its location suffix and source excerpt (which could show a secret). */
function yamlReason(message: string): string {
  const first = message.split('\n')[0] ?? message;
  return first.replace(/ at line \d+, column \d+:?\s*$/, '').trim();
}

function yamlLocation(problem: YamlProblem): string {
  const start = problem.linePos?.[0];
  return start === undefined ? '' : `line ${start.line}, column ${start.col}: `;
}

export function yamlErrorLine(file: string, problem: YamlProblem): string {
  return oneLine(
    `${file}: ${yamlLocation(problem)}the file is not valid YAML (${yamlReason(problem.message)}); ` +
      'fix the indentation or quoting there',
  );
}

export function yamlWarningLine(file: string, problem: YamlProblem): string {
  return oneLine(`${file}: ${yamlLocation(problem)}${yamlReason(problem.message)}; check that spot`);
}

/**
 * `hint` says where the path came from (e.g. "check the --config path"); it is given
 * when the path itself is wrong, not when the file's permissions are.
 */
export function readErrorLine(file: string, error: unknown, hint: string): string {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  switch (code) {
    case 'ENOENT':
      return oneLine(`${file}: cannot read the file (it does not exist); ${hint}`);
    case 'ENOTDIR':
      return oneLine(`${file}: cannot read the file (a part of the path is not a folder); ${hint}`);
    case 'EISDIR':
      return oneLine(`${file}: cannot read the file (it is a directory, not a file); ${hint}`);
    case 'EACCES':
    case 'EPERM':
      return oneLine(
        `${file}: cannot read the file (permission denied); let the user the terminal runs as read it`,
      );
    default:
      return oneLine(
        `${file}: cannot read the file (${typeof code === 'string' ? code : 'unknown error'}); ${hint}`,
      );
  }
}

export function notUtf8Line(file: string): string {
  return `${file}: the file is not UTF-8 text; save it as UTF-8 (e.g. in Notepad: Save As, Encoding UTF-8)`;
}

export function emptyFileLine(file: string, required: string): string {
  return oneLine(`${file}: the file is empty; ${required}`);
}

/** For a document that is a list or a lone value instead of `key: value` lines. */
export function notKeysLine(file: string, value: unknown, example: string): string {
  return oneLine(`${file}: the file holds ${describeFound(value, false)}, expected keys such as ${example}`);
}

/** Last resort for a failure nobody foresaw: still one line, still names the file. */
export function unexpectedLine(file: string, error: unknown): string {
  const reason = error instanceof Error ? error.message : String(error);
  return oneLine(`${file}: cannot be loaded (${shorten(reason)})`);
}
