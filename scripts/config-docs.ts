// Renders docs/configuration.md from the configuration schema itself (zod → JSON Schema),
// the hand-written meanings in config-descriptions.ts, and the engine's own rule for what
// a SIGHUP may change (keysNeedingRestart). `npm run docs` writes it; the docs test
// regenerates it and compares, so the page cannot drift from the code.

import { z } from 'zod';
import { formatBytes } from '../src/base/read-bounded-file.js';
import { MAX_SLIDE_BYTES } from '../src/base/slide-folder.js';
import { YAML_LIMITS } from '../src/config/read-yaml-file.js';
import { configFileSchema, SECRET_KEYS } from '../src/config/schema.js';
import { keysNeedingRestart } from '../src/engine/running-terminal.js';
import { TEMPLATE_MAX_BYTES } from '../src/profiles/fujian.js';
import { DESCRIPTIONS, SECTION_NOTES } from './config-descriptions.js';

type Json = Record<string, unknown>;

export interface ConfigKey {
  path: string;
  type: string;
  default: string;
  required: boolean;
  description: string | null;
  reloads: boolean;
}

function jsonSchema(): Json {
  // io: input, so defaults show and optional keys are optional; refinements and
  // transforms cannot be expressed and are left out (their rules are in the meanings).
  return z.toJSONSchema(configFileSchema, { io: 'input', unrepresentable: 'any' }) as Json;
}

function nonNull(schema: Json): { inner: Json; nullable: boolean } {
  if (Array.isArray(schema.type) && schema.type.includes('null')) {
    const rest = schema.type.filter((t) => t !== 'null');
    return { inner: { ...schema, type: rest.length === 1 ? rest[0] : rest }, nullable: true };
  }
  const anyOf = schema.anyOf as Json[] | undefined;
  if (!anyOf) return { inner: schema, nullable: false };
  const rest = anyOf.filter((s) => s.type !== 'null');
  const inner = rest.length === 1 ? { ...(rest[0] as Json) } : { anyOf: rest };
  return { inner, nullable: rest.length < anyOf.length };
}

function isSection(schema: Json): boolean {
  return nonNull(schema).inner.type === 'object' && nonNull(schema).inner.properties !== undefined;
}

function range(s: Json, unit: string): string {
  const given = s.minimum ?? s.minLength ?? s.minItems;
  // A minimum length of 0 says nothing a reader needs.
  const min = s.type !== 'integer' && s.type !== 'number' && given === 0 ? undefined : given;
  const max = s.maximum ?? s.maxLength ?? s.maxItems;
  const of = (n: unknown) => (unit ? ` ${unit}${n === 1 ? '' : 's'}` : '');
  if (min !== undefined && max !== undefined && min === max) return ` (exactly ${min}${of(min)})`;
  if (min !== undefined && max !== undefined) return ` (${min}–${max}${of(max)})`;
  if (min !== undefined) return ` (at least ${min}${of(min)})`;
  if (max !== undefined) return ` (at most ${max}${of(max)})`;
  return '';
}

function typeOf(schema: Json): string {
  const { inner: s, nullable } = nonNull(schema);
  let t: string;
  if (Array.isArray(s.enum)) t = `one of ${(s.enum as unknown[]).map((v) => `\`${String(v)}\``).join(', ')}`;
  else if (s.const !== undefined) t = `\`${String(s.const)}\``;
  else if (Array.isArray(s.anyOf)) t = (s.anyOf as Json[]).map(typeOf).join(' or ');
  else if (s.type === 'integer') t = `whole number${range(s, '')}`;
  else if (s.type === 'number') t = `number${range(s, '')}`;
  else if (s.type === 'boolean') t = 'true or false';
  else if (s.type === 'string') {
    t = `text${range(s, 'character')}`;
    if (typeof s.pattern === 'string') t += ` matching \`${s.pattern}\``;
  } else if (s.type === 'array') t = `list${range(s, 'item')} of ${typeOf((s.items as Json) ?? {})}`;
  else if (s.type === 'object') t = `map of name → ${typeOf((s.additionalProperties as Json) ?? {})}`;
  else t = 'any';
  return nullable ? `${t}, or null` : t;
}

function defaultOf(schema: Json, required: boolean, parsed: unknown): string {
  if (Object.hasOwn(schema, 'default')) return `\`${JSON.stringify(schema.default)}\``;
  if (required) return '(required)';
  // A default JSON Schema cannot carry (one behind a transform) is read from a parsed file.
  return parsed === undefined ? '(none)' : `\`${JSON.stringify(parsed)}\``;
}

function valueAt(config: unknown, path: string): unknown {
  let node = config;
  for (const name of path.split('.')) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[name];
  }
  return node;
}

const MINIMAL_FILE = { terminal: { id: 'HA-0001', areaCode: '000000' } };

/** Every leaf key of the file, in the schema's order. */
export function configKeys(): ConfigKey[] {
  const base = configFileSchema.parse(MINIMAL_FILE);
  const keys: Omit<ConfigKey, 'reloads'>[] = [];
  const walk = (schema: Json, prefix: string) => {
    const { inner } = nonNull(schema);
    const properties = (inner.properties ?? {}) as Record<string, Json>;
    const required = new Set((inner.required ?? []) as string[]);
    for (const [name, child] of Object.entries(properties)) {
      const path = prefix ? `${prefix}.${name}` : name;
      if (isSection(child)) {
        walk(child, path);
        continue;
      }
      const own = typeof child.description === 'string' ? child.description : undefined;
      keys.push({
        path,
        type: typeOf(child),
        default: defaultOf(child, required.has(name), valueAt(base, path)),
        required: required.has(name),
        description: own ?? DESCRIPTIONS[path] ?? null,
      });
    }
  };
  walk(jsonSchema(), '');
  return keys.map((key) => ({ ...key, reloads: changesOnReload(base, key.path) }));
}

