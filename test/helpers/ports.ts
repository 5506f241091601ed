// Ports for the tests. A test never needs a fixed port to be free: in-process servers
// listen on port 0 and say which port they got; a process that must be given its port
// (serve, hall, a broker) gets ports the system just handed out, and is started again
// on others when another program took one first. The one test of the default ports
// (7480/7481) first checks they are free, and names whoever holds them when not.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import type { TerminalConfig } from '../../src/config/terminal-config.js';
import type { Run } from './cli.js';
import { waitFor } from './cli.js';

/** `n` ports the system gives out, held together until all are known: never one twice. */
export async function freePorts(n: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const s = createServer();
      servers.push(s);
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(0, '127.0.0.1', () => resolve());
      });
    }
    return servers.map((s) => (s.address() as { port: number }).port);
  } finally {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  }
}

/** What serve, hall and mosquitto say when a port was taken meanwhile. */
export const PORT_CLASH = /already in use|EADDRINUSE/;

const ATTEMPTS = 5;

/**
 * Starts a process on `count` fresh ports: `start(ports)` runs it, `ready(run)` says it
 * is up. When it stops because a port was taken between the system handing it out and
 * the process binding it, it is started again on new ports (up to 5 times).
 */
export async function startOnFreePorts(
  count: number,
  start: (ports: number[]) => Run,
  ready: (run: Run) => boolean,
  what: string,
  ms = 20_000,
): Promise<{ run: Run; ports: number[] }> {
  for (let attempt = 1; ; attempt++) {
    const ports = await freePorts(count);
    const run = start(ports);
    let exited = false;
    void run.exit.then(() => {
      exited = true;
    });
    await waitFor(() => exited || ready(run), what, ms);
    if (!exited) return { run, ports };
    const said = `${run.stdout()}\n${run.stderr()}`;
    if (!PORT_CLASH.test(said) || attempt >= ATTEMPTS)
      throw new Error(`${what}: it stopped (exit ${await run.exit}):\n${said.trim()}`);
  }
}

/**
 * Who listens on TCP `port` (from `ss -ltnp`), e.g. `node (pid 4242)`; null when no one.
 * A missing `ss` fails with a message naming it.
 */
export function portHolder(port: number, via: readonly string[] = []): string | null {
  let out: string;
  try {
    const [command = 'ss', ...args] = [...via, 'ss', '-Hltnp', `sport = :${port}`];
    out = execFileSync(command, args, { encoding: 'utf8' });
  } catch (err) {
    throw new Error(
      `cannot tell who holds port ${port}: ss (Debian package iproute2) failed: ${String(err)}`,
    );
  }
  const lines = out.split('\n').filter((l) => l.trim() !== '');
  if (lines.length === 0) return null;
  const users = [...out.matchAll(/\("([^"]+)",pid=(\d+)/g)].map((m) => {
    const line = commandLine(Number(m[2]));
    return `${m[1]} (pid ${m[2]}${line ? `: ${line}` : ''})`;
  });
  return users.length > 0 ? [...new Set(users)].join(', ') : 'a program ss cannot name';
}

/** A process's command line (Linux /proc), shortened; null when it cannot be read. */
function commandLine(pid: number): string | null {
  try {
    const line = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
    return line.length > 160 ? `${line.slice(0, 160)}…` : line || null;
  } catch {
    return null;
  }
}

/**
 * Throws, naming the programs, when any of `ports` is held: for the test of the
 * built-in defaults, which must have them. `via`: run `ss` so (e.g. inside the test's
 * own network namespace).
 */
export function expectPortsFree(ports: readonly number[], via: readonly string[] = []): void {
  const held = ports.flatMap((p) => {
    const who = portHolder(p, via);
    return who === null ? [] : [`port ${p} is held by ${who}`];
  });
  if (held.length > 0)
    throw new Error(
      `this test runs serve on its built-in default ports, but ${held.join('; ')}: stop that program (a terminal started with npx haochaping-terminal serve?) and run the test again`,
    );
}

/**
 * A loaded configuration whose API and screens listen on ports the system picks (0):
 * for terminals run in the test's own process, which read their address back
 * (`running.api.url`). The file itself must name a port from 1 to 65535.
 */
export function onSystemPorts(config: TerminalConfig): TerminalConfig {
  return { ...config, api: { ...config.api, port: 0 }, ui: { ...config.ui, port: 0 } };
}
