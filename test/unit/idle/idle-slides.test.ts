// The hall's notices (ui.idleSlides) as the engine lists and serves them, on real files
// in a temporary folder: the order hall staff expect, only real images, the caps, and
// nothing outside the folder reachable by any name or any link.
import { mkdirSync, renameSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listSlides, MAX_SLIDE_BYTES, MAX_SLIDES, readSlide } from '../../../src/base/slide-folder.js';
import { tempDir } from '../../helpers/temp.js';

const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from('png body'),
]);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('jpeg body')]);
const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0, 0, 0, 0]), Buffer.from('WEBPVP8 ')]);

function folderWith(files: Record<string, Buffer | string>): string {
  const dir = tempDir('hcp-slides-');
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
  return dir;
}

describe('listing the notices', () => {
  it('keeps PNG, JPEG and WebP files in name order as people read it (2 before 10)', () => {
    const dir = folderWith({
      '10-温馨提示.png': PNG,
      '2-预约.jpg': JPEG,
      '1-办事指南.png': PNG,
      '3-延时服务.JPEG': JPEG,
      '4-new.webp': WEBP,
      'readme.txt': 'not a notice',
      '.hidden.png': PNG,
      'notes.svg': '<svg/>',
    });
    const list = listSlides(dir);
    expect(list.folderProblem).toBeNull();
    expect(list.slides.map((s) => [s.name, s.title, s.type])).toEqual([
      ['1-办事指南.png', '1-办事指南', 'image/png'],
      ['2-预约.jpg', '2-预约', 'image/jpeg'],
      ['3-延时服务.JPEG', '3-延时服务', 'image/jpeg'],
      ['4-new.webp', '4-new', 'image/webp'],
      ['10-温馨提示.png', '10-温馨提示', 'image/png'],
    ]);
    // Other files are simply not notices: nothing to say about them.
    expect(list.skipped).toEqual([]);
    for (const s of list.slides) expect(s.id).toMatch(/^[0-9a-f]{16}$/);
  });

  it('judges a file by its first bytes, not its name, and says which were left out and why', () => {
    const dir = folderWith({
      'a-photo.png': JPEG,
      'b-text.png': 'hello, not an image',
      'c-empty.jpg': '',
      'd-big.png': Buffer.concat([PNG, Buffer.alloc(MAX_SLIDE_BYTES)]),
    });
    mkdirSync(join(dir, 'e-folder.png'));
    const list = listSlides(dir);
    expect(list.slides.map((s) => [s.name, s.type])).toEqual([['a-photo.png', 'image/jpeg']]);
    expect(list.skipped).toEqual([
      'b-text.png: not a PNG, JPEG or WebP image',
      'c-empty.jpg: not a PNG, JPEG or WebP image',
      'd-big.png: 8.0 MB, over the 8 MB limit',
    ]);
  });

  it(`takes at most ${MAX_SLIDES}, the first by name, and names the rest`, () => {
    const files: Record<string, Buffer> = {};
    for (let i = 1; i <= MAX_SLIDES + 2; i++) files[`${i}.png`] = PNG;
    const list = listSlides(folderWith(files));
    expect(list.slides.map((s) => s.name)).toEqual(
      Array.from({ length: MAX_SLIDES }, (_, i) => `${i + 1}.png`),
    );
    expect(list.skipped).toEqual([
      `${MAX_SLIDES + 1}.png: more than ${MAX_SLIDES} images, left out`,
      `${MAX_SLIDES + 2}.png: more than ${MAX_SLIDES} images, left out`,
    ]);
  });

  it('follows a link to a file inside the folder, never one out of it', () => {
    const dir = folderWith({ '1.png': PNG });
    const outside = folderWith({ 'secret.png': PNG });
    symlinkSync(join(dir, '1.png'), join(dir, '2-same.png'));
    symlinkSync(join(outside, 'secret.png'), join(dir, '3-out.png'));
    symlinkSync('../', join(dir, '4-up.png'));
    symlinkSync(join(dir, 'missing.png'), join(dir, '5-dangling.png'));
    const list = listSlides(dir);
    expect(list.slides.map((s) => s.name)).toEqual(['1.png', '2-same.png']);
    expect(list.skipped).toEqual([
      '3-out.png: a link to a file outside the folder',
      '4-up.png: a link to a file outside the folder',
      '5-dangling.png: cannot be read (ENOENT)',
    ]);
  });

  it('a missing, non-folder or unreadable folder gives no notices and says why, never throws', () => {
    const dir = tempDir('hcp-slides-');
    expect(listSlides(join(dir, 'nope'))).toEqual({
      folder: join(dir, 'nope'),
      slides: [],
      skipped: [],
      folderProblem: 'the folder does not exist',
    });
    writeFileSync(join(dir, 'file'), 'x');
    expect(listSlides(join(dir, 'file')).folderProblem).toBe('it is not a folder');
    symlinkSync(join(dir, 'loop'), join(dir, 'loop'));
    expect(listSlides(join(dir, 'loop')).folderProblem).toBe('the folder cannot be read (ELOOP)');
    expect(listSlides(tempDir('hcp-empty-'))).toMatchObject({ slides: [], folderProblem: null });
  });

  it('gives a notice a new id when its file changes, and the same id while it does not', () => {
    const dir = folderWith({ '1.png': PNG });
    const first = listSlides(dir).slides[0]?.id;
    expect(listSlides(dir).slides[0]?.id).toBe(first);
    writeFileSync(join(dir, '1.png'), Buffer.concat([PNG, Buffer.from('changed')]));
    expect(listSlides(dir).slides[0]?.id).not.toBe(first);
  });
});

describe('serving a notice', () => {
  it('by its id only: names, paths, encodings and unknown ids are refused', async () => {
    const dir = folderWith({ '1-办事指南.png': PNG });
    writeFileSync(join(dir, '..', 'config.json'), '{"secret":1}');
    const list = listSlides(dir);
    const id = list.slides[0]?.id as string;
    expect(await readSlide(list, id)).toEqual({ body: PNG, type: 'image/png' });
    for (const hostile of [
      '1-办事指南.png',
      '../config.json',
      '..%2fconfig.json',
      '%2e%2e',
      id.toUpperCase(),
      `${id}/`,
      `${id}\0`,
      `../${id}`,
      '0000000000000000',
      '',
    ])
      expect(await readSlide(list, hostile), hostile).toBeNull();
    expect(await readSlide(null, id)).toBeNull();
  });

  it('refuses a listed file that has since gone, grown past the limit, or been swapped for a link out', async () => {
    const dir = folderWith({ '1.png': PNG, '2.png': PNG, '3.png': PNG });
    const outside = folderWith({ 'secret.png': PNG });
    const list = listSlides(dir);
    const [one, two, three] = list.slides.map((s) => s.id) as [string, string, string];
    rmSync(join(dir, '1.png'));
    truncateSync(join(dir, '2.png'), MAX_SLIDE_BYTES + 1);
    renameSync(join(dir, '3.png'), join(outside, 'moved.png'));
    symlinkSync(join(outside, 'secret.png'), join(dir, '3.png'));
    expect(await readSlide(list, one)).toBeNull();
    expect(await readSlide(list, two)).toBeNull();
    expect(await readSlide(list, three)).toBeNull();
  });

  it('refuses a listed file whose bytes are no longer the image it was', async () => {
    const dir = folderWith({ '1.png': PNG });
    const list = listSlides(dir);
    writeFileSync(join(dir, '1.png'), '<script>alert(1)</script>');
    expect(await readSlide(list, list.slides[0]?.id as string)).toBeNull();
  });
});
