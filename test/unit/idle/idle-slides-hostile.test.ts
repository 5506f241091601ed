// The hall's notices folder is filled by hall staff: a FIFO or a device under a notice's
// name is left out with the reason, and never hangs the listing (done on the engine's
// thread, at start and on SIGHUP) or a screen's request for a notice.
import { execFileSync } from 'node:child_process';
import { rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listSlides, readSlide } from '../../../src/base/slide-folder.js';
import { tempDir } from '../../helpers/temp.js';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

describe('a hostile notices folder', () => {
  it('leaves out a FIFO named like an image, saying what it is, and lists the rest', () => {
    const dir = tempDir('hcp-slides-');
    writeFileSync(join(dir, '1-指南.png'), PNG);
    execFileSync('mkfifo', [join(dir, '2-pipe.png')]);
    const list = listSlides(dir);
    expect(list.slides.map((s) => s.name)).toEqual(['1-指南.png']);
    expect(list.skipped).toEqual(['2-pipe.png: it is a named pipe (FIFO), not a regular file']);
  });

  it('serves nothing for a notice swapped for a FIFO after the listing, at once', async () => {
    const dir = tempDir('hcp-slides-');
    const file = join(dir, '1-指南.png');
    writeFileSync(file, PNG);
    const list = listSlides(dir);
    const [slide] = list.slides;
    expect((await readSlide(list, slide?.id ?? ''))?.body).toEqual(PNG);
    rmSync(file);
    execFileSync('mkfifo', [file]);
    // A plain open() of a FIFO waits for a writer for ever; this one must not.
    expect(await readSlide(list, slide?.id ?? '')).toBeNull();
  });

  it('serves nothing for a notice swapped for a link to /dev/zero', async () => {
    const dir = tempDir('hcp-slides-');
    const file = join(dir, '1-指南.png');
    writeFileSync(file, PNG);
    const list = listSlides(dir);
    rmSync(file);
    symlinkSync('/dev/zero', file);
    expect(await readSlide(list, list.slides[0]?.id ?? '')).toBeNull();
    expect(listSlides(dir).skipped).toEqual(['1-指南.png: a link to a file outside the folder']);
  });
});
