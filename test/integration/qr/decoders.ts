// Real QR decoders for the tests: jsQR in-process and zbar's zbarimg as a separate
// program. A missing zbarimg fails the test with the package to install, never skips.

import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import jsqrModule from 'jsqr';
import { PNG } from 'pngjs';

// jsqr is CommonJS typed as an ES module: under NodeNext its function is `.default`.
const jsQR = jsqrModule.default;

export function decodeWithJsQr(png: Buffer): string | null {
  const image = PNG.sync.read(png);
  return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data ?? null;
}

/** Writes the PNG into `dir` and returns what zbarimg reads from it (null: nothing). */
export function decodeWithZbar(png: Buffer, dir: string, name = 'qr.png'): string | null {
  const file = join(dir, name);
  writeFileSync(file, png);
  const run = spawnSync('zbarimg', ['--quiet', '--raw', '-Sdisable', '-Sqrcode.enable', file], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  if (run.error && (run.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error('zbarimg is not installed (Debian zbar-tools): apt-get install -y zbar-tools');
  }
  if (run.error) throw run.error;
  // zbarimg exits 4 when it found no symbol; anything else but 0 is a real failure.
  if (run.status === 4) return null;
  if (run.status !== 0) throw new Error(`zbarimg exited ${run.status}: ${run.stderr}`);
  return run.stdout.replace(/\n$/, '');
}
