// A real serial line for tests: a socat pseudo-terminal pair whose two ends have
// stable symlink paths, so it can be killed (the cable pulled) and started again at the
// same paths (plugged back in). A missing socat fails the test, naming it.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface PtyPair {
  /** The terminal's end (what keypad.path points to). */
  readonly a: string;
  /** The keypad's end (the simulator opens this). */
  readonly b: string;
  readonly dir: string;
  readonly running: boolean;
  /** Kills socat: both ends vanish, as when the cable is pulled. */
  kill(): Promise<void>;
  /** Starts socat again at the same paths. */
  restart(): Promise<void>;
  /** Kills socat and removes the folder. */
  close(): Promise<void>;
}

export function socatPath(): string {
  for (const dir of (process.env.PATH ?? '/usr/bin').split(delimiter)) {
    const candidate = join(dir, 'socat');
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(
    'socat is not installed (these tests need real pseudo-terminals): apt-get install -y socat',
  );
}

export async function startPtyPair(names: { a?: string; b?: string } = {}): Promise<PtyPair> {
  const bin = socatPath();
  const dir = mkdtempSync(join(tmpdir(), 'hcp-pty-'));
  const a = join(dir, names.a ?? 'terminal');
  const b = join(dir, names.b ?? 'keypad');
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  let log = '';

  const start = async () => {
    rmSync(a, { force: true });
    rmSync(b, { force: true });
    log = '';
    const c = spawn(bin, ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    c.stderr?.on('data', (d) => {
      log += d;
    });
    child = c;
    exited = new Promise((resolve) => c.once('exit', () => resolve()));
    const end = Date.now() + 5_000;
    while (!(existsSync(a) && existsSync(b))) {
      if (c.exitCode !== null || Date.now() > end) {
        c.kill('SIGKILL');
        throw new Error(`socat did not create ${a} and ${b}: ${log.trim() || 'no output'}`);
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  const kill = async () => {
    const c = child;
    child = null;
    if (!c) return;
    if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
    await exited;
    // socat removes its links on SIGTERM; make sure, so a restart cannot find stale ones.
    rmSync(a, { force: true });
    rmSync(b, { force: true });
  };

  await start();
  return {
    a,
    b,
    dir,
    get running() {
      return child !== null;
    },
    kill,
    async restart() {
      await kill();
      await start();
    },
    async close() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
