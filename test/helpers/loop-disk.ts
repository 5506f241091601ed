// A real ext4 disk whose power can be cut: a file-backed loop device. The cut is
// EXT4_IOC_SHUTDOWN with NOLOGFLUSH (what `xfs_io -x -c shutdown` issues without -f):
// the filesystem stops at once and every write not yet made durable by fsync is lost,
// as when the power goes; the page cache that a plain SIGKILL leaves intact does not
// reach the disk. Re-mounting replays the journal as a reboot would.
// Mounted with noauto_da_alloc: ext4's heuristic that flushes a file truncated or
// replaced in place on close would otherwise hide a missing fsync (other filesystems
// have no such heuristic).
// Needs root, loop devices, mkfs.ext4 and xfs_io (Debian's xfsprogs); CI has them.
// Anywhere else the test fails saying which is missing, never skips.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface LoopDisk {
  /** Where the filesystem is mounted. */
  dir: string;
  /** The power cut: writes not yet synced are gone; the filesystem refuses all I/O. */
  cut(): void;
  /** The reboot: unmount the dead filesystem and mount it again (journal replayed). */
  remount(): void;
  /** Unmounts and frees the loop device; safe to call after any failure. */
  destroy(): void;
}

function has(tool: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function run(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed: ${(e.stderr ?? '').trim() || e.message}`);
  }
}

const MOUNT_OPTIONS = 'noauto_da_alloc';

export function makeLoopDisk(sizeMiB: number): LoopDisk {
  if (process.getuid?.() !== 0) {
    throw new Error('the power-cut test mounts an ext4 loop device: run it as root (CI does)');
  }
  for (const [tool, pkg] of [
    ['losetup', 'mount'],
    ['mkfs.ext4', 'e2fsprogs'],
    ['xfs_io', 'xfsprogs'],
  ] as const) {
    if (!has(tool)) throw new Error(`the power-cut test needs ${tool}: apt-get install ${pkg}`);
  }
  const base = mkdtempSync(join(tmpdir(), 'hcp-power-'));
  const image = join(base, 'disk.img');
  const dir = join(base, 'mnt');
  mkdirSync(dir);
  let device: string | null = null;
  let mounted = false;
  const destroy = () => {
    if (mounted) {
      try {
        run('umount', [dir]);
      } catch {
        // Still busy (a child not yet reaped): a lazy unmount lets the device go.
        try {
          run('umount', ['-l', dir]);
        } catch {}
      }
      mounted = false;
    }
    if (device) {
      try {
        run('losetup', ['-d', device]);
      } catch {}
      device = null;
    }
    rmSync(base, { recursive: true, force: true });
  };
  try {
    run('truncate', ['-s', `${sizeMiB}M`, image]);
    try {
      device = run('losetup', ['-f', '--show', image]);
    } catch (err) {
      throw new Error(`no free loop device for the power-cut test (${(err as Error).message})`);
    }
    run('mkfs.ext4', ['-q', '-F', device]);
    run('mount', ['-o', MOUNT_OPTIONS, device, dir]);
    mounted = true;
  } catch (err) {
    destroy();
    throw err;
  }
  return {
    dir,
    cut() {
      run('xfs_io', ['-x', '-c', 'shutdown', dir]);
    },
    remount() {
      run('umount', [dir]);
      mounted = false;
      run('mount', ['-o', MOUNT_OPTIONS, device as string, dir]);
      mounted = true;
    },
    destroy,
  };
}
