// The throttled profile: the bench re-run inside a fresh cgroup v1 shaped like a cheap
// kiosk's board (one core, half of it, 1 GiB), everything it spawns inside too (serve,
// Chromium, socat, the keypad simulator), the cgroup removed afterwards even on failure.
// Linux only, as root, with the cpu, cpuset and memory v1 controllers mounted.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const THROTTLED_ENV = 'HCP_BENCH_THROTTLED';
const CONTROLLERS = ['cpu', 'cpuset', 'memory'] as const;
type Controller = (typeof CONTROLLERS)[number];

export interface Throttle {
  /** cpuset.cpus: one core. */
  cpus: string;
  /** cpuset.mems: the parent's memory nodes (a cpuset cannot run a task without them). */
  mems: string;
  periodUs: number;
  /** cpu.cfs_quota_us: half of the period, i.e. half of the one core. */
  quotaUs: number;
  memoryBytes: number;
}

/** "0-3,6" → [0, 1, 2, 3, 6]. */
export function parseCpuList(list: string): number[] {
  const out: number[] = [];
  for (const part of list.trim().split(',')) {
    if (part === '') continue;
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) throw new Error(`not a cpu list: "${list}"`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    for (let c = from; c <= to; c++) out.push(c);
  }
  return out;
}

/** The kiosk's shape from the parent's cpus/mems and CFS period: the last core (not 0, where interrupts land). */
export function throttleValues(parent: { cpus: string; mems: string; periodUs: number }): Throttle {
  const cpus = parseCpuList(parent.cpus);
  const core = cpus.at(-1);
  if (core === undefined) throw new Error('the parent cpuset has no cpus');
  const mems = parseCpuList(parent.mems);
  if (mems.length === 0) throw new Error('the parent cpuset has no memory nodes');
  return {
    cpus: String(core),
    mems: mems.join(','),
    periodUs: parent.periodUs,
    quotaUs: Math.floor(parent.periodUs / 2),
    memoryBytes: 1024 ** 3,
  };
}

/** /proc/self/cgroup (v1 lines "id:ctrl,ctrl:/path") → each controller's own path. */
export function ownCgroupPaths(procSelfCgroup: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const l of procSelfCgroup.split('\n')) {
    const m = /^\d+:([^:]*):(.*)$/.exec(l);
    if (!m || m[1] === '') continue;
    for (const c of (m[1] as string).split(',')) out.set(c, m[2] as string);
  }
  return out;
}

/** Where each controller's new group goes: under the group this process is already in. */
function groupDirs(root: string, name: string): Record<Controller, string> {
  const own = ownCgroupPaths(readFileSync('/proc/self/cgroup', 'utf8'));
  const missing = CONTROLLERS.filter((c) => !own.has(c) || !existsSync(join(root, c, 'cgroup.procs')));
  if (missing.length > 0) {
    throw new Error(
      `the throttled profile needs the cgroup v1 controller(s) ${missing.join(', ')} mounted at ${root}/<controller> ` +
        '(as root: mount -t cgroup -o <controller> none /sys/fs/cgroup/<controller>)',
    );
  }
  const dirs = {} as Record<Controller, string>;
  for (const c of CONTROLLERS) dirs[c] = join(root, c, own.get(c) as string, name);
  return dirs;
}

const read = (f: string) => readFileSync(f, 'utf8').trim();

function pidsIn(dir: string): number[] {
  try {
    return read(join(dir, 'cgroup.procs')).split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Kills what is left in the groups (all of it started by the bench inside them) and removes them. */
async function removeGroups(dirs: string[]): Promise<void> {
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (let i = 0; i < 50 && pidsIn(dir).length > 0; i++) {
      for (const pid of pidsIn(dir)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {}
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    try {
      rmdirSync(dir);
    } catch (e) {
      console.error(
        `could not remove the cgroup ${dir}: ${(e as Error).message}; remove it with rmdir as root`,
      );
    }
  }
}

/**
 * Runs `argv` (a command and its arguments) inside a fresh throttled cgroup and resolves
 * with its exit code. The shell moves itself into the groups and then execs the command,
 * so the command and all it spawns start inside them.
 */
export async function runThrottled(argv: string[], root = '/sys/fs/cgroup'): Promise<number> {
  const dirs = groupDirs(root, `hcp-bench-${process.pid}`);
  const all = Object.values(dirs);
  const parentCpuset = join(dirs.cpuset, '..');
  const t = throttleValues({
    cpus: read(join(parentCpuset, 'cpuset.effective_cpus')),
    mems: read(join(parentCpuset, 'cpuset.effective_mems')),
    periodUs: Number(read(join(dirs.cpu, '..', 'cpu.cfs_period_us'))),
  });
  const forward = (sig: NodeJS.Signals) => () => child?.kill(sig);
  let child: ReturnType<typeof spawn> | undefined;
  const onInt = forward('SIGINT');
  const onTerm = forward('SIGTERM');
  try {
    for (const d of all) mkdirSync(d);
    writeFileSync(join(dirs.cpuset, 'cpuset.cpus'), t.cpus);
    writeFileSync(join(dirs.cpuset, 'cpuset.mems'), t.mems);
    writeFileSync(join(dirs.cpu, 'cpu.cfs_period_us'), String(t.periodUs));
    writeFileSync(join(dirs.cpu, 'cpu.cfs_quota_us'), String(t.quotaUs));
    writeFileSync(join(dirs.memory, 'memory.limit_in_bytes'), String(t.memoryBytes));
    console.log(
      `throttled: cpu ${t.cpus} at ${t.quotaUs}/${t.periodUs} µs, memory ${t.memoryBytes / 1024 ** 2} MiB (cgroups ${dirs.cpu}, …)`,
    );
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    const procs = all.map((d) => join(d, 'cgroup.procs')).join(' ');
    child = spawn(
      '/bin/sh',
      ['-c', `for p in ${procs}; do echo $$ > "$p" || exit 97; done; exec "$@"`, 'sh', ...argv],
      {
        stdio: 'inherit',
        env: { ...process.env, [THROTTLED_ENV]: '1' },
      },
    );
    const c = child;
    const code = await new Promise<number>((resolve, reject) => {
      c.once('error', reject);
      c.once('exit', (n, sig) => resolve(n ?? (sig ? 128 : 1)));
    });
    if (code === 97) console.error('could not move the bench into the throttled cgroups (run as root)');
    return code;
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
    await removeGroups(all);
  }
}

export const throttled = (): boolean => process.env[THROTTLED_ENV] === '1';
