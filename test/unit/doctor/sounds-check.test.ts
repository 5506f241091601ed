// doctor's sounds lines: the shipped clips are all there; a hall's folder missing one (or
// holding an empty file) is a warning naming it, never a failure or a crash. With
// ui.voiceGuide full the reasons' clips are checked too, by the catalogue's codes.
import { copyFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadReasonsCatalogue } from '../../../src/config/reasons-catalogue.js';
import type { ReasonsCatalogue } from '../../../src/core/reasons.js';
import { FIXED_CLIPS } from '../../../src/core/voice.js';
import { checkSounds, reasonClips, SOUNDS_DIR } from '../../../src/doctor/sounds-check.js';
import { tempDir } from '../../helpers/temp.js';

const builtIn = (() => {
  const loaded = loadReasonsCatalogue(null);
  if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
  return loaded.catalogue;
})();

function copyOfShipped(): string {
  const dir = tempDir('hcp-sounds-');
  for (const f of readdirSync(SOUNDS_DIR)) copyFileSync(join(SOUNDS_DIR, f), join(dir, f));
  return dir;
}

describe('doctor: the voice prompts', () => {
  it('finds every shipped clip, the built-in reasons’ included', () => {
    expect(checkSounds({ voiceGuide: 'full', catalogue: builtIn })).toEqual([
      { status: 'ok', part: 'sounds', text: `${FIXED_CLIPS.length} voice prompts in ${SOUNDS_DIR}` },
      { status: 'ok', part: 'sounds', text: `16 reason clips in ${SOUNDS_DIR} (ui.voiceGuide: full)` },
    ]);
    expect(reasonClips(builtIn)).toContain('reason_207');
  });

  it('warns, naming each clip missing or empty, with what to do', () => {
    const dir = copyOfShipped();
    rmSync(join(dir, 'thanks.wav'));
    writeFileSync(join(dir, 'please_rate.wav'), '');
    const [finding] = checkSounds({ voiceGuide: 'prompt', catalogue: builtIn }, dir);
    expect(finding?.status).toBe('warn');
    expect(finding?.text).toMatch(
      /^please_rate\.wav, thanks\.wav missing or empty in .*: the terminal is silent/,
    );
    expect(finding?.text).toContain('scripts/make-voice-prompts.sh');
  });

  it('checks the reasons’ clips only when the guide reads them (full)', () => {
    const hallOwn: ReasonsCatalogue = {
      version: 'hall-1',
      levels: {
        1: [{ code: 'A1', label: '态度差' }],
        2: [{ code: '207', label: '没有提供材料样本' }],
        3: [],
        4: [],
        5: [],
      },
    };
    expect(checkSounds({ voiceGuide: 'prompt', catalogue: hallOwn })).toHaveLength(1);
    const findings = checkSounds({ voiceGuide: 'full', catalogue: hallOwn });
    expect(findings[1]?.status).toBe('warn');
    expect(findings[1]?.text).toMatch(/^reason_A1\.wav missing or empty in .*: with ui\.voiceGuide full/);
    expect(findings[1]?.text).toContain('reason_CODE.wav');
  });

  it('warns on a folder that is not there at all', () => {
    const findings = checkSounds({ voiceGuide: 'full', catalogue: builtIn }, '/nonexistent/sounds');
    expect(findings.map((f) => f.status)).toEqual(['warn', 'warn']);
  });

  it('scripts/make-voice-prompts.sh makes every fixed clip (a new clip cannot ship without its words)', () => {
    const script = readFileSync(new URL('../../../scripts/make-voice-prompts.sh', import.meta.url), 'utf8');
    const made = new Set([...script.matchAll(/^say (\w+) /gm)].map((m) => m[1]));
    if (/for n in 1 2 3 4 5; do say "key_\$n"/.test(script))
      for (const n of [1, 2, 3, 4, 5]) made.add(`key_${n}`);
    expect(FIXED_CLIPS.filter((c) => !made.has(c))).toEqual([]);
  });
});
