// The screens' building blocks: elements, Chinese text broken between its words, English
// text, and the big buttons every screen is made of. Used by render.ts and its parts.
import type { Intent } from '../core/events.js';
import type { Labelled } from '../core/view.js';
import { EN, LANG_TAG, type Lang } from './language.js';

export type Send = (intent: Intent) => void;

/** A text and the language it is in. */
export interface Words {
  text: string;
  lang: Lang;
}

/**
 * What a frame is drawn with: the citizen's language (`ui`), where its touches go, and
 * whether keypad keys are named (`keys`: not while the keypad is offline).
 */
export interface Ctx {
  ui: Lang;
  send: Send;
  keys: boolean;
}

/** A button's keypad key, or none when the screens name no keys. */
export function keyOf(ctx: Ctx, position: number): number | undefined {
  return ctx.keys ? position : undefined;
}

/** A label in the screen's language: its English where it has one, else its Chinese. */
export function pick(l: Labelled, ui: Lang): Words {
  return ui === 'en' && l.labelEn !== null ? { text: l.labelEn, lang: 'en' } : { text: l.label, lang: 'zh' };
}

/** Chinese in the Chinese screen, or the English given in the English one. */
export function say(ui: Lang, zh: string, en: string): string {
  return ui === 'en' ? en : zh;
}

/** `lang` for an element whose text is not in the language around it. */
export function langAttr(lang: Lang, around: Lang): Record<string, string> {
  return lang === around ? {} : { lang: LANG_TAG[lang] };
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { className?: string; text?: string; attrs?: Record<string, string> } = {},
  ...children: (Node | null)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.text !== undefined) node.textContent = props.text;
  for (const [k, v] of Object.entries(props.attrs ?? {})) node.setAttribute(k, v);
  for (const c of children) if (c) node.append(c);
  return node;
}

const segmenter = new Intl.Segmenter('zh-CN', { granularity: 'word' });

/** The words of a Chinese text (by the browser's dictionary), in order. */
export function wordsOf(text: string): string[] {
  return [...segmenter.segment(text)].map((s) => s.segment);
}

/**
 * Chinese text that may wrap between its words only: a <wbr> between words, and the
 * stylesheet's `word-break: keep-all` forbids a break anywhere else (办事指南不清/晰).
 */
export function words(text: string): Node[] {
  return wordsOf(text).flatMap((w, i) => [
    ...(i > 0 ? [document.createElement('wbr')] : []),
    document.createTextNode(w),
  ]);
}

/** English wraps at its spaces, as the browser does; Chinese between its words. */
export function textOf(w: Words): Node[] {
  return w.lang === 'en' ? [document.createTextNode(w.text)] : words(w.text);
}

export function keyText(position: number, ui: Lang = 'zh'): string {
  return ui === 'en' ? EN.key(position) : `按键 ${position}`;
}

/**
 * A button whose accessible name starts with what it does and contains all it shows
 * (非常满意 按键 1): speech users say what they see, screen readers hear the key too.
 * A string label is in the screen's language (`ui`).
 */
export function button(
  label: string | Words,
  onClick: () => void,
  className: string,
  position?: number,
  ui: Lang = 'zh',
): HTMLButtonElement {
  const w = typeof label === 'string' ? { text: label, lang: ui } : label;
  const name = position === undefined ? w.text : `${w.text} ${keyText(position, ui)}`;
  const b = el('button', {
    className,
    attrs: { type: 'button', 'aria-label': name, ...langAttr(w.lang, ui) },
  });
  b.append(el('span', { className: 'label', attrs: { 'aria-hidden': 'true' } }, ...textOf(w)));
  if (position !== undefined)
    b.append(
      // Not drawn (the button lays its parts out as a column), but its visible text reads
      // "Very satisfied Key 1" as its name does, not "Very satisfiedKey 1".
      document.createTextNode(' '),
      el('span', {
        className: 'key',
        text: keyText(position, ui),
        attrs: { 'aria-hidden': 'true', ...langAttr(ui, w.lang) },
      }),
    );
  // Lit at the touch itself, before the engine answers: the press feels instant.
  b.addEventListener('pointerdown', () => b.classList.add('lit'));
  b.addEventListener('click', onClick);
  return b;
}
