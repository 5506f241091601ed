// The screens are served from app://terminal/, a custom protocol (never file://),
// with the same strict Content-Security-Policy as the serve shell.
import { join } from 'node:path';
import { protocol } from 'electron';
import { PACKAGE_ROOT } from '../../base/package-root.js';
import type { SlideList } from '../../base/slide-folder.js';
import { readScreenFile } from '../screen-files.js';
import { APP_SCHEME } from './channels.js';

export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self'; connect-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Must run before the app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: false, corsEnabled: false },
    },
  ]);
}

/** `slides`: the hall's notices as last read (ui.idleSlides), once the terminal runs. */
export function serveAppScheme(slides: () => SlideList | null = () => null): void {
  const roots = {
    web: join(PACKAGE_ROOT, 'dist', 'web'),
    sounds: join(PACKAGE_ROOT, 'assets', 'sounds'),
    slides,
  };
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    const file = url.host === 'terminal' ? await readScreenFile(url.pathname, roots) : null;
    if (!file) return new Response('not found', { status: 404 });
    return new Response(new Uint8Array(file.body), {
      headers: {
        'Content-Type': file.type,
        'Content-Security-Policy': CONTENT_SECURITY_POLICY,
        'X-Content-Type-Options': 'nosniff',
        ...(file.immutable ? { 'Cache-Control': 'private, max-age=86400, immutable' } : {}),
      },
    });
  });
}
