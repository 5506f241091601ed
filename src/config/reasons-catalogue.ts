// Loads the reasons catalogue (the evaluation indicators a rating may carry): the
// built-in one, the national list (national-2020), or a hall's own file named by
// `reasons:`. Checked so that what reaches the screen fits it and what reaches the
// platform as evalDetail is a clean code; with a profile whose platform takes only the
// national codes (its descriptor's `indicators.nationalCodesOnly`) every code must be a
// national indicator of its own level, since such platforms know no other.

import { join } from 'node:path';
import { z } from 'zod';
import { PACKAGE_ROOT } from '../base/package-root.js';
import { type Level, levelInfo } from '../core/levels.js';
import { MAX_REASONS_PER_LEVEL, type Reason, type ReasonsCatalogue } from '../core/reasons.js';
import { BUILT_IN_PROFILES, type ProfileRegistry, profileNamed } from '../profiles/registry.js';
import { emptyFileLine, issueLines, notKeysLine, plainErrorMap, unexpectedLine } from './messages.js';
import { readYamlFile } from './read-yaml-file.js';

/** The built-in catalogue: the national indicator list (national-2020), all five levels. */
export const BUILT_IN_REASONS_FILE = join(PACKAGE_ROOT, 'assets', 'reasons.json');

/** The national list's longest label is 18 characters; the screen wraps labels on two lines. */
export const REASON_LABEL_MAX = 20;

/** An English name (for foreign citizens) is longer than its Chinese: two lines of a button hold 40. */
export const REASON_LABEL_EN_MAX = 40;

/** Whether the profile's platform takes only the national indicator codes as evalDetail. */
function nationalCodesOnly(profiles: ProfileRegistry, profile: string | null): boolean {
  return profile !== null && (profileNamed(profiles, profile)?.indicators.nationalCodesOnly ?? false);
}

export type ReasonsCatalogueResult =
  | { ok: true; catalogue: ReasonsCatalogue }
  | { ok: false; errors: string[] };

const CODE = 'a reason code of 1-32 letters, digits, "_" or "-", such as 207';
const LABEL = `the reason as shown on screen, 1-${REASON_LABEL_MAX} characters, such as 服务态度生硬`;
const LABEL_EN = `the reason in English for foreign citizens, 1-${REASON_LABEL_EN_MAX} characters, such as Curt, unfriendly staff (optional)`;
const BAD_REASONS = `a list of 1 to ${MAX_REASONS_PER_LEVEL} reasons, each {code: "207", label: 没有提供材料样本}`;
const GOOD_REASONS = `a list of 0 to ${MAX_REASONS_PER_LEVEL} indicators, each {code: "510", label: 一窗受理一次办结}`;

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
  labelEn: z
    .string({ error: LABEL_EN })
    .refine((label) => label.trim() !== '' && [...label].length <= REASON_LABEL_EN_MAX, { error: LABEL_EN })
    .optional(),
});

function reasonsSchema(min: number, expected: string) {
  return z
    .array(reasonSchema, { error: expected })
    .min(min, { error: expected })
    .max(MAX_REASONS_PER_LEVEL, { error: expected })
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
}

const VERSION = 'the catalogue\'s version as text, e.g. "national-2020"';

export const reasonsCatalogueSchema = z.strictObject({
  version: z.string({ error: VERSION }).refine((version) => version.trim() !== '', { error: VERSION }),
  levels: z.strictObject(
    {
      // A 差评 always offers reasons; a good level may offer none (it then has no indicators screen).
      '1': reasonsSchema(1, BAD_REASONS),
      '2': reasonsSchema(1, BAD_REASONS),
      '3': reasonsSchema(0, GOOD_REASONS).optional(),
      '4': reasonsSchema(0, GOOD_REASONS).optional(),
      '5': reasonsSchema(0, GOOD_REASONS).optional(),
    },
    {
      error:
        'the indicators of each level: keys "1" (非常不满意) and "2" (不满意), each a list of reasons, and optionally "3", "4" and "5"',
    },
  ),
});

type ParsedCatalogue = z.output<typeof reasonsCatalogueSchema>;
const LEVEL_KEYS = ['1', '2', '3', '4', '5'] as const;

