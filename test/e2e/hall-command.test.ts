// The console as a command: --help, the token off loopback (refusing to start without one,
// as ui.token does), the page and its stream closed to anyone without it, a foreign Host
// refused on loopback, the broker's password never printed nor sent to a page, and TLS
// with a private CA.
import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { chromiumForFile } from '../helpers/chromium-per-file.js';
import { type Run, runCli } from '../helpers/cli.js';
import { Broker } from '../helpers/mosquitto.js';
import { startOnFreePorts } from '../helpers/ports.js';
import { makeCa } from '../helpers/private-ca.js';
import { tempDir } from '../helpers/temp.js';

const browser = chromiumForFile();
const TOKEN = 'hall-T0ken-4f1a9c2e7b';
const PASSWORD = 'broker-pw-6e2d91c0';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function start(args: string[], env: Record<string, string> = {}): Run {
  // A data folder of its own (the default one, under this user-data folder), never the user's.
  const run = runCli(['hall', ...args], { HAOCHAPING_DATA_DIR: tempDir('hcp-hall-data-'), ...env });
  cleanups.push(async () => {
    if (run.child.exitCode === null) {
      run.child.kill('SIGTERM');
      await run.exit;
    }
  });
  return run;
}

/** The console on a port of the system's, started again on another if that one was taken meanwhile. */
async function onPort(
  args: (port: number) => string[],
  ready: (r: Run) => boolean,
  what: string,
  env: Record<string, string> = {},
): Promise<{ run: Run; port: number }> {
  const { run, ports } = await startOnFreePorts(1, ([p]) => start(args(p as number), env), ready, what);
  return { run, port: ports[0] as number };
}

const connected = (r: Run) => r.stdout().includes('Broker: connected');

