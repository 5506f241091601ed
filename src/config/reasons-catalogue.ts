// Loads the reasons catalogue a 差评 offers (the built-in one, or a hall's own file
// named by `reasons:`), checked so that what reaches the screen fits it and what
// reaches the platform as evalDetail is a clean code.

import { join } from 'node:path';
import { z } from 'zod';
import { MAX_REASONS_PER_LEVEL, type Reason, type ReasonsCatalogue } from '../core/reasons.js';
import { emptyFileLine, issueLines, notKeysLine, plainErrorMap, unexpectedLine } from './messages.js';
import { PACKAGE_ROOT } from './package-root.js';
import { readYamlFile } from './read-yaml-file.js';

export const BUILT_IN_REASONS_FILE = join(PACKAGE_ROOT, 'assets', 'reasons.json');

export const REASON_LABEL_MAX = 12;

export type ReasonsCatalogueResult =
  | { ok: true; catalogue: ReasonsCatalogue }
  | { ok: false; errors: string[] };

const CODE = 'a reason code of 1-32 letters, digits, "_" or "-", such as D01';
const LABEL = `the reason as shown on screen, 1-${REASON_LABEL_MAX} characters, such as 等待时间长`;
const REASONS = `a list of 1 to ${MAX_REASONS_PER_LEVEL} reasons, each {code: D01, label: 等待时间长}`;

// Labels are counted in characters as a reader sees them (code points), like the API does.
function labelFits(label: string): boolean {
  const length = [...label].length;
  return label.trim() !== '' && length >= 1 && length <= REASON_LABEL_MAX;
}

const reasonSchema = z.strictObject({
  code: z
    .string({ error: (issue) => (typeof issue.input === 'number' ? `${CODE}; write it in quotes` : CODE) })
    .regex(/^[A-Za-z0-9_-]{1,32}$/, { error: CODE }),
  label: z.string({ error: LABEL }).refine(labelFits, { error: LABEL }),
});

const reasonsSchema = z
  .array(reasonSchema, { error: REASONS })
  .min(1, { error: REASONS })
  .max(MAX_REASONS_PER_LEVEL, { error: REASONS })
  .superRefine((reasons, ctx) => {
    // A code must name one reason, or the platform's evalDetail becomes ambiguous.
    const seen = new Map<string, number>();
    reasons.forEach((reason, index) => {
      const first = seen.get(reason.code);
      if (first === undefined) seen.set(reason.code, index);
      else
        ctx.addIssue({
          code: 'custom',
          path: [index, 'code'],
          message: `a code not used by another reason of this level (reason [${first}] already has it)`,
        });
    });
  });

export const reasonsCatalogueSchema = z.strictObject({
  version: z
    .string({ error: 'the catalogue\'s version as text, e.g. "2026.1"' })
    .refine((version) => version.trim() !== '', { error: 'the catalogue\'s version as text, e.g. "2026.1"' }),
  levels: z.strictObject(
    {
      '1': reasonsSchema,
      '2': reasonsSchema,
    },
    {
      error: 'the reasons of the 差评 levels: keys "1" (非常不满意) and "2" (不满意), each a list of reasons',
    },
  ),
});

function toCatalogue(parsed: z.output<typeof reasonsCatalogueSchema>): ReasonsCatalogue {
  const copy = (reasons: readonly Reason[]): Reason[] => reasons.map(({ code, label }) => ({ code, label }));
  return { version: parsed.version, levels: { 1: copy(parsed.levels['1']), 2: copy(parsed.levels['2']) } };
}

function load(path: string | null): ReasonsCatalogueResult {
  const file = path ?? BUILT_IN_REASONS_FILE;
  const hint =
    path === null
      ? 'the installation is incomplete; reinstall the terminal'
      : 'check reasons: in the configuration';
  const read = readYamlFile(file, file, hint);
  if (!read.ok) return read;
  if (read.value === undefined)
    return { ok: false, errors: [emptyFileLine(file, 'version and levels are required')] };
  if (typeof read.value !== 'object' || read.value === null || Array.isArray(read.value)) {
    return { ok: false, errors: [notKeysLine(file, read.value, 'version: and levels:')] };
  }
  const parsed = reasonsCatalogueSchema.safeParse(read.value, { error: plainErrorMap });
  if (!parsed.success) {
    return {
      ok: false,
      errors: issueLines(parsed.error.issues, {
        file,
        input: read.value,
        schema: reasonsCatalogueSchema,
        secretKeys: [],
      }),
    };
  }
  return { ok: true, catalogue: toCatalogue(parsed.data) };
}

/** `path === null` loads the built-in catalogue (assets/reasons.json). Never throws. */
export function loadReasonsCatalogue(path: string | null): ReasonsCatalogueResult {
  try {
    return load(path);
  } catch (error) {
    return { ok: false, errors: [unexpectedLine(path ?? BUILT_IN_REASONS_FILE, error)] };
  }
}
