// The hostile files a technician's path can name by mistake (or on purpose), each made
// at a given path, with the words the terminal must answer it with; and the memory
// limit the terminal runs under in these tests.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { expect } from 'vitest';

export interface HostileFile {
  name: string;
  /** Puts the file at `path` (replacing whatever is there); `valid` is a configuration that loads. */
  make(path: string, valid: string): void;
  /** What the terminal's line must say about it. */
  says: string;
}

function replace(path: string): void {
  rmSync(path, { force: true });
}

/** Every key of a configuration, and tens of thousands more: well under 1 MiB of YAML. */
export function manyKeys(valid: string, count: number): string {
  const extra = Array.from({ length: count }, (_, i) => `k${i.toString(36)}: 1`).join('\n');
  return `${valid}${extra}\n`;
}

/** The "billion laughs": nine aliases of nine aliases of … nine strings, a few hundred bytes. */
export function aliasBomb(): string {
  let text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
  for (let i = 1; i < 9; i++) {
    const name = String.fromCharCode(97 + i);
    const previous = String.fromCharCode(96 + i);
    text += `${name}: &${name} [${Array(9).fill(`*${previous}`).join(', ')}]\n`;
  }
  return text;
}

export function mkfifo(path: string): void {
  const found = (process.env.PATH ?? '/usr/bin').split(delimiter).some((d) => existsSync(join(d, 'mkfifo')));
  if (!found) throw new Error('mkfifo (coreutils) is not installed; these tests need it to make a FIFO');
  execFileSync('mkfifo', [path]);
}

export const HOSTILE_FILES: HostileFile[] = [
  {
    name: 'a FIFO nobody writes to',
    make: (path) => {
      replace(path);
      mkfifo(path);
    },
    says: 'cannot use the file (it is a named pipe (FIFO), not a regular file)',
  },
  {
    name: 'a symbolic link to /dev/zero',
    make: (path) => {
      replace(path);
      symlinkSync('/dev/zero', path);
    },
    says: 'cannot use the file (it is a link to /dev/zero, which is a device, not a regular file)',
  },
  {
    name: 'a configuration with 80 000 keys (under 1 MiB)',
    make: (path, valid) => {
      replace(path);
      writeFileSync(path, manyKeys(valid, 80_000));
    },
    says: 'the file holds more than 10 000 keys, values and other YAML items',
  },
  {
    name: 'a 50 MB file',
    make: (path, valid) => {
      replace(path);
      writeFileSync(path, valid);
      truncateSync(path, 50 * 1024 * 1024);
    },
    says: 'cannot use the file (it is 50 MiB, more than the 1 MiB this file may be)',
  },
  {
    name: 'nesting 100 000 levels deep',
    make: (path, valid) => {
      replace(path);
      writeFileSync(path, `${valid}deep: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`);
    },
    says: 'the file nests more than 32 levels deep here',
  },
  {
    name: 'an alias bomb',
    make: (path, valid) => {
      replace(path);
      writeFileSync(path, `${valid}${aliasBomb()}`);
    },
    says: 'the aliases (*name) in the file expand to too much data',
  },
];

/**
 * The memory the terminal may take in these tests: 1 GiB of data (RLIMIT_DATA, which
 * counts the heap and every Buffer). Not RLIMIT_AS (`ulimit -v`): V8 reserves more than
 * 1 GiB of address space at start, so node aborts under it before running a line; and
 * not a cgroup, which this machine's tests may not create. /dev/zero read whole passes
 * this limit within seconds, and the process then aborts.
 */
export const MEMORY_LIMIT = 1024 * 1024 * 1024;

/** The prefix that runs node under MEMORY_LIMIT; fails naming prlimit when it is missing. */
export function underMemoryLimit(): string[] {
  const found = (process.env.PATH ?? '/usr/bin').split(delimiter).some((d) => existsSync(join(d, 'prlimit')));
  if (!found)
    throw new Error(
      'prlimit (util-linux) is not installed; these tests run the terminal under a 1 GiB memory limit with it',
    );
  return ['prlimit', `--data=${MEMORY_LIMIT}`, '--'];
}

function dataLimits(limits: string): string[] {
  const line = limits.split('\n').find((l) => l.startsWith('Max data size')) ?? '';
  return line.split(/\s{2,}/).slice(1, 3);
}

/**
 * Checks that the limit holds for a running process: call it once the process has shown
 * it runs the terminal (before that, prlimit may not have exec'd node yet).
 */
export function expectMemoryLimited(pid: number | undefined): void {
  expect(pid, 'the process id').toBeDefined();
  expect(dataLimits(readFileSync(`/proc/${pid}/limits`, 'utf8')), 'the soft and hard data limits').toEqual([
    String(MEMORY_LIMIT),
    String(MEMORY_LIMIT),
  ]);
}

/** Runs a line of node under the limit: its exit code, and what it printed. */
export function nodeUnderLimit(script: string): { status: number | null; stdout: string } {
  const [command = 'prlimit', ...args] = [...underMemoryLimit(), process.execPath, '-e', script];
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, stdout: result.stdout };
}

/** The limit, as node run under it reads it from /proc/self/limits. */
export function limitSeenByNode(): string[] {
  return dataLimits(
    nodeUnderLimit("process.stdout.write(require('fs').readFileSync('/proc/self/limits'))").stdout,
  );
}

/** A stack trace's frame line: never shown to a technician. */
export const STACK_FRAME = /^\s+at .+\(.*:\d+:\d+\)$|^\s+at .+:\d+:\d+$|FATAL ERROR|node:internal/m;
