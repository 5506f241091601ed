// A real Mosquitto broker for a test: Debian's binary, on a free loopback port, with a
// generated configuration (optionally users, an ACL file and TLS). Fails with a message
// naming mosquitto when it is not installed, never skips.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import { freePort } from './cli.js';
import { PORT_CLASH } from './ports.js';

const CANDIDATES = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto', '/usr/local/sbin/mosquitto'];

/** MOSQUITTO_PATH when set (a broker built elsewhere), else Debian's. */
export function mosquittoBinary(): string {
  const wanted = process.env.MOSQUITTO_PATH;
  if (wanted && !existsSync(wanted)) {
    throw new Error(`mosquitto is not at MOSQUITTO_PATH=${wanted}: correct or unset it`);
  }
  const found = wanted ?? CANDIDATES.find((p) => existsSync(p));
  if (!found) {
    throw new Error(
      'mosquitto is not installed (looked in /usr/sbin, /usr/bin, /usr/local/sbin): apt-get install mosquitto — the fleet and hall tests need a real broker',
    );
  }
  return found;
}

export interface BrokerOptions {
  /** A port of an earlier broker; default a free one. */
  port?: number;
  /** user name → password; with users, anonymous clients are refused. */
  users?: Record<string, string>;
  /** The text of an ACL file (Mosquitto's acl_file syntax). */
  acl?: string;
  /** A TLS listener instead of plain TCP (private-ca.ts makes the files). */
  tls?: { caFile: string; certFile: string; keyFile: string };
  /** Extra lines for mosquitto.conf. */
  extra?: string;
  /** The whole mosquitto.conf instead (a sample under test), given the port to listen on. */
  raw?: (port: number) => string;
}

export class Broker {
  // Not tempDir: the bench uses this helper outside vitest.
  readonly dir = mkdtempSync(join(tmpdir(), 'hcp-mosq-'));
  port = 0;
  private child: ChildProcess | null = null;
  private log = '';

  static async start(options: BrokerOptions = {}): Promise<Broker> {
    const b = new Broker(options);
    if (options.port !== undefined) {
      b.port = options.port;
      await b.run();
      return b;
    }
    // A port the system just gave out; another program may take it before mosquitto
    // binds it: then again on another.
    for (let attempt = 1; ; attempt++) {
      b.port = await freePort();
      try {
        await b.run();
        return b;
      } catch (err) {
        if (!PORT_CLASH.test(String(err)) || attempt >= 5) throw err;
      }
    }
  }

  private constructor(private readonly options: BrokerOptions) {}

  /** The broker's process id (for the bench's CPU figures). */
  get pid(): number {
    return this.child?.pid ?? 0;
  }

  get url(): string {
    return `${this.options.tls ? 'mqtts' : 'mqtt'}://127.0.0.1:${this.port}`;
  }

  private writeConfig(): string {
    const o = this.options;
    const file = join(this.dir, 'mosquitto.conf');
    if (o.raw) {
      const own = [
        'log_dest stderr',
        'log_type error',
        'log_type warning',
        'log_type information',
        ...asRoot(),
      ];
      writeFileSync(file, `${o.raw(this.port)}\n${own.join('\n')}\n`);
      return file;
    }
    const lines = [
      `listener ${this.port} 127.0.0.1`,
      'persistence false',
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      // Its "running" line: the port is mosquitto's own, not another program's.
      'log_type information',
      ...asRoot(),
    ];
    if (o.users) {
      const pw = join(this.dir, 'passwd');
      passwordFile(pw, o.users);
      lines.push('allow_anonymous false', `password_file ${pw}`);
    } else {
      lines.push('allow_anonymous true');
    }
    if (o.acl !== undefined) {
      const acl = join(this.dir, 'acl');
      writeFileSync(acl, o.acl);
      lines.push(`acl_file ${acl}`);
    }
    if (o.tls) lines.push(`cafile ${o.tls.caFile}`, `certfile ${o.tls.certFile}`, `keyfile ${o.tls.keyFile}`);
    if (o.extra) lines.push(o.extra);
    writeFileSync(file, `${lines.join('\n')}\n`);
    return file;
  }

