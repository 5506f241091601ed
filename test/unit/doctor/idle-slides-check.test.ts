// doctor's idle-slides line: silent without ui.idleSlides; ok with the count; a warning
// (never a failure, never a crash) for a folder missing, empty, or with files left out.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkIdleSlides } from '../../../src/doctor/idle-slides-check.js';
import { tempDir } from '../../helpers/temp.js';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
const ui = (idleSlides: string | null) => ({
  host: '127.0.0.1',
  port: 7481,
  volume: 80,
  voiceGuide: 'prompt' as const,
  token: null,
  idleSlides,
  idleSlideSeconds: 12,
});

describe('doctor: the hall’s notices', () => {
  it('says nothing when no folder is configured', () => {
    expect(checkIdleSlides(ui(null))).toBeNull();
  });

  it('counts the notices of a good folder', () => {
    const dir = tempDir('hcp-slides-');
    writeFileSync(join(dir, '1.png'), PNG);
    writeFileSync(join(dir, '2.png'), PNG);
    expect(checkIdleSlides(ui(dir))).toEqual({
      status: 'ok',
      part: 'idle-slides',
      text: `2 notice(s) in ${dir}, 12 s each`,
    });
  });

  it('warns with what to do: a missing folder, an empty one, files left out', () => {
    const dir = tempDir('hcp-slides-');
    expect(checkIdleSlides(ui(join(dir, 'notices')))).toEqual({
      status: 'warn',
      part: 'idle-slides',
      text: `ui.idleSlides ${join(dir, 'notices')}: the folder does not exist, so the idle screen shows no notices (create the folder and put the notices in it, or set ui.idleSlides: null)`,
    });
    writeFileSync(join(dir, 'readme.txt'), 'x');
    expect(checkIdleSlides(ui(dir))?.text).toBe(
      `no PNG, JPEG or WebP images in ${dir}, so the idle screen shows no notices (put the hall's notices there, then send the terminal SIGHUP or restart it)`,
    );
    writeFileSync(join(dir, '1.png'), PNG);
    writeFileSync(join(dir, '2.jpg'), 'not a picture');
    expect(checkIdleSlides(ui(dir))).toEqual({
      status: 'warn',
      part: 'idle-slides',
      text: `files left out of ${dir} (1; 1 shown): 2.jpg: not a PNG, JPEG or WebP image (convert, shrink or remove those files, then send the terminal SIGHUP or restart it)`,
    });
  });
});