/** GET with a chosen Host header; the body of an SSE stream up to its first event. */
function get(
  port: number,
  path: string,
  host = `127.0.0.1:${port}`,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => {
        body += d;
        if (body.includes('event: snapshot') && body.endsWith('\n\n')) {
          resolve({ status: res.statusCode ?? 0, body });
          req.destroy();
        }
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('haochaping-terminal hall', { timeout: 120_000 }, () => {
  it('answers --help with exit 0, and is named in the main help', async () => {
    const run = start(['--help']);
    expect(await run.exit).toBe(0);
    expect(run.stdout()).toContain('haochaping-terminal hall --broker URL --hall ID');
    const main = runCli(['--help']);
    expect(await main.exit).toBe(0);
    expect(main.stdout()).toContain('haochaping-terminal hall --broker URL --hall ID [--port 7490]');
  });

  it('refuses to start off loopback without a token', async () => {
    const run = start(['--broker', 'mqtt://127.0.0.1:1', '--hall', '350521', '--host', '0.0.0.0']);
    expect(await run.exit).toBe(2);
    expect(run.stderr().trim().split('\n')).toEqual([
      'haochaping-terminal hall: --token: it is required because --host 0.0.0.0 is not a loopback address (set a long random token with --token or HAOCHAPING_HALL_TOKEN; the page is then opened as http://HOST:PORT/?token=…, or use --host 127.0.0.1)',
      'The console did not start: fix the options above (haochaping-terminal hall --help).',
    ]);
  });

  it('off loopback admits only the address that carries the token', async () => {
    const broker = await Broker.start();
    cleanups.push(() => broker.dispose());
    const { run, port } = await onPort(
      (p) => ['--broker', broker.url, '--hall', '350521', '--host', '0.0.0.0', '--port', String(p)],
      connected,
      'the console to subscribe',
      { HAOCHAPING_HALL_TOKEN: TOKEN },
    );
    expect(run.stdout()).toContain(`Console: http://0.0.0.0:${port}/?token=…`);
    expect(run.stdout()).not.toContain(TOKEN);

    for (const path of ['/', '/events', '/?token=wrong', `/events?token=${TOKEN}x`, '/?token=']) {
      const r = await get(port, path);
      expect([path, r.status]).toEqual([path, 403]);
      expect(r.body).toContain('需要正确的访问令牌');
    }
    expect((await get(port, `/events?token=${TOKEN}`)).body).toContain('event: snapshot');

    const context = await browser().newContext();
    cleanups.push(() => context.close());
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${port}/?token=${TOKEN}`);
    await page.waitForSelector('body[data-ready="true"]');
    expect(await page.locator('#broker').textContent()).toBe('已连接消息服务器');
    expect(await page.locator('#hall').textContent()).toBe('350521');
  });

  it('on loopback refuses a page served under a foreign host name (DNS rebinding)', async () => {
    const { port } = await onPort(
      (p) => ['--broker', 'mqtt://127.0.0.1:1', '--hall', '350521', '--port', String(p)],
      (r) => r.stdout().includes('Console:'),
      'the console to listen',
    );
    expect((await get(port, '/', 'evil.example:80')).status).toBe(403);
    expect((await get(port, '/events', `evil.example:${port}`)).status).toBe(403);
    expect((await get(port, '/', `localhost:${port}`)).status).toBe(200);
    expect((await get(port, '/events')).body).toContain('event: snapshot');
  });

  it('takes credentials from the configuration file and never prints nor serves the password', async () => {
    const dir = tempDir();
    const broker = await Broker.start({ users: { console: PASSWORD } });
    cleanups.push(() => broker.dispose());
    const config = join(dir, 'config.yaml');
    writeFileSync(
      config,
      `terminal:\n  id: HA-0001\n  areaCode: "350521"\nfleet:\n  url: ${broker.url}\n  username: console\n  password: ${PASSWORD}\n`,
    );
    const { run, port } = await onPort(
      (p) => ['--config', config, '--port', String(p)],
      connected,
      'the console to subscribe',
    );
    expect(run.stdout()).toContain(`Broker: ${broker.url} as console (password set)`);
    const stream = await get(port, '/events');
    expect(stream.body).toContain('"state":"connected"');
    for (const text of [run.stdout(), run.stderr(), stream.body]) expect(text).not.toContain(PASSWORD);

    // A wrong password: the console says so, keeps serving, and still prints no password.
    const wrong = join(dir, 'wrong.yaml');
    writeFileSync(
      wrong,
      `fleet:\n  url: ${broker.url}\n  username: console\n  password: x${PASSWORD}\n  hallId: H1\n`,
    );
    const { run: bad, port: port2 } = await onPort(
      (p) => ['--config', wrong, '--port', String(p)],
      (r) => r.stderr().includes('Broker: not connected'),
      'the refusal',
    );
    expect(bad.stderr()).toMatch(
      /Broker: not connected \(.*(Not authori[sz]ed|Bad User Name or Password).*\)/i,
    );
    const page = await get(port2, '/events');
    expect(page.body).toContain('"state":"disconnected"');
    for (const text of [bad.stdout(), bad.stderr(), page.body]) expect(text).not.toContain(PASSWORD);
  });
});

describe('haochaping-terminal hall over mqtts://', { timeout: 120_000 }, () => {
  it('trusts a private CA given with --ca, and says what is wrong without it', async () => {
    const ca = makeCa();
    const broker = await Broker.start({ tls: ca });
    cleanups.push(() => broker.dispose());
    expect(broker.url).toMatch(/^mqtts:/);
    const { run } = await onPort(
      (p) => ['--broker', broker.url, '--hall', '350521', '--port', String(p), '--ca', ca.caFile],
      connected,
      'the console over TLS',
    );
    expect(run.stdout()).toContain(`, CA ${ca.caFile}`);

    const { run: blind } = await onPort(
      (p) => ['--broker', broker.url, '--hall', '350521', '--port', String(p)],
      (r) => r.stderr().includes('Broker: not connected'),
      'the TLS refusal',
    );
    expect(blind.stderr()).toMatch(
      /Broker: not connected \(.*(self[- ]signed|unable to verify|certificate).*\)/i,
    );
  });
});
