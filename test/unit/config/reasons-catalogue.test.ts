import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BUILT_IN_REASONS_FILE,
  loadCatalogueOf,
  loadReasonsCatalogue,
} from '../../../src/config/reasons-catalogue.js';
import type { ReasonsCatalogue } from '../../../src/core/reasons.js';
import { tempFolder, writeTemp } from './config-files.js';

function catalogueOf(path: string | null, profile?: string): ReasonsCatalogue {
  const result = loadReasonsCatalogue(path, profile);
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.catalogue;
}

function errorsOf(text: string, name = 'reasons.yaml', profile?: string): { file: string; errors: string[] } {
  const file = writeTemp(name, text);
  const result = loadReasonsCatalogue(file, profile);
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
      levels: Record<'1' | '2' | '3' | '4' | '5', unknown>;
    };
    const catalogue = catalogueOf(null);
    expect(BUILT_IN_REASONS_FILE.endsWith(join('assets', 'reasons.json'))).toBe(true);
    expect(catalogue.version).toBe(shipped.version);
    for (const level of [1, 2, 3, 4, 5] as const) {
      expect(catalogue.levels[level]).toEqual(shipped.levels[`${level}`]);
    }
  });

  it('the built-in catalogue is the national list of 2020, all five levels, word for word', () => {
    const catalogue = catalogueOf(null);
    expect(catalogue.version).toBe('national-2020');
    const table = Object.entries(catalogue.levels).flatMap(([level, reasons]) =>
      reasons.map((r) => `${level} ${r.code} ${r.label}`),
    );
    expect(table.sort()).toEqual(NATIONAL_2020.sort());
    for (const level of [1, 2, 3, 4, 5] as const) {
      expect(catalogue.levels[level]).toHaveLength(8);
      // The first digit of a code is its level.
      for (const r of catalogue.levels[level]) expect(r.code[0]).toBe(String(level));
    }
    // The same whatever the profile: it is the list the real platforms take.
    expect(catalogueOf(null, 'national')).toEqual(catalogue);
    expect(catalogueOf(null, 'fujian')).toEqual(catalogue);
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
        3: [],
        4: [],
        5: [],
      },
    });
  });

  it('allows up to eight reasons a level, and twenty-character labels', () => {
    const file = writeTemp(
      'reasons.json',
      JSON.stringify({
        version: '1',
        levels: { '1': reasons(8), '2': [{ code: 'L', label: '一二三四五六七八九十一二三四五六七八九十' }] },
      }),
    );
    const catalogue = catalogueOf(file);
    expect(catalogue.levels[1]).toHaveLength(8);
    expect(catalogue.levels[2][0]?.label).toHaveLength(20);
    // A hall catalogue need not list indicators for the good levels.
    expect([catalogue.levels[3], catalogue.levels[4], catalogue.levels[5]]).toEqual([[], [], []]);
  });

  it('takes indicators for the good levels too, none being a choice', () => {
    const file = writeTemp(
      'reasons.yaml',
      'version: h\nlevels:\n  1: [{code: A, label: 慢}]\n  2: [{code: B, label: 乱}]\n  3: []\n  5:\n    - {code: G1, label: 一窗受理一次办结}\n',
    );
    expect(catalogueOf(file).levels).toEqual({
      1: [{ code: 'A', label: '慢' }],
      2: [{ code: 'B', label: '乱' }],
      3: [],
      4: [],
      5: [{ code: 'G1', label: '一窗受理一次办结' }],
    });
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
      JSON.stringify({ levels: { '1': reasons(1), '3': reasons(1), '6': reasons(1) } }),
      'r.json',
    );
    expect(errors).toEqual([
      `${file}: version is missing; it is required (the catalogue's version as text, e.g. "national-2020")`,
      `${file}: levels.2 is missing; it is required (a list of 1 to 8 reasons, each {code: "207", label: 没有提供材料样本})`,
      `${file}: levels.6 is not a known key (known keys in levels: 1, 2, 3, 4, 5); check the spelling`,
    ]);
  });

  it('refuses too many reasons, or none for a 差评 level', () => {
    const { file, errors } = errorsOf(
      JSON.stringify({ version: '1', levels: { '1': reasons(9), '2': [], '4': reasons(9) } }),
      'r.json',
    );
    expect(errors).toHaveLength(3);
    expect(errors[0]).toMatch(
      new RegExp(`^${file}: levels\\.1: found \\[.*…? \\(a list\\), expected a list of 1 to 8 reasons`),
    );
    expect(errors[1]).toBe(
      `${file}: levels.2: found [] (an empty list), expected a list of 1 to 8 reasons, each {code: "207", label: 没有提供材料样本}`,
    );
    expect(errors[2]).toMatch(
      new RegExp(`^${file}: levels\\.4: found \\[.*\\(a list\\), expected a list of 0 to 8 indicators`),
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
            { code: 'D3', label: '一二三四五六七八九十一二三四五六七八九十一' },
            { code: 'D4', label: '  ' },
            { code: 'D5', label: 'x', note: 1 },
          ],
        },
      }),
      'r.json',
    );
    expect(errors).toEqual([
      `${file}: levels.1[1].code: found "D01" (text), expected a code not used by another reason of this level (reason [0] already has it)`,
      `${file}: levels.2[0].code: found "D 2" (text), expected a reason code of 1-32 letters, digits, "_" or "-", such as 207`,
      `${file}: levels.2[1].label: found "一二三四五六七八九十一二三四五六七八九十一" (text), expected the reason as shown on screen, 1-20 characters, such as 服务态度生硬`,
      `${file}: levels.2[2].label: found "  " (text), expected the reason as shown on screen, 1-20 characters, such as 服务态度生硬`,
      `${file}: levels.2[3].note is not a known key (known keys in levels.2[3]: code, label, labelEn); check the spelling`,
    ]);
  });

  it('refuses a catalogue that is not keys', () => {
    const { file, errors } = errorsOf('- D01\n');
    expect(errors).toEqual([
      `${file}: the file holds ["D01"] (a list), expected keys such as version: and levels:`,
    ]);
  });

  describe('with a real platform’s profile (national, fujian)', () => {
    const NATIONAL_SUBSET =
      'version: hall-national\nlevels:\n  1: [{code: "115", label: 服务态度差效率低}]\n  2: [{code: "214", label: 服务态度生硬}, {code: "213", label: 窗口人员不熟练}]\n  5: [{code: "517", label: 服务热情效率高}]\n';

    it('takes a hall catalogue that picks among the national indicators, each at its level', () => {
      const file = writeTemp('reasons.yaml', NATIONAL_SUBSET);
      for (const profile of ['national', 'fujian']) {
        expect(catalogueOf(file, profile).levels[2].map((r) => r.code)).toEqual(['214', '213']);
      }
    });

    it('refuses a code outside the national list, and a national code at another level', () => {
      const text = JSON.stringify({
        version: 'x',
        levels: {
          '1': [{ code: 'D01', label: '等待时间长' }],
          '2': [
            { code: '207', label: '没有提供材料样本' },
            { code: '115', label: '服务态度差效率低' },
          ],
          '4': [{ code: '510', label: '一窗受理一次办结' }],
        },
      });
      for (const profile of ['national', 'fujian']) {
        const { file, errors } = errorsOf(text, 'r.json', profile);
        expect(errors).toEqual([
          `${file}: levels.1[0].code: found "D01" (text), expected a national indicator of level 1 (非常不满意): one of 108, 109, 110, 111, 112, 113, 114, 115 — it is not in the national list, and platform.profile ${profile} takes only national codes; or set reasons: null for the built-in national list`,
          `${file}: levels.2[1].code: found "115" (text), expected a national indicator of level 2 (不满意): one of 207, 208, 209, 210, 211, 212, 213, 214 — it is an indicator of level 1 (非常不满意), and platform.profile ${profile} takes only national codes; or set reasons: null for the built-in national list`,
          `${file}: levels.4[0].code: found "510" (text), expected a national indicator of level 4 (满意): one of 406, 407, 408, 409, 410, 411, 412, 413 — it is an indicator of level 5 (非常满意), and platform.profile ${profile} takes only national codes; or set reasons: null for the built-in national list`,
        ]);
      }
      // The reference profile's platform takes the hall's own codes.
      expect(catalogueOf(writeTemp('r.json', text), 'reference').levels[1][0]?.code).toBe('D01');
    });

    it('is checked from the loaded configuration’s platform.profile; no platform is the reference', () => {
      const own = writeTemp(
        'reasons.yaml',
        'version: h\nlevels:\n  1: [{code: D01, label: 慢}]\n  2: [{code: D02, label: 乱}]\n',
      );
      expect(loadCatalogueOf({ reasons: own, platform: null }).ok).toBe(true);
      expect(loadCatalogueOf({ reasons: own, platform: { profile: 'reference' } }).ok).toBe(true);
      const national = loadCatalogueOf({ reasons: own, platform: { profile: 'national' } });
      expect(national.ok).toBe(false);
      if (!national.ok)
        expect(national.errors[0]).toContain('platform.profile national takes only national codes');
      expect(loadCatalogueOf({ reasons: null, platform: { profile: 'fujian' } })).toMatchObject({
        ok: true,
        catalogue: { version: 'national-2020' },
      });
    });
  });
});

