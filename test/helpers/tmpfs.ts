// A real small disk for full-disk and read-only tests: a tmpfs mount. Needs root (CI
// runs as root); anywhere else the test fails saying so rather than skipping.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SmallDisk {
  dir: string;
  remount(mode: 'ro' | 'rw'): void;
  unmount(): void;
}

export function mountSmallDisk(sizeKiB: number): SmallDisk {
  if (process.getuid?.() !== 0) {
    throw new Error('this test mounts a small tmpfs to fill a real disk: run it as root (CI does)');
  }
  const dir = mkdtempSync(join(tmpdir(), 'hcp-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKiB}k`, 'tmpfs', dir]);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`cannot mount a tmpfs (needs the mount command and root): ${(err as Error).message}`);
  }
  return {
    dir,
    remount(mode) {
      execFileSync('mount', ['-o', `remount,${mode}`, dir]);
    },
    unmount() {
      execFileSync('umount', ['-l', dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Fills the disk to the last byte with one file; returns its path. */
export function fillDisk(dir: string): string {
  const path = join(dir, 'filler.bin');
  try {
    execFileSync('dd', ['if=/dev/zero', `of=${path}`, 'bs=4k'], { stdio: 'ignore' });
  } catch {
    // dd stops with "No space left on device": that is the point.
  }
  return path;
}