/** Whether a change of this key alone takes effect on SIGHUP, by the engine's own rule. */
function changesOnReload(base: object, path: string): boolean {
  const after = structuredClone(base) as Record<string, unknown>;
  const names = path.split('.');
  let node = after;
  for (const name of names.slice(0, -1)) {
    // A section that is off (platform: null) is switched on by the change.
    if (typeof node[name] !== 'object' || node[name] === null) node[name] = {};
    node = node[name] as Record<string, unknown>;
  }
  node[names[names.length - 1] as string] = { changed: true };
  return keysNeedingRestart(base as never, after as never).length === 0;
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

export function renderConfigDocs(): string {
  const keys = configKeys();
  const sections = [...new Set(keys.map((k) => k.path.split('.')[0] as string))];
  const out: string[] = [
    '# Configuration reference — 配置参考',
    '',
    '<!-- Generated by `npm run docs` (scripts/gen-config-docs.ts) from src/config/schema.ts and',
    '     scripts/config-descriptions.ts. Do not edit by hand: test/unit/docs/configuration.test.ts fails when they differ. -->',
    '',
    'One YAML file configures a terminal (JSON is accepted too). The Electron app reads',
    '`config.yaml` in its user-data folder; `--config FILE` names another. Every key below',
    'may be left out unless it is marked required; a section may be left out or left empty.',
    'An unknown key, a wrong type, a bad value or a missing required key stops the start with',
    'one line per problem naming the key, what was found and what is expected.',
    '',
    'Secrets are never printed or logged (messages and the diagnostics screen show them masked).',
    '',
    '**SIGHUP** (`kill -HUP <pid>`) re-reads the file. A key marked *yes* in the SIGHUP column',
    'takes effect at once; a change to a key marked *restart* is reported',
    '(`warning: KEY changed; it takes effect only after a restart.`) and waits for a restart.',
    'A file with errors is not taken: one line says so, on the console and in the log with its',
    'problems (`configuration not reloaded: KEY: PROBLEM; the terminal keeps running on the',
    'previous one`), and the terminal goes on as it was.',
    '',
    ...limitsSection(),
  ];
  for (const section of sections) {
    out.push(`## \`${section}\``, '');
    const note = SECTION_NOTES[section];
    if (note) out.push(note, '');
    out.push('| key | type | default | SIGHUP | meaning |', '|---|---|---|---|---|');
    for (const key of keys.filter((k) => k.path === section || k.path.startsWith(`${section}.`))) {
      const described =
        key.description ?? '*(not yet described: add a line to scripts/config-descriptions.ts)*';
      const meaning = SECRET_KEYS.includes(key.path)
        ? `${described} **Secret:** never printed or logged.`
        : described;
      out.push(
        `| \`${key.path}\` | ${cell(key.type)} | ${cell(key.default)} | ${key.reloads ? 'yes' : 'restart'} | ${cell(meaning)} |`,
      );
    }
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

function count(n: number): string {
  return n.toLocaleString('en-US').replaceAll(',', ' ');
}

/** What a file may be, from the limits the reader enforces (so the page cannot drift from them). */
function limitsSection(): string[] {
  const l = YAML_LIMITS;
  return [
    '## What the file may be',
    '',
    'The terminal reads the configuration — and the reasons catalogue (`reasons`), the Fujian',
    'template (`platform.template`) and the notices in `ui.idleSlides` — only from a regular file:',
    'never a folder, a named pipe (FIFO), a device such as `/dev/zero`, or a link to one of them.',
    'Each file has a size limit, and the YAML files are parsed within limits that keep a reload',
    'from holding up the keypad, the API and the screens. The commented template has 52 lines',
    'and about 50 items; every limit is far above what a terminal needs.',
    '',
    '| limit | configuration and reasons catalogue |',
    '|---|---|',
    `| size | at most ${formatBytes(l.maxBytes)} |`,
    `| lines | at most ${count(l.maxLines)} (a multi-line text block counts as one) |`,
    `| keys, values and other YAML items (\`-\`, \`:\`, \`,\`, brackets, anchors \`&name\`, aliases \`*name\`, tags \`!tag\`) | at most ${count(l.maxItems)} |`,
    `| nesting | at most ${l.maxDepth} levels |`,
    `| aliases (\`*name\`) | at most ${l.maxAliases}, and none that expands to much more than it says (an "alias bomb") |`,
    '| documents | one: a second `---` (or anything after `...`) is refused |',
    '| the same key twice in one section | refused, naming the key and both lines |',
    '',
    `The Fujian template may be at most ${formatBytes(TEMPLATE_MAX_BYTES)}; a notice at most ${MAX_SLIDE_BYTES / 1024 / 1024} MB (a`,
    'notice over it, or one that is not a regular file, is left out and `doctor` says why).',
    '',
    'A file outside these limits stops the start with one line saying what it is and what to do, e.g.',
    '`config.yaml: cannot use the file (it is a named pipe (FIFO), not a regular file); check the --config path`;',
    'on SIGHUP the running terminal keeps rating on the previous configuration and prints the same',
    'line. `doctor` gives it as its `config` line.',
    '',
  ];
}

/** Keys without a meaning, and meanings for keys that no longer exist: the generator warns. */
export function descriptionGaps(): { undescribed: string[]; stale: string[] } {
  const keys = configKeys();
  const paths = new Set(keys.map((k) => k.path));
  return {
    undescribed: keys.filter((k) => k.description === null).map((k) => k.path),
    stale: Object.keys(DESCRIPTIONS).filter((p) => !paths.has(p)),
  };
}
