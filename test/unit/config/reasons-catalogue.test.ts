import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILT_IN_REASONS_FILE, loadReasonsCatalogue } from '../../../src/config/reasons-catalogue.js';
import type { ReasonsCatalogue } from '../../../src/core/reasons.js';
import { tempFolder, writeTemp } from './config-files.js';

function catalogueOf(path: string | null): ReasonsCatalogue {
  const result = loadReasonsCatalogue(path);
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.catalogue;
}

function errorsOf(text: string, name = 'reasons.yaml'): { file: string; errors: string[] } {
  const file = writeTemp(name, text);
  const result = loadReasonsCatalogue(file);
  if (result.ok) throw new Error('expected the catalogue to be refused');
  for (const line of result.errors) {
    expect(line.startsWith(`${file}: `)).toBe(true);
    expect(line).not.toMatch(/[\r\n]|invalid_type|too_big|too_small|Invalid input/);
  }
  return { file, errors: result.errors };
}

const reasons = (count: number, prefix = 'R') =>
  Array.from({ length: count }, (_, index) => ({ code: `${prefix}${index + 1}`, label: `原因${index + 1}` }));

describe('loadReasonsCatalogue', () => {
  it('loads the built-in catalogue from assets/reasons.json', () => {
    const shipped = JSON.parse(readFileSync(BUILT_IN_REASONS_FILE, 'utf8')) as {
      version: string;
      levels: Record<'1' | '2', unknown>;
    };
    const catalogue = catalogueOf(null);
    expect(BUILT_IN_REASONS_FILE.endsWith(join('assets', 'reasons.json'))).toBe(true);
    expect(catalogue.version).toBe(shipped.version);
    expect(catalogue.levels[1]).toEqual(shipped.levels['1']);
    expect(catalogue.levels[2]).toEqual(shipped.levels['2']);
    expect(catalogue.levels[1].length).toBeGreaterThan(0);
  });

  it('loads a hall catalogue written in YAML', () => {
    const file = writeTemp(
      'reasons.yaml',
      'version: "hall-7"\nlevels:\n  1:\n    - {code: X1, label: 态度恶劣}\n  2:\n    - {code: X2, label: 排队太久}\n    - {code: x_3-b, label: 其他}\n',
    );
    expect(catalogueOf(file)).toEqual({
      version: 'hall-7',
      levels: {
        1: [{ code: 'X1', label: '态度恶劣' }],
        2: [
          { code: 'X2', label: '排队太久' },
          { code: 'x_3-b', label: '其他' },
        ],
      },
    });
  });

  it(`allows up to eight reasons a level, and twelve-character labels`, () => {
    const file = writeTemp(
      'reasons.json',
      JSON.stringify({
        version: '1',
        levels: { '1': reasons(8), '2': [{ code: 'L', label: '一二三四五六七八九十一二' }] },
      }),
    );
    expect(catalogueOf(file).levels[1]).toHaveLength(8);
  });

  it('refuses a missing or empty file', () => {
    const missing = join(tempFolder(), 'none.yaml');
    expect(loadReasonsCatalogue(missing)).toEqual({
      ok: false,
      errors: [`${missing}: cannot read the file (it does not exist); check reasons: in the configuration`],
    });
    const { file, errors } = errorsOf('');
    expect(errors).toEqual([`${file}: the file is empty; version and levels are required`]);
  });

  it('refuses invalid YAML with its line', () => {
    const { errors } = errorsOf('version: "1"\nlevels:\n  1: [{code: A, label: x}\n');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /: line \d+, column \d+: the file is not valid YAML \(.+\); fix the indentation or quoting there$/,
    );
  });

  it('names a missing version, a missing level and an unknown level', () => {
    const { file, errors } = errorsOf(
      JSON.stringify({ levels: { '1': reasons(1), '3': reasons(1) } }),
      'r.json',
    );
    expect(errors).toEqual([
      `${file}: version is missing; it is required (the catalogue's version as text, e.g. "2026.1")`,
      `${file}: levels.2 is missing; it is required (a list of 1 to 8 reasons, each {code: D01, label: 等待时间长})`,
      `${file}: levels.3 is not a known key (known keys in levels: 1, 2); check the spelling`,
    ]);
  });

  it('refuses too many reasons, or none', () => {
    const { file, errors } = errorsOf(
      JSON.stringify({ version: '1', levels: { '1': reasons(9), '2': [] } }),
      'r.json',
    );
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(
      new RegExp(`^${file}: levels\\.1: found \\[.*…? \\(a list\\), expected a list of 1 to 8 reasons`),
    );
    expect(errors[1]).toBe(
      `${file}: levels.2: found [] (an empty list), expected a list of 1 to 8 reasons, each {code: D01, label: 等待时间长}`,
    );
  });

  it('refuses duplicate and malformed codes, and labels that do not fit', () => {
    const { file, errors } = errorsOf(
      JSON.stringify({
        version: '1',
        levels: {
          '1': [
            { code: 'D01', label: '慢' },
            { code: 'D01', label: '慢2' },
          ],
          '2': [
            { code: 'D 2', label: '好' },
            { code: 'D3', label: '一二三四五六七八九十一二三' },
            { code: 'D4', label: '  ' },
            { code: 'D5', label: 'x', note: 1 },
          ],
        },
      }),
      'r.json',
    );
    expect(errors).toEqual([
      `${file}: levels.1[1].code: found "D01" (text), expected a code not used by another reason of this level (reason [0] already has it)`,
      `${file}: levels.2[0].code: found "D 2" (text), expected a reason code of 1-32 letters, digits, "_" or "-", such as D01`,
      `${file}: levels.2[1].label: found "一二三四五六七八九十一二三" (text), expected the reason as shown on screen, 1-12 characters, such as 等待时间长`,
      `${file}: levels.2[2].label: found "  " (text), expected the reason as shown on screen, 1-12 characters, such as 等待时间长`,
      `${file}: levels.2[3].note is not a known key (known keys in levels.2[3]: code, label); check the spelling`,
    ]);
  });

  it('refuses a catalogue that is not keys', () => {
    const { file, errors } = errorsOf('- D01\n');
    expect(errors).toEqual([
      `${file}: the file holds ["D01"] (a list), expected keys such as version: and levels:`,
    ]);
  });
});
