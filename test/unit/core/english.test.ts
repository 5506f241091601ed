// English for foreign citizens: every level and national indicator has an English name,
// a hall's catalogue may give its own, and nothing the citizen does with the language
// reaches a record. Driven with the rig's fake clock and the built-in national catalogue.
import { describe, expect, it } from 'vitest';
import { loadReasonsCatalogue, REASON_LABEL_EN_MAX } from '../../../src/config/reasons-catalogue.js';
import { UP_MESSAGE_SCHEMA } from '../../../src/core/bridge.js';
import { levelEnglish, NATIONAL_ENGLISH, reasonEnglish } from '../../../src/core/english.js';
import type { Intent } from '../../../src/core/events.js';
import { LEVELS } from '../../../src/core/levels.js';
import type { RatingRecord } from '../../../src/core/model.js';
import type { ReasonsCatalogue } from '../../../src/core/reasons.js';
import type { Screen } from '../../../src/core/view.js';
import { parseUpMessage } from '../../../src/engine/up-messages.js';
import { catalogue, clerk, coreConfig, putRecords, Rig } from '../../helpers/core-fixture.js';
import { writeTemp } from '../config/config-files.js';

function loaded(path: string | null, profile?: string): ReasonsCatalogue {
  const result = loadReasonsCatalogue(path, profile);
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.catalogue;
}

