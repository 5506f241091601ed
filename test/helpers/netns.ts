// A network namespace of the test's own (Linux, root, iproute2): the only way a test can
// listen on the built-in default ports (7480/7481) whatever runs on this machine — a
// technician's terminal started with `npx haochaping-terminal serve` holds them in the
// machine's own namespace, never in this one.
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterEach } from 'vitest';

const made: NetNamespace[] = [];

export class NetNamespace {
  private constructor(readonly name: string) {}

  /** A fresh namespace with its loopback up; removed after the test. */
  static create(): NetNamespace {
    const name = `hcp-test-${process.pid}-${randomBytes(3).toString('hex')}`;
    try {
      execFileSync('ip', ['netns', 'add', name], { stdio: 'pipe' });
      execFileSync('ip', ['netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up'], { stdio: 'pipe' });
    } catch (err) {
      throw new Error(
        `this test needs a network namespace of its own: "ip netns add" failed (it needs root and the Debian package iproute2): ${String(err)}`,
      );
    }
    const ns = new NetNamespace(name);
    made.push(ns);
    return ns;
  }

  /** The words to put before a command so that it runs inside (it execs the command). */
  get via(): string[] {
    return ['ip', 'netns', 'exec', this.name];
  }

  /** GET `url` from inside the namespace (curl): its status and body. */
  get(url: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      execFile(
        'ip',
        ['netns', 'exec', this.name, 'curl', '-sS', '-o', '-', '-w', '\n%{http_code}', url],
        { encoding: 'utf8', timeout: 20_000 },
        (err, stdout, stderr) => {
          if (err) {
            reject(
              new Error(`curl ${url} inside ${this.name} failed (Debian package curl): ${stderr || err}`),
            );
            return;
          }
          const cut = stdout.lastIndexOf('\n');
          resolve({ status: Number(stdout.slice(cut + 1)), body: stdout.slice(0, cut) });
        },
      );
    });
  }

  remove(): void {
    try {
      execFileSync('ip', ['netns', 'delete', this.name], { stdio: 'pipe' });
    } catch {
      // Already gone: nothing to clean.
    }
  }
}

afterEach(() => {
  for (const ns of made.splice(0)) ns.remove();
});
