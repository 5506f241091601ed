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
  /** With tls: the private CA's PEM file. */
  ca: string | null;
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
  /** Serve mqtts:// with a server certificate for 127.0.0.1 signed by a private CA. */
  tls?: boolean;
}

/** A private CA and a server certificate for 127.0.0.1 / localhost, made by openssl. */
export function makePrivateCa(dir: string): { ca: string; cert: string; key: string } {
  const f = (name: string) => join(dir, name);
  const run = (args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  run(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      f('ca.key'),
      '-out',
      f('ca.pem'),
      '-days',
      '2',
    ].concat(['-subj', '/CN=hall test CA']),
  );
  run(
    ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('server.key'), '-out', f('server.csr')].concat([
      '-subj',
      '/CN=127.0.0.1',
    ]),
  );
  writeFileSync(f('san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  run(
    [
      'x509',
      '-req',
      '-in',
      f('server.csr'),
      '-CA',
      f('ca.pem'),
      '-CAkey',
      f('ca.key'),
      '-CAcreateserial',
    ].concat(['-out', f('server.pem'), '-days', '2', '-extfile', f('san.ext')]),
  );
  return { ca: f('ca.pem'), cert: f('server.pem'), key: f('server.key') };
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
  let ca: string | null = null;
  if (opts.tls) {
    const made = makePrivateCa(dir);
    ca = made.ca;
    lines.push(`certfile ${made.cert}`, `keyfile ${made.key}`);
  }
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
    url: `${opts.tls ? 'mqtts' : 'mqtt'}://127.0.0.1:${port}`,
    ca,
    port,
    pid: child.pid as number,
    log: () => log,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
