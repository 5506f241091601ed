// The screens' files, served from the build folder. Only files under the root, only
// known types: the page is a kiosk, not a file browser.
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { readSlide, type SlideList } from '../../engine/idle-slides.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.woff2': 'font/woff2',
};

export interface StaticFile {
  body: Buffer;
  type: string;
  /** Its address changes whenever it does (a hall notice): the screen may keep it. */
  immutable?: boolean;
}

/** Reads `urlPath` below `root`, or null when it is not a servable file there. */
export async function readStatic(root: string, urlPath: string): Promise<StaticFile | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const full = normalize(join(root, decoded));
  if (!full.startsWith(root.endsWith(sep) ? root : root + sep)) return null;
  const type = TYPES[extname(full).toLowerCase()];
  if (!type) return null;
  try {
    return { body: await readFile(full), type };
  } catch {
    return null;
  }
}

export interface ScreenRoots {
  /** The built screens (dist/web). */
  web: string;
  /** Voice prompts (assets/sounds). */
  sounds: string;
  /** The hall's notices as last read (ui.idleSlides); absent or null: none. */
  slides?: () => SlideList | null;
}

/**
 * The screens' URL layout, the same in both shells: `/` is the page, `/app/…` its
 * scripts and styles, `/sounds/…` the voice prompts, `/slides/ID` a hall notice by the id
 * the view gave (never a file name). Null for anything else.
 */
export function readScreenFile(urlPath: string, roots: ScreenRoots): Promise<StaticFile | null> {
  if (urlPath === '/') return readStatic(roots.web, 'renderer/index.html');
  if (urlPath.startsWith('/app/')) return readStatic(roots.web, urlPath.slice('/app/'.length));
  if (urlPath.startsWith('/sounds/')) return readStatic(roots.sounds, urlPath.slice('/sounds/'.length));
  if (urlPath.startsWith('/slides/'))
    return readSlide(roots.slides?.() ?? null, urlPath.slice('/slides/'.length)).then((s) =>
      s ? { ...s, immutable: true } : null,
    );
  return Promise.resolve(null);
}
