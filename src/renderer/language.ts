// The citizen's 中文/English choice on the prompt's screens. It lives here, in the
// screens, and nowhere else: it changes what is shown, never what is recorded (the
// engine hears of a toggle only as a touch, for the reasons screen's time). Every prompt
// starts in Chinese; English holds through that prompt's screens and its thanks, and
// ends with it, so the next citizen never finds the screen in another's language.
import type { ScreenLang } from '../core/english.js';
import type { Screen } from '../core/view.js';

export type Lang = ScreenLang;

/** The screens that offer the toggle: those of a prompt, where a citizen reads and chooses. */
export const TOGGLE_SCREENS: ReadonlySet<Screen['kind']> = new Set([
  'choose_scope',
  'rate',
  'reasons',
  'indicators',
]);

/** The BCP 47 tag of each language, for `lang` attributes. */
export const LANG_TAG: Record<Lang, string> = { zh: 'zh-CN', en: 'en' };

export class LanguageChoice {
  private lang: Lang = 'zh';
  /** The prompt English was chosen in; English holds only while it is on screen. */
  private promptId: string | null = null;

  /** `redraw`: draws the current view again, in the language just chosen. */
  constructor(private readonly redraw: () => void = () => undefined) {}

  /**
   * The language to draw `screen` in. A screen of another prompt, the idle screen or a
   * fault puts it back to Chinese; the thanks screen right after an English prompt
   * stays in English, as it thanks the same citizen.
   */
  follow(screen: Screen): Lang {
    if (this.lang === 'zh') return 'zh';
    const id = 'promptId' in screen ? screen.promptId : null;
    if (screen.kind === 'thanks' || (id !== null && id === this.promptId)) return 'en';
    this.lang = 'zh';
    this.promptId = null;
    return 'zh';
  }

  /** The citizen's touch on the toggle, on the screen of prompt `promptId`. */
  toggle(promptId: string): Lang {
    this.lang = this.lang === 'zh' ? 'en' : 'zh';
    this.promptId = this.lang === 'en' ? promptId : null;
    this.redraw();
    return this.lang;
  }
}

/** The screens' own words in English (the engine's labels carry their English themselves). */
export const EN = {
  rateTitle: 'Please rate our service',
  rerateTitle: 'Please choose your rating again',
  step: (index: number, total: number) => `department ${index} of ${total}`,
  rateDepartment: 'Please rate',
  rated: 'Rated:',
  yourRating: (level: string) => `Your rating: ${level}`,
  scopeTitle: 'How would you like to rate?',
  decline: 'Skip',
  back: 'Back',
  realName: (masked: string) => `Use my name (${masked})`,
  reasonsTitle: 'What went wrong? (choose any)',
  changeLevel: 'Change rating',
  submit: 'Submit',
  thanks: 'Thank you for your rating',
  goodAspects: 'What was good? (optional)',
  done: 'Finish',
  key: (position: number) => `Key ${position}`,
  keyHints: 'Keypad keys',
  keypadBanner: 'The keypad is not working: please touch the screen',
  seconds: 's',
  // The last seconds' notices share the banner's line with 培训模式: short enough for one
  // line of the 600 px portrait screen.
  ending: (seconds: number) => `${seconds} s left: press any key for more time`,
  /** With the keypad offline, choosing a reason (a touch) is what gives more time. */
  endingTouch: (seconds: number) => `${seconds} s left: touch a reason for more time`,
  /** Once the longest time is reached a key no longer extends it: the note must not promise it. */
  endingFinal: (seconds: number) => `${seconds} s left: then it is sent as it is`,
} as const;

/** What the toggle says: the language it turns the screen to, in that language. */
export function toggleText(current: Lang): { text: string; lang: Lang } {
  return current === 'zh' ? { text: 'English', lang: 'en' } : { text: '中文', lang: 'zh' };
}