describe('English names', () => {
  it('every level has one: the five in the national order', () => {
    expect(LEVELS.map(levelEnglish)).toEqual([
      'Very satisfied',
      'Satisfied',
      'Basically satisfied',
      'Dissatisfied',
      'Very dissatisfied',
    ]);
  });

  it('every code of the built-in catalogue (national-2020) has one, of at most 40 characters', () => {
    const builtIn = loaded(null);
    const codes = LEVELS.flatMap((level) => builtIn.levels[level].map((r) => r.code));
    expect(codes).toHaveLength(40);
    for (const level of LEVELS)
      for (const reason of builtIn.levels[level]) {
        const en = reasonEnglish(reason);
        expect(en, reason.code).toMatch(/^[A-Z][A-Za-z ,'-]+$/);
        expect([...(en as string)].length, reason.code).toBeLessThanOrEqual(REASON_LABEL_EN_MAX);
        // The table names the same indicator as the catalogue (its Chinese label agrees).
        expect(NATIONAL_ENGLISH[reason.code]?.[0], reason.code).toBe(reason.label);
      }
    // Nothing in the table that the catalogue lacks: a stale entry would never be checked.
    expect(Object.keys(NATIONAL_ENGLISH).sort()).toEqual([...codes].sort());
    // No two indicators read the same in English.
    expect(new Set(Object.values(NATIONAL_ENGLISH).map(([, en]) => en)).size).toBe(40);
  });

  it('a hall’s catalogue may give its own (labelEn); a code it relabels in Chinese is not translated', () => {
    const file = writeTemp(
      'reasons.yaml',
      [
        'version: "hall-1"',
        'levels:',
        '  "2":',
        '    - {code: "214", label: 服务态度生硬}',
        '    - {code: "213", label: 窗口人员不熟悉业务}',
        '  "1":',
        '    - {code: "115", label: 服务态度差效率低, labelEn: Very poor service}',
      ].join('\n'),
    );
    const own = loaded(file, 'national');
    expect(own.levels[1]).toEqual([{ code: '115', label: '服务态度差效率低', labelEn: 'Very poor service' }]);
    expect(own.levels[2].map(reasonEnglish)).toEqual(['Curt, unfriendly staff', null]);
    expect(reasonEnglish(own.levels[1][0] as (typeof own.levels)[1][0])).toBe('Very poor service');
  });

  it('a labelEn that is blank or too long is refused with a line saying what is wanted', () => {
    for (const labelEn of ['" "', 'x'.repeat(REASON_LABEL_EN_MAX + 1)]) {
      const file = writeTemp(
        'reasons.yaml',
        `version: "hall-1"\nlevels:\n  "2": [{code: "214", label: 态度生硬, labelEn: ${labelEn}}]\n  "1": [{code: "115", label: 效率低}]\n`,
      );
      const result = loadReasonsCatalogue(file);
      expect(result.ok).toBe(false);
      if (!result.ok)
        expect(result.errors.join('\n')).toMatch(/in English for foreign citizens, 1-40 characters/);
    }
  });
});

function serving(goodIndicators: 'off' | 'optional' = 'off') {
  const rig = new Rig(coreConfig({ goodIndicators }));
  rig.send({ type: 'clerk_sign_in', clerk });
  return rig;
}

function intent(rig: Rig, i: Intent) {
  return rig.send({ type: 'intent', intent: i, source: 'touch' });
}

function screenOf<K extends Screen['kind']>(rig: Rig, kind: K): Extract<Screen, { kind: K }> {
  const screen = rig.screen;
  if (screen.kind !== kind) throw new Error(`expected ${kind}, on ${screen.kind}`);
  return screen as Extract<Screen, { kind: K }>;
}

/**
 * A 不满意 with two reasons, by touch; `english` toggles the language (twice on the
 * rating screen, once on the reasons screen and once on its change-level screen).
 */
function rateDissatisfied(english: boolean): RatingRecord[] {
  const rig = serving();
  rig.open({ transactionId: 'TX-EN' });
  rig.now += 2_000;
  const records: RatingRecord[] = [];
  const toggle = (lang: 'zh' | 'en') => {
    if (english) records.push(...putRecords(intent(rig, { type: 'language', lang }).effects));
  };
  toggle('en');
  toggle('zh');
  toggle('en');
  records.push(...putRecords(rig.rate(2).effects));
  rig.now += 1_000;
  toggle('zh');
  records.push(...putRecords(intent(rig, { type: 'toggle_reason', code: '214' }).effects));
  records.push(...putRecords(intent(rig, { type: 'change_level' }).effects));
  toggle('en');
  records.push(...putRecords(intent(rig, { type: 'back_to_reasons' }).effects));
  records.push(...putRecords(intent(rig, { type: 'toggle_reason', code: '207' }).effects));
  records.push(...putRecords(intent(rig, { type: 'submit_reasons' }).effects));
  // Ids are fresh UUIDs in real life (the rig hands out one batch per step): all else must agree.
  return records.map(({ id: _id, ...rest }) => ({ ...rest, id: 'fresh' }));
}

describe('the language intent', () => {
  it('changes no record: the same ratings, codes and flags whichever language', () => {
    const chinese = rateDissatisfied(false);
    const english = rateDissatisfied(true);
    expect(chinese.at(-1)).toMatchObject({ level: 2, reasons: ['207', '214'], final: true });
    expect(english).toEqual(chinese);
  });

  it('on the reasons screen gives its whole time again, as any touch does; elsewhere changes nothing', () => {
    const rig = serving();
    rig.open();
    rig.now += 2_000;
    const before = rig.state;
    const onRate = intent(rig, { type: 'language', lang: 'en' });
    expect(onRate.effects).toEqual([]);
    expect(rig.state).toEqual(before);

    rig.rate(1);
    const opened = screenOf(rig, 'reasons').deadline;
    rig.now += 20_000;
    const r = intent(rig, { type: 'language', lang: 'en' });
    expect(screenOf(rig, 'reasons').deadline).toBe(opened + 20_000);
    expect(r.effects.map((e) => e.type)).toEqual(['render']);
    // Not past three times the screen's length from its opening, like any touch.
    for (let i = 0; i < 5; i++) {
      rig.now += 25_000;
      intent(rig, { type: 'language', lang: i % 2 ? 'zh' : 'en' });
    }
    expect(screenOf(rig, 'reasons').deadline).toBe(opened - 30_000 + 90_000);
  });

  it('is a message the bridge accepts, with zh or en only', () => {
    const message = { type: 'intent', intent: { type: 'language', lang: 'en' } };
    expect(parseUpMessage(JSON.stringify(message))).toEqual(message);
    expect(parseUpMessage(JSON.stringify({ type: 'intent', intent: { type: 'language', lang: 'fr' } }))).toBe(
      null,
    );
    expect(JSON.stringify(UP_MESSAGE_SCHEMA)).toContain('"language"');
  });
});

describe('the view model carries the English beside the Chinese', () => {
  it('levels, reasons, key hints and the reasons screen’s level', () => {
    const rig = serving();
    rig.open();
    rig.now += 2_000;
    const rate = screenOf(rig, 'rate');
    expect(rate.buttons.map((b) => [b.label, b.labelEn])).toEqual([
      ['非常满意', 'Very satisfied'],
      ['满意', 'Satisfied'],
      ['基本满意', 'Basically satisfied'],
      ['不满意', 'Dissatisfied'],
      ['非常不满意', 'Very dissatisfied'],
    ]);
    rig.rate(2);
    const reasons = screenOf(rig, 'reasons');
    expect(reasons.levelLabelEn).toBe('Dissatisfied');
    expect(reasons.reasons.map((r) => r.code)).toEqual(catalogue.levels[2].map((r) => r.code));
    expect(reasons.reasons.every((r) => r.labelEn !== null && r.labelEn !== r.label)).toBe(true);
    expect(reasons.keyHints.map((h) => h.labelEn)).toEqual([
      'Previous',
      'Next',
      'Select',
      'Change rating',
      'Submit',
    ]);
  });

  it('the 好评 indicators screen and the choice of scope', () => {
    const rig = serving('optional');
    rig.open({
      mode: 'parallel',
      departments: [
        { code: 'D-A', name: '县市场监管局' },
        { code: 'D-B', name: '县税务局' },
      ],
    });
    expect(screenOf(rig, 'choose_scope').options.map((o) => o.labelEn)).toEqual([
      'Rate overall',
      'Rate each department',
    ]);
    rig.now += 2_000;
    intent(rig, { type: 'choose_scope', scope: 'overall' });
    rig.now += 2_000;
    rig.rate(5);
    const indicators = screenOf(rig, 'indicators');
    expect(indicators.given.labelEn).toBe('Very satisfied');
    expect(indicators.indicators.map((i) => i.labelEn)).toContain('Warm and efficient service');
  });
});
