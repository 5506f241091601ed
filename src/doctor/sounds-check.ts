// The voice prompts the screens play (assets/sounds/NAME.wav, replaceable by a hall's own
// recordings). A missing or empty clip only silences its moment, so it is a warning: the
// terminal starts and rates without it.

import { statSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../base/package-root.js';
import { isBad, LEVELS } from '../core/levels.js';
import { type ReasonsCatalogue, reasonsFor } from '../core/reasons.js';
import { FIXED_CLIPS, reasonClip, type VoiceGuide } from '../core/voice.js';
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

/** The reason clips `full` reads: the 差评 reasons of the catalogue (the reasons screen's). */
export function reasonClips(catalogue: ReasonsCatalogue): string[] {
  const codes = LEVELS.filter(isBad).flatMap((level) => reasonsFor(catalogue, level).map((r) => r.code));
  return [...new Set(codes)].map(reasonClip);
}

export interface SoundsSetting {
  voiceGuide: VoiceGuide;
  catalogue: ReasonsCatalogue;
}

/**
 * One line for the fixed clips; with `ui.voiceGuide: full`, one more for the reasons'
 * clips (a hall's own catalogue has none until the hall records them).
 */
export function checkSounds(setting: SoundsSetting, dir: string = SOUNDS_DIR): Finding[] {
  const missing = (names: readonly string[]) =>
    names.map((n) => `${n}.wav`).filter((f) => !usable(join(dir, f)));
  const fixed = missing(FIXED_CLIPS);
  const findings: Finding[] = [
    fixed.length === 0
      ? ok('sounds', `${FIXED_CLIPS.length} voice prompts in ${dir}`)
      : warn(
          'sounds',
          `${fixed.join(', ')} missing or empty in ${dir}: the terminal is silent at those moments (copy the hall's recordings there, or run scripts/make-voice-prompts.sh)`,
        ),
  ];
  if (setting.voiceGuide === 'full') {
    const reasons = reasonClips(setting.catalogue);
    const absent = missing(reasons);
    findings.push(
      absent.length === 0
        ? ok('sounds', `${reasons.length} reason clips in ${dir} (ui.voiceGuide: full)`)
        : warn(
            'sounds',
            `${absent.join(', ')} missing or empty in ${dir}: with ui.voiceGuide full those reasons are skipped when read aloud (record each as reason_CODE.wav, CODE the reason's code in the catalogue)`,
          ),
    );
  }
  return findings;
}