/** Where each national code belongs, read from the built-in catalogue. */
type NationalList = ReadonlyMap<string, Level>;

function levelOfKey(key: (typeof LEVEL_KEYS)[number]): Level {
  return Number(key) as Level;
}

/**
 * With a national-code profile, a hall's catalogue may only pick among the national
 * indicators, each at its own level: a platform refuses any other code, and a code
 * shown under another level would tell it something the citizen did not say.
 */
function nationalIssues(
  parsed: ParsedCatalogue,
  national: NationalList,
  profile: string,
): z.core.$ZodIssue[] {
  const issues: z.core.$ZodIssue[] = [];
  for (const key of LEVEL_KEYS) {
    const level = levelOfKey(key);
    const ownCodes = [...national].filter(([, l]) => l === level).map(([code]) => code);
    const expected = `a national indicator of level ${level} (${levelInfo(level).label}): one of ${ownCodes.join(', ')}`;
    parsed.levels[key]?.forEach((reason, index) => {
      const actual = national.get(reason.code);
      if (actual === level) return;
      const why =
        actual === undefined
          ? 'it is not in the national list'
          : `it is an indicator of level ${actual} (${levelInfo(actual).label})`;
      issues.push({
        code: 'custom',
        input: reason.code,
        path: ['levels', key, index, 'code'],
        message: `${expected} — ${why}, and platform.profile ${profile} takes only national codes; or set reasons: null for the built-in national list`,
      });
    });
  }
  return issues;
}

function toCatalogue(parsed: ParsedCatalogue): ReasonsCatalogue {
  const copy = (reasons: readonly Reason[] | undefined): Reason[] =>
    (reasons ?? []).map(({ code, label, labelEn }) => (labelEn ? { code, label, labelEn } : { code, label }));
  const l = parsed.levels;
  return {
    version: parsed.version,
    levels: { 1: copy(l['1']), 2: copy(l['2']), 3: copy(l['3']), 4: copy(l['4']), 5: copy(l['5']) },
  };
}

function nationalList(builtIn: ReasonsCatalogue): NationalList {
  const list = new Map<string, Level>();
  for (const key of LEVEL_KEYS) {
    const level = levelOfKey(key);
    for (const reason of builtIn.levels[level]) list.set(reason.code, level);
  }
  return list;
}

function load(
  path: string | null,
  profile: string | null,
  profiles: ProfileRegistry,
): ReasonsCatalogueResult {
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
  const source = { file, input: read.value, schema: reasonsCatalogueSchema, secretKeys: [] };
  const parsed = reasonsCatalogueSchema.safeParse(read.value, { error: plainErrorMap });
  if (!parsed.success) return { ok: false, errors: issueLines(parsed.error.issues, source) };
  if (path !== null && profile !== null && nationalCodesOnly(profiles, profile)) {
    const builtIn = load(null, profile, profiles);
    if (!builtIn.ok) return builtIn;
    const issues = nationalIssues(parsed.data, nationalList(builtIn.catalogue), profile);
    if (issues.length > 0) return { ok: false, errors: issueLines(issues, source) };
  }
  return { ok: true, catalogue: toCatalogue(parsed.data) };
}

/**
 * `path === null` loads the built-in catalogue (assets/reasons.json). `profile` is
 * `platform.profile` (null when there is no platform: any codes do). Never throws.
 */
export function loadReasonsCatalogue(
  path: string | null,
  profile: string | null = null,
  profiles: ProfileRegistry = BUILT_IN_PROFILES,
): ReasonsCatalogueResult {
  try {
    return load(path, profile, profiles);
  } catch (error) {
    return { ok: false, errors: [unexpectedLine(path ?? BUILT_IN_REASONS_FILE, error)] };
  }
}

/** The catalogue a loaded configuration names, checked against its platform's profile. */
export function loadCatalogueOf(
  config: {
    reasons: string | null;
    platform: { profile?: string } | null;
  },
  profiles: ProfileRegistry = BUILT_IN_PROFILES,
): ReasonsCatalogueResult {
  // Read defensively: a configuration without a platform forwards nowhere, so any codes do.
  return loadReasonsCatalogue(config.reasons, config.platform?.profile ?? null, profiles);
}
