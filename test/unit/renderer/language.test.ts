// The screens' 中文/English choice: English holds for the prompt that chose it and its
// thanks, and every other screen (idle, a fault, the next prompt) is Chinese again.
import { describe, expect, it } from 'vitest';
import type { Screen } from '../../../src/core/view.js';
import { LanguageChoice } from '../../../src/renderer/language.js';

const rate = (promptId: string) => ({ kind: 'rate', promptId }) as unknown as Screen;
const reasons = (promptId: string) => ({ kind: 'reasons', promptId }) as unknown as Screen;
const thanks = { kind: 'thanks', given: null } as Screen;
const idle = { kind: 'idle', clerk: null, clerkStatus: 'absent', staticQr: null } as Screen;
const fault = { kind: 'fault', message: '设备故障，请联系工作人员' } as Screen;

describe('LanguageChoice', () => {
  it('starts in Chinese, and a toggle draws the screen again in English, then in Chinese', () => {
    let redraws = 0;
    const choice = new LanguageChoice(() => {
      redraws += 1;
    });
    expect(choice.follow(rate('p-1'))).toBe('zh');
    expect(choice.toggle('p-1')).toBe('en');
    expect(redraws).toBe(1);
    expect(choice.follow(rate('p-1'))).toBe('en');
    expect(choice.toggle('p-1')).toBe('zh');
    expect(choice.follow(rate('p-1'))).toBe('zh');
    expect(redraws).toBe(2);
  });

  it('holds through the prompt’s screens and its thanks, and ends with it', () => {
    const choice = new LanguageChoice();
    choice.follow(rate('p-1'));
    choice.toggle('p-1');
    expect(choice.follow(reasons('p-1'))).toBe('en');
    expect(choice.follow(rate('p-1'))).toBe('en');
    expect(choice.follow(thanks)).toBe('en');
    expect(choice.follow(idle)).toBe('zh');
    // Once back to Chinese it stays so, the next thanks included.
    expect(choice.follow(thanks)).toBe('zh');
    expect(choice.follow(rate('p-2'))).toBe('zh');
  });

  it('another prompt or a fault puts it back to Chinese at once', () => {
    const choice = new LanguageChoice();
    choice.toggle('p-1');
    expect(choice.follow(rate('p-2'))).toBe('zh');
    expect(choice.follow(rate('p-1'))).toBe('zh');
    choice.toggle('p-3');
    expect(choice.follow(fault)).toBe('zh');
    expect(choice.follow(rate('p-3'))).toBe('zh');
  });
});
