// The hall's notices shown on the idle screen (ui.idleSlides): a folder of images that
// hall staff fill themselves. The folder is read when the terminal starts and on SIGHUP;
// what the screens may ask for is exactly that list, by an opaque id, never by a path,
// so no name a screen (or any local program) sends can reach another file.
import { createHash } from 'node:crypto';
import { readdirSync, realpathSync, statSync } from 'node:fs';
import { extname, join, sep } from 'node:path';
import { RefusedFileError, readBoundedFile, readBoundedFileSync } from './read-bounded-file.js';

/** A notice exported from a slide program is well under this; a camera's raw photo is not. */
export const MAX_SLIDE_BYTES = 8 * 1024 * 1024;
/** More notices than this would not come round again within a citizen's wait. */
export const MAX_SLIDES = 30;

export const SLIDE_TYPES = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' } as const;
type SlideType = (typeof SLIDE_TYPES)[keyof typeof SLIDE_TYPES];

const EXTENSIONS: Record<string, keyof typeof SLIDE_TYPES> = {
  '.png': 'png',
  '.jpg': 'jpeg',
  '.jpeg': 'jpeg',
  '.webp': 'webp',
};

export interface Slide {
  /** What the screens ask for: 16 hex digits, new whenever the file changes. */
  id: string;
  /** The file's name without its extension: what a screen reader says for it. */
  title: string;
  name: string;
  /** The file, resolved (symlinks followed) and inside the folder. */
  path: string;
  size: number;
  type: SlideType;
}

export interface SlideList {
  folder: string;
  slides: Slide[];
  /** One line per file left out, or why there are none: for the log and for doctor. */
  skipped: string[];
  /** Why the folder itself gave nothing (missing, not a folder, unreadable), or null. */
  folderProblem: string | null;
}

const ID_PATTERN = /^[0-9a-f]{16}$/;

const collator = new Intl.Collator('zh-CN', { numeric: true, sensitivity: 'variant' });

/** Names in the order hall staff expect: 2 before 10, then by the code points as a tie-break. */
function byName(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

function typeOfBytes(head: Buffer): SlideType | null {
  if (
    head.length >= 8 &&
    head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  )
    return SLIDE_TYPES.png;
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return SLIDE_TYPES.jpeg;
  if (
    head.length >= 12 &&
    head.subarray(0, 4).toString('latin1') === 'RIFF' &&
    head.subarray(8, 12).toString('latin1') === 'WEBP'
  )
    return SLIDE_TYPES.webp;
  return null;
}

function inside(folder: string, path: string): boolean {
  return path.startsWith(folder.endsWith(sep) ? folder : folder + sep);
}

/** A name a hall's notice may have: no hidden files, no control characters, not absurdly long. */
function plainName(name: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  return !name.startsWith('.') && name.length <= 200 && !/[\u0000-\u001f\u007f]/.test(name);
}

function why(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));
}

/**
 * The slides in `folder`, in name order: PNG, JPEG and WebP files (by their first bytes,
 * whatever the extension says) of at most MAX_SLIDE_BYTES, that are (or link to) files
 * inside the folder; at most MAX_SLIDES. Never throws.
 */
export function listSlides(folder: string): SlideList {
  const list: SlideList = { folder, slides: [], skipped: [], folderProblem: null };
  let real: string;
  let names: string[];
  try {
    real = realpathSync(folder);
    if (!statSync(real).isDirectory()) {
      list.folderProblem = 'it is not a folder';
      return list;
    }
    names = readdirSync(real);
  } catch (err) {
    const code = why(err);
    list.folderProblem =
      code === 'ENOENT' ? 'the folder does not exist' : `the folder cannot be read (${code})`;
    return list;
  }
  for (const name of names.sort(byName)) {
    const kind = EXTENSIONS[extname(name).toLowerCase()];
    if (!kind || !plainName(name)) continue;
    const skip = (reason: string) => list.skipped.push(`${name}: ${reason}`);
    if (list.slides.length === MAX_SLIDES) {
      skip(`more than ${MAX_SLIDES} images, left out`);
      continue;
    }
    try {
      const path = realpathSync(join(real, name));
      if (!inside(real, path)) {
        skip('a link to a file outside the folder');
        continue;
      }
      let head: Buffer;
      let st: { size: number; mtimeMs: number; ino: number };
      try {
        // The type, the size and the first bytes all from one open descriptor (a FIFO or a
        // device swapped in under a notice's name cannot hang the terminal); the path is
        // already resolved, so a link put there since is refused too.
        ({ bytes: head, facts: st } = readBoundedFileSync(path, {
          maxBytes: MAX_SLIDE_BYTES,
          headBytes: 12,
          noFollow: true,
        }));
      } catch (err) {
        if (!(err instanceof RefusedFileError)) throw err;
        // A folder that happens to be named like an image is not a notice, and not news.
        if (err.code === 'EISDIR') continue;
        const limit = MAX_SLIDE_BYTES / 1024 / 1024;
        if (err.code !== 'EFBIG') skip(err.reason);
        else if (err.size === null) skip(`more than ${limit} MB, over the ${limit} MB limit`);
        else skip(`${(err.size / 1024 / 1024).toFixed(1)} MB, over the ${limit} MB limit`);
        continue;
      }
      const type = typeOfBytes(head);
      if (type === null) {
        skip('not a PNG, JPEG or WebP image');
        continue;
      }
      const id = createHash('sha256')
        .update(`${path}\0${st.size}\0${st.mtimeMs}\0${st.ino}`)
        .digest('hex')
        .slice(0, 16);
      list.slides.push({ id, title: name.slice(0, -extname(name).length), name, path, size: st.size, type });
    } catch (err) {
      skip(`cannot be read (${why(err)})`);
    }
  }
  return list;
}

/**
 * The body of slide `id` of `list`, or null: an id that is not on the list, or a file
 * that has since grown past the limit, gone, or been swapped for a link out of the folder.
 */
export async function readSlide(
  list: SlideList | null,
  id: string,
): Promise<{ body: Buffer; type: string } | null> {
  if (!list || !ID_PATTERN.test(id)) return null;
  const slide = list.slides.find((s) => s.id === id);
  if (!slide) return null;
  try {
    const folder = realpathSync(list.folder);
    const path = realpathSync(slide.path);
    if (!inside(folder, path)) return null;
    // One descriptor, opened without following a link put there since, without blocking
    // on a FIFO, and read to at most the limit and one byte more: a file swapped for a
    // huge one (or a device) after the listing is refused, never loaded whole.
    const { bytes: body } = await readBoundedFile(path, { maxBytes: MAX_SLIDE_BYTES, noFollow: true });
    if (typeOfBytes(body.subarray(0, 12)) !== slide.type) return null;
    return { body, type: slide.type };
  } catch {
    return null;
  }
}
