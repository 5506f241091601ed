// A platform that quotes the citizen back reformatted: every spelling of this citizen's
// values is blanked whole, compared without separators, case or full-width forms.
import { describe, expect, it } from 'vitest';
import { scrubPersonal } from '../../../src/core/personal-data.js';
import { blankForms } from '../../../src/core/personal-forms.js';

const citizen = { name: '张三丰', idNumber: '35052119900101123X', phone: '13812345678', type: 1 as const };
const M = '#';

describe('a citizen’s data in any spelling', () => {
  it.each([
    ['证件 350521 19900101 123X 不符', '证件 # 不符'],
    ['证件 350521-1990-0101-123x。', '证件 #。'],
    ['姓名「张 三 丰」', '姓名「#」'],
    ['姓名 张·三·丰, 张-三-丰', '姓名 #, #'],
    ['电话 138.1234.5678', '电话 #'],
    ['tel +86 138-1234-5678 (mobile)', 'tel +86 # (mobile)'],
    ['电话 １３８　１２３４　５６７８', '电话 #'],
    ['certKey:35052119900101123X;', 'certKey:#;'],
    // Values running into each other are each blanked.
    ['张三丰13812345678', '##'],
  ])('%s', (text, blanked) => {
    expect(blankForms(text, [citizen.idNumber, citizen.phone, citizen.name], M)).toBe(blanked);
  });

  it('leaves text that spells none of them alone, and ignores one-character values', () => {
    const text = '办件 TX-2026-0001 于 2026-01-01 12:00:00 受理，张先生来电';
    expect(blankForms(text, [citizen.idNumber, citizen.phone, citizen.name, '张'], M)).toBe(text);
  });

  it('scrubPersonal uses it, and still blanks the shapes of anyone else', () => {
    const text = '350521 19900101 123X / 张 三 丰 / 138.1234.5678 / 其他人 11010519491231002X';
    const out = scrubPersonal(text, [null, citizen]);
    expect(out).toBe('[redacted] / [redacted] / [redacted] / 其他人 [redacted]');
  });
});
