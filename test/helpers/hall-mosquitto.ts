// Debian's Mosquitto, started by a test on a free loopback port with a config of its
// own. A missing broker fails the test with a message naming the package.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort, waitFor } from './cli.js';

export const MOSQUITTO_PATH = process.env.MOSQUITTO_PATH ?? '/usr/sbin/mosquitto';

export interface Broker {
  url: string;
  port: number;
  /** The broker's process id (the bench reads its CPU time). */
  pid: number;
  log: () => string;
  stop(): Promise<void>;
}

export interface BrokerOptions {
  /** More lines for mosquitto.conf. */
  extra?: string[];
  /** A port of an earlier broker (a restart); default a free one. */
  port?: number;
  /** user → password; the broker then refuses anonymous clients. */
  users?: Record<string, string>;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function startMosquitto(dir: string, opts: BrokerOptions = {}): Promise<Broker> {
  if (!existsSync(MOSQUITTO_PATH)) {
    throw new Error(`Mosquitto is not installed at ${MOSQUITTO_PATH}: apt-get install -y mosquitto`);
  }
  const port = opts.port ?? (await freePort());
  const lines = [`listener ${port} 127.0.0.1`, 'persistence false', 'log_dest stderr', 'log_type error'];
  // Run as root (CI containers), Mosquitto would drop to the user "mosquitto", which
  // cannot read files in the test's private temp folder.
  if (process.getuid?.() === 0) lines.push('user root');
  if (opts.users) {
    const passwords = join(dir, 'passwords');
    writeFileSync(passwords, '');
    for (const [user, password] of Object.entries(opts.users)) {
      execFileSync('/usr/bin/mosquitto_passwd', ['-b', passwords, user, password]);
    }
    lines.push('allow_anonymous false', `password_file ${passwords}`);
  } else {
    lines.push('allow_anonymous true');
  }
  lines.push(...(opts.extra ?? []));
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, `${lines.join('\n')}\n`);
  const child: ChildProcess = spawn(MOSQUITTO_PATH, ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout?.on('data', (d) => {
    log += d;
  });
  child.stderr?.on('data', (d) => {
    log += d;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let up = false;
  await waitFor(
    () => {
      if (child.exitCode !== null) throw new Error(`mosquitto exited: ${log}`);
      void accepts(port).then((ok) => {
        up ||= ok;
      });
      return up;
    },
    `mosquitto on port ${port}`,
    20_000,
  );
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    pid: child.pid as number,
    log: () => log,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
