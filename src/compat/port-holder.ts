// Which program holds a TCP port, where the system tells it: a start-up error that says
// "port 1919 is held by GWQService.exe (pid 4312)" is one a technician can act on. Linux
// reads /proc (the sockets' inodes, then which process has them open: only the user's own
// processes, unless run as root); Windows asks netstat and tasklist. Anything else, or
// anything that fails, answers null: the message then only names the port.

import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface PortHolder {
  pid: number;
  /** The program's name (comm on Linux, the image name on Windows). */
  name: string;
}

const LISTEN = '0A';

function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const local = cols[1];
      if (!local || cols[3] !== LISTEN || !local.endsWith(`:${hexPort}`)) continue;
      if (cols[9]) inodes.add(cols[9]);
    }
  }
  return inodes;
}

function linuxHolder(port: number): PortHolder | null {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return null;
  const wanted = new Set([...inodes].map((i) => `socket:[${i}]`));
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue; // another user's process, or gone
    }
    for (const fd of fds) {
      let link: string;
      try {
        link = readlinkSync(`/proc/${entry}/fd/${fd}`);
      } catch {
        continue;
      }
      if (!wanted.has(link)) continue;
      let name = '?';
      try {
        name = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      } catch {
        // The process ended meanwhile: its pid is still worth saying.
      }
      return { pid: Number(entry), name };
    }
  }
  return null;
}

function windowsHolder(port: number): PortHolder | null {
  const netstat = execFileSync('netstat', ['-ano', '-p', 'TCP'], { encoding: 'utf8', timeout: 5_000 });
  const line = netstat
    .split(/\r?\n/)
    .map((l) => l.trim().split(/\s+/))
    .find((cols) => cols[0] === 'TCP' && cols[1]?.endsWith(`:${port}`) && cols[3] === 'LISTENING');
  const pid = Number(line?.[4]);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  const list = execFileSync('tasklist', ['/FI', `PID eq ${pid}`, '/FO', 'CSV', '/NH'], {
    encoding: 'utf8',
    timeout: 5_000,
  });
  const name = /^"([^"]+)"/.exec(list.trim())?.[1] ?? '?';
  return { pid, name };
}

/** The process listening on `port`, or null when the system does not tell. Never throws. */
export function portHolder(port: number): PortHolder | null {
  try {
    if (process.platform === 'linux') return linuxHolder(port);
    if (process.platform === 'win32') return windowsHolder(port);
  } catch {
    // A tool missing or refused: the message names the port only.
  }
  return null;
}

/** " (held by NAME, pid N)", or "" when the holder is not known. */
export function heldBy(port: number): string {
  const holder = portHolder(port);
  return holder ? ` (held by ${holder.name}, pid ${holder.pid})` : '';
}