/** ../shared/reference/national-indicators.md, copied here by hand: level, code, label. */
const NATIONAL_2020 = [
  '5 510 一窗受理一次办结',
  '5 511 可以先受理后补材料',
  '5 512 不用提交证明',
  '5 513 可以全程网上办理',
  '5 514 可以使用手机办理',
  '5 515 可以就近办理',
  '5 516 无需材料直接办理',
  '5 517 服务热情效率高',
  '4 406 填写一张表单就可完成申报',
  '4 407 在线提交材料窗口核验',
  '4 408 一张清单告知全部申报材料',
  '4 409 用告知承诺减免申报材料',
  '4 410 可以在线预约办理',
  '4 411 跑大厅一次办完',
  '4 412 可以使用自助机办理',
  '4 413 服务态度较好',
  '3 307 一次性告知需要补正的材料',
  '3 308 提供申报材料样本',
  '3 309 在承诺的时间内办结',
  '3 310 办事指南指引准确',
  '3 311 按办事指南要求的材料即可办理',
  '3 312 可以快递送达',
  '3 313 跑动次数与承诺的一致',
  '3 314 服务态度一般',
  '2 207 没有提供材料样本',
  '2 208 没有提供材料清单',
  '2 209 未在承诺时间内办结',
  '2 210 同样内容的证明材料被要求多次提交',
  '2 211 承诺网办但无法在线办理',
  '2 212 在线预约办理后到实体大厅重复取号排队',
  '2 213 窗口人员业务不熟练',
  '2 214 服务态度生硬',
  '1 108 在办事指南之外增加新的审批条件',
  '1 109 需提供办事指南之外的申报材料',
  '1 110 无理由超过法定办理时间',
  '1 111 办事指南提供样本有错',
  '1 112 承诺在线收取申报材料实际无法收取',
  '1 113 多头跑窗口和部门',
  '1 114 跑动次数与承诺的不一致',
  '1 115 服务态度差效率低',
];
