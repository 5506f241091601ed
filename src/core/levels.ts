// The five rating levels of the national 好差评 scheme. Internally a level is its
// platform satisfaction code (5 非常满意 … 1 非常不满意), so nothing needs translating
// between the store, the API and the upload profile.

export type Level = 1 | 2 | 3 | 4 | 5;

export const LEVELS: readonly Level[] = [5, 4, 3, 2, 1];

export type LevelName =
  | 'very_satisfied'
  | 'satisfied'
  | 'basically_satisfied'
  | 'dissatisfied'
  | 'very_dissatisfied';

export interface LevelInfo {
  level: Level;
  name: LevelName;
  label: string;
  /** 好评 (levels 3–5) or 差评 (levels 1–2). */
  verdict: 'good' | 'bad';
}

const INFO: Record<Level, LevelInfo> = {
  5: { level: 5, name: 'very_satisfied', label: '非常满意', verdict: 'good' },
  4: { level: 4, name: 'satisfied', label: '满意', verdict: 'good' },
  3: { level: 3, name: 'basically_satisfied', label: '基本满意', verdict: 'good' },
  2: { level: 2, name: 'dissatisfied', label: '不满意', verdict: 'bad' },
  1: { level: 1, name: 'very_dissatisfied', label: '非常不满意', verdict: 'bad' },
};

export function levelInfo(level: Level): LevelInfo {
  return INFO[level];
}

export function isLevel(value: unknown): value is Level {
  return value === 1 || value === 2 || value === 3 || value === 4 || value === 5;
}

/** A 差评 needs reasons before it is final. */
export function isBad(level: Level): boolean {
  return level <= 2;
}

/**
 * Keypad positions (1 = leftmost) mean levels only through `keypad.keymap`:
 * keymap[i] is the level of position i + 1.
 */
export type Keymap = readonly [Level, Level, Level, Level, Level];

export const DEFAULT_KEYMAP: Keymap = [5, 4, 3, 2, 1];

export function levelAtPosition(keymap: Keymap, position: number): Level | null {
  if (!Number.isInteger(position) || position < 1 || position > 5) return null;
  return keymap[position - 1] ?? null;
}

export function positionOfLevel(keymap: Keymap, level: Level): number {
  return keymap.indexOf(level) + 1;
}
