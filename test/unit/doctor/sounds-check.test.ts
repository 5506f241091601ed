// doctor's sounds line: the shipped clips are all there; a hall's folder missing one (or
// holding an empty file) is a warning naming it, never a failure or a crash.
import { copyFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSounds, SOUNDS_DIR } from '../../../src/doctor/sounds-check.js';
import { tempDir } from '../../helpers/temp.js';

describe('doctor: the voice prompts', () => {
  it('finds every shipped clip', () => {
    expect(checkSounds()).toEqual({
      status: 'ok',
      part: 'sounds',
      text: `4 voice prompts in ${SOUNDS_DIR}`,
    });
  });

  it('warns, naming each clip missing or empty, with what to do', () => {
    const dir = tempDir('hcp-sounds-');
    for (const f of readdirSync(SOUNDS_DIR)) copyFileSync(join(SOUNDS_DIR, f), join(dir, f));
    rmSync(join(dir, 'thanks.wav'));
    writeFileSync(join(dir, 'please_rate.wav'), '');
    const finding = checkSounds(dir);
    expect(finding.status).toBe('warn');
    expect(finding.text).toMatch(
      /^please_rate\.wav, thanks\.wav missing or empty in .*: the terminal is silent/,
    );
    expect(finding.text).toContain('scripts/make-voice-prompts.sh');
  });

  it('warns on a folder that is not there at all', () => {
    expect(checkSounds('/nonexistent/sounds').status).toBe('warn');
  });
});
