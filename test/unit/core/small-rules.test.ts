import { describe, expect, it } from 'vitest';
import { cstDate, cstDateTime } from '../../../src/core/cst.js';
import { anomalyFlags } from '../../../src/core/flags.js';
import {
  DEFAULT_KEYMAP,
  isBad,
  LEVELS,
  levelAtPosition,
  levelInfo,
  positionOfLevel,
} from '../../../src/core/levels.js';
import { maskIdNumber, maskName, maskPhone } from '../../../src/core/mask.js';
import { view } from '../../../src/core/view.js';
import { clerk, coreConfig, Rig } from '../../helpers/core-fixture.js';

describe('levels', () => {
  it('names the five levels with the platform codes, 差评 being 1 and 2', () => {
    expect(LEVELS.map((l) => [l, levelInfo(l).label, isBad(l)])).toEqual([
      [5, '非常满意', false],
      [4, '满意', false],
      [3, '基本满意', false],
      [2, '不满意', true],
      [1, '非常不满意', true],
    ]);
  });

  it('maps positions through the keymap and refuses positions outside 1–5', () => {
    expect([1, 2, 3, 4, 5].map((p) => levelAtPosition(DEFAULT_KEYMAP, p))).toEqual([5, 4, 3, 2, 1]);
    expect(levelAtPosition(DEFAULT_KEYMAP, 0)).toBeNull();
    expect(levelAtPosition(DEFAULT_KEYMAP, 6)).toBeNull();
    expect(levelAtPosition(DEFAULT_KEYMAP, 1.5)).toBeNull();
    expect(positionOfLevel([1, 2, 3, 4, 5], 5)).toBe(5);
  });
});

describe('masking', () => {
  it('masks names, id numbers and phones for the screen', () => {
    expect(maskName('陈美英')).toBe('陈*英');
    expect(maskName('欧阳小芳')).toBe('欧**芳');
    expect(maskName('林晓')).toBe('林*');
    expect(maskName('王')).toBe('王');
    expect(maskIdNumber('350521199001011234')).toBe('3505**********1234');
    expect(maskIdNumber('1234')).toBe('****');
    expect(maskPhone('13800001234')).toBe('138****1234');
  });
});

describe('China Standard Time', () => {
  it('formats in UTC+8 whatever the machine zone', () => {
    const t = Date.UTC(2026, 10, 27, 16, 30, 5);
    expect(cstDateTime(t)).toBe('2026-11-28 00:30:05');
    expect(cstDate(t)).toBe('20261128');
  });
});

describe('anomaly flags', () => {
  it('combines fast, stuck_key and burst', () => {
    expect(
      anomalyFlags({ now: 1000, shownAt: 900, source: 'keypad', keypadStuck: true, lastRatingAt: 0 }),
    ).toEqual(['fast', 'stuck_key', 'burst']);
    expect(
      anomalyFlags({ now: 10_000, shownAt: 0, source: 'touch', keypadStuck: true, lastRatingAt: 4_000 }),
    ).toEqual([]);
  });
});

describe('training mode in the view', () => {
  it('marks every screen of a training terminal, and none of a live one', () => {
    for (const training of [true, false]) {
      const rig = new Rig(coreConfig({ training }));
      const seen: [string, boolean][] = [];
      const look = () => {
        const v = view(rig.state, rig.now);
        seen.push([v.screen.kind, v.training]);
      };
      look();
      rig.send({ type: 'clerk_sign_in', clerk });
      rig.open();
      look();
      rig.rate(2);
      look();
      rig.send({ type: 'intent', intent: { type: 'submit_reasons' }, source: 'touch' });
      look();
      expect(seen).toEqual([
        ['idle', training],
        ['rate', training],
        ['reasons', training],
        ['thanks', training],
      ]);
    }
  });
});