  private async run(): Promise<void> {
    this.log = '';
    const conf = this.writeConfig();
    const child = spawn(mosquittoBinary(), ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    child.stderr?.on('data', (d) => {
      this.log += d;
    });
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code) => reject(new Error(`mosquitto exited (${code}): ${this.log.trim()}`))),
    );
    exited.catch(() => {});
    await Promise.race([this.running(), exited]);
    await Promise.race([waitListening(this.port), exited]);
  }

  /** Until mosquitto says it runs (after opening its listeners), at most 20 s. */
  private async running(): Promise<void> {
    const end = Date.now() + 20_000;
    while (!/mosquitto version \S+ running/.test(this.log)) {
      if (Date.now() > end) throw new Error(`mosquitto did not say it runs within 20 s: ${this.log.trim()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Stops the broker (SIGTERM) and waits for it to exit. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await gone;
  }

  /** Stops it and removes its folder. */
  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** The same broker back on the same port, with nothing retained (persistence is off). */
  async restart(): Promise<void> {
    await this.stop();
    await this.run();
  }

  /** A client of the test's own; `options` add to (or override) the broker's address. */
  async client(options: IClientOptions = {}): Promise<MqttClient> {
    const c = connect(this.url, { reconnectPeriod: 0, connectTimeout: 10_000, ...options });
    await new Promise<void>((resolve, reject) => {
      c.once('connect', () => resolve());
      c.once('error', reject);
    });
    clients.push(c);
    return c;
  }
}

// Run as root in a container: stay root rather than drop to a user who cannot read the temp files.
function asRoot(): string[] {
  return process.getuid?.() === 0 ? ['user root'] : [];
}

/** Adds users to a Mosquitto password file with mosquitto_passwd (creating it). */
export function passwordFile(file: string, users: Record<string, string>): void {
  writeFileSync(file, '');
  for (const [user, password] of Object.entries(users))
    execFileSync('mosquitto_passwd', ['-b', file, user, password]);
}

const clients: MqttClient[] = [];
const brokers: Broker[] = [];

/** A broker stopped after the test (call from the test file's afterEach via `cleanupBrokers`). */
export async function startBroker(options: BrokerOptions = {}): Promise<Broker> {
  const b = await Broker.start(options);
  brokers.push(b);
  return b;
}

export async function cleanupBrokers(): Promise<void> {
  for (const c of clients.splice(0)) c.end(true);
  for (const b of brokers.splice(0)) await b.dispose();
}

function waitListening(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const end = Date.now() + 20_000;
    const tryOnce = () => {
      const s = tcpConnect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve();
      });
      s.once('error', () => {
        s.destroy();
        if (Date.now() > end) reject(new Error(`mosquitto did not listen on port ${port} within 20 s`));
        else setTimeout(tryOnce, 50);
      });
    };
    tryOnce();
  });
}

/** Every message a subscriber to `filter` sees, bytes as they came. */
export interface Seen {
  topic: string;
  payload: Buffer;
  retain: boolean;
  at: number;
}

export class Recorder {
  readonly seen: Seen[] = [];
  /** The recorder's own connection, e.g. to publish a marker that ends a "nothing else came" check. */
  client!: MqttClient;
  private waiters: { test: (m: Seen) => boolean; resolve: (m: Seen) => void }[] = [];

  static async on(broker: Broker, filter = '#', options: IClientOptions = {}): Promise<Recorder> {
    const r = new Recorder();
    const c = await broker.client(options);
    r.client = c;
    c.on('message', (topic, payload, packet) => {
      const m = { topic, payload: Buffer.from(payload), retain: packet.retain, at: performance.now() };
      r.seen.push(m);
      for (const w of [...r.waiters]) {
        if (w.test(m)) {
          r.waiters.splice(r.waiters.indexOf(w), 1);
          w.resolve(m);
        }
      }
    });
    await c.subscribeAsync(filter, { qos: 1 });
    return r;
  }

  /** The first message (already seen or still to come) that passes `test`. */
  next(test: (m: Seen) => boolean, what: string, ms = 20_000, from = 0): Promise<Seen> {
    const already = this.seen.slice(from).find(test);
    if (already) return Promise.resolve(already);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
      this.waiters.push({
        test,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  }

  /** Publishes a marker and waits for it back: whatever was sent to the broker before has arrived by then. */
  async barrier(): Promise<Seen[]> {
    const topic = `test-barrier/${Math.random().toString(36).slice(2)}`;
    await this.client.publishAsync(topic, 'x', { qos: 1 });
    await this.next((m) => m.topic === topic, 'the barrier marker');
    return this.seen.filter((m) => !m.topic.startsWith('test-barrier/'));
  }

  /** Waits for a message that passes `test` and arrives after this call. */
  nextNew(test: (m: Seen) => boolean, what: string, ms = 20_000): Promise<Seen> {
    return this.next(test, what, ms, this.seen.length);
  }
}

export const text = (m: Seen) => m.payload.toString('utf8');
export const json = (m: Seen) => JSON.parse(text(m)) as Record<string, unknown>;
