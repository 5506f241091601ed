// A real ext4 or xfs disk whose power can be cut: a file-backed loop device. The cut is
// the shutdown ioctl with NOLOGFLUSH — `xfs_io -x -c shutdown` without -f issues
// XFS_IOC_GOINGDOWN (the same number as EXT4_IOC_SHUTDOWN) with flag 2, which is
// XFS_FSOP_GOING_FLAGS_NOLOGFLUSH and EXT4_GOING_FLAGS_NOLOGFLUSH alike: the filesystem
// stops at once, its journal not flushed, and every write not yet made durable by fsync
// is lost, as when the power goes; the page cache that a plain SIGKILL leaves intact
// does not reach the disk. Re-mounting replays the journal as a reboot would.
// ext4 is mounted with noauto_da_alloc: its heuristic that flushes a file truncated or
// replaced in place on close would otherwise hide a missing fsync (xfs has no such
// heuristic).
// Needs root, loop devices, mkfs.ext4 or mkfs.xfs, and xfs_io (Debian's xfsprogs); CI
// has them. Anywhere else the test fails saying which is missing, never skips.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface LoopDisk {
  /** Where the filesystem is mounted. */
  dir: string;
  /** The power cut: writes not yet synced are gone; the filesystem refuses all I/O. */
  cut(): void;
  /**
   * The same cut with xfs_io already started and waiting: the returned function cuts
   * within a fraction of a millisecond, so a cut can be aimed at a short write.
   */
  armCut(): () => Promise<void>;
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

export type DiskKind = 'ext4' | 'xfs';

const MOUNT_OPTIONS: Record<DiskKind, string> = { ext4: 'noauto_da_alloc', xfs: 'defaults' };

/** xfs needs at least 300 MiB; the file is sparse, so only what is written takes room. */
export function makeLoopDisk(sizeMiB: number, kind: DiskKind = 'ext4'): LoopDisk {
  if (process.getuid?.() !== 0) {
    throw new Error(`the power-cut test mounts an ${kind} loop device: run it as root (CI does)`);
  }
  for (const [tool, pkg] of [
    ['losetup', 'mount'],
    kind === 'ext4' ? (['mkfs.ext4', 'e2fsprogs'] as const) : (['mkfs.xfs', 'xfsprogs'] as const),
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
    if (kind === 'ext4') run('mkfs.ext4', ['-q', '-F', device]);
    else run('mkfs.xfs', ['-q', '-f', device]);
    run('mount', ['-o', MOUNT_OPTIONS[kind], device, dir]);
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
    armCut() {
      // Interactive xfs_io reads its commands from stdin: started now, it has the
      // filesystem open and only the ioctl is left to do when the line arrives.
      const io = spawn('xfs_io', ['-x', dir], { stdio: ['pipe', 'ignore', 'pipe'] });
      let err = '';
      io.stderr.on('data', (d) => {
        err += d;
      });
      const exited = new Promise<number | null>((resolve) => io.once('exit', resolve));
      return async () => {
        io.stdin.end('shutdown\nquit\n');
        const code = await exited;
        if (code !== 0 || err.trim() !== '')
          throw new Error(`xfs_io shutdown failed (${code}): ${err.trim()}`);
      };
    },
    remount() {
      run('umount', [dir]);
      mounted = false;
      run('mount', ['-o', MOUNT_OPTIONS[kind], device as string, dir]);
      mounted = true;
    },
    destroy,
  };
}
