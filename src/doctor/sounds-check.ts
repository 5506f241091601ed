// The voice prompts the screens play (assets/sounds/NAME.wav, replaceable by a hall's own
// recordings). A missing or empty clip only silences its moment, so it is a warning: the
// terminal starts and rates without it.

import { statSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../config/package-root.js';
import { SOUND_NAMES } from '../core/effects.js';
import { type Finding, ok, warn } from './report.js';

export const SOUNDS_DIR = join(PACKAGE_ROOT, 'assets', 'sounds');

function usable(file: string): boolean {
  try {
    const s = statSync(file);
    return s.isFile() && s.size > 44; // a WAV header alone is silence
  } catch {
    return false;
  }
}

export function checkSounds(dir: string = SOUNDS_DIR): Finding {
  const missing = SOUND_NAMES.map((n) => `${n}.wav`).filter((f) => !usable(join(dir, f)));
  if (missing.length === 0) return ok('sounds', `${SOUND_NAMES.length} voice prompts in ${dir}`);
  return warn(
    'sounds',
    `${missing.join(', ')} missing or empty in ${dir}: the terminal is silent at those moments (copy the hall's recordings there, or run scripts/make-voice-prompts.sh)`,
  );
}
