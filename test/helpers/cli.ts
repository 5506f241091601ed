import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

export const BIN = new URL('../../bin/haochaping-terminal.js', import.meta.url).pathname;

export interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

/**
 * Runs the installed command as a technician would (the build must exist: npm test builds
 * first). `where.bin`: another copy of the command (an installed package's); `where.cwd`:
 * the folder it runs in; `where.via`: a command the node process runs under, e.g.
 * ['prlimit', '--data=…', '--'] (it must exec node).
 */
export function runCli(
  args: string[],
  env: Record<string, string> = {},
  where: { bin?: string; cwd?: string; via?: string[] } = {},
): Run {
  const [command = process.execPath, ...rest] = [
    ...(where.via ?? []),
    process.execPath,
    where.bin ?? BIN,
    ...args,
  ];
  const child = spawn(command, rest, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(where.cwd ? { cwd: where.cwd } : {}),
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    err += d;
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exit };
}

export async function waitFor(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}
