// What a screen's URL names, for both shells (serve's HTTP and Electron's app://).
import { readSlide, type SlideList } from '../base/slide-folder.js';
import { readStatic, type StaticFile } from '../base/static-files.js';

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
