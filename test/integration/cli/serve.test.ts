import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { loadConfig } from '../../../src/config/load.js';
import { type Run, runCli, waitFor } from '../../helpers/cli.js';
import { NetNamespace } from '../../helpers/netns.js';
import { expectPortsFree, freePorts, startOnFreePorts } from '../../helpers/ports.js';
import { tempDir } from '../../helpers/temp.js';

const runs: Run[] = [];
afterEach(() => {
  for (const r of runs.splice(0)) r.child.kill('SIGKILL');
});

function start(args: string[], env: Record<string, string> = {}) {
  const r = runCli(args, env);
  runs.push(r);
  return r;
}

describe('haochaping-terminal serve', () => {
  it('runs on the built-in defaults as a training terminal in training/, serves the screens, stops cleanly', async () => {
    // The one test of the default ports. It runs in a network namespace of its own, where
    // they are always free: a technician's terminal beside the suite holds them only in
    // the machine's namespace (and this test checks that no one holds them in its own).
    const defaults = loadConfig(null, { dataDir: tempDir() });
    if (!defaults.ok) throw new Error(defaults.errors.join('\n'));
    expect([defaults.config.api.port, defaults.config.ui.port]).toEqual([7480, 7481]);
    const ns = NetNamespace.create();
    expectPortsFree([defaults.config.api.port, defaults.config.ui.port], ns.via);
    const data = tempDir();
    const r = runCli(['serve'], { HAOCHAPING_DATA_DIR: data }, { via: ns.via });
    runs.push(r);
    await waitFor(() => r.stdout().includes('Local API:'), 'the start message');
    expect(r.stdout()).toContain('terminal DEV-0001 (counter), keypad hid');
    expect(r.stdout()).toContain('built-in defaults');
    expect(r.stdout()).toContain('Training mode: every screen shows 培训模式');
    // A data folder of its own: nothing tried out sits where a configured terminal keeps its ratings.
    expect(r.stdout()).toContain(`Store: ${join(data, 'training', 'terminal.db')}`);
    const url = /Screens: (\S+)/.exec(r.stdout())?.[1] as string;
    expect(url).toBe('http://127.0.0.1:7481/');
    expect((await ns.get(url)).status).toBe(200);
    // The kiosk command it prints lets the screens play sound without a touch first.
    expect(r.stdout()).toContain(`--kiosk --autoplay-policy=no-user-gesture-required --app=${url}`);
    const api = /Local API: (\S+)/.exec(r.stdout())?.[1] as string;
    expect(api).toBe('http://127.0.0.1:7480/v1');
    const health = await ns.get(`${api}/health`);
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({
      terminalId: 'DEV-0001',
      training: true,
      platform: 'unconfigured',
    });
    r.child.kill('SIGTERM');
    expect(await r.exit).toBe(0);
    expect(r.stdout()).toContain('the store was closed cleanly');
    expect(existsSync(join(data, 'training', 'terminal.db'))).toBe(true);
    expect(existsSync(join(data, 'training', 'logs', 'terminal.log'))).toBe(true);
    expect(existsSync(join(data, 'terminal.db'))).toBe(false);
  });

  it('runs with a configuration file, its store relative to the file', async () => {
    const dir = tempDir();
    const { run: r, ports } = await startOnFreePorts(
      2,
      ([ui, api]) => {
        writeFileSync(
          join(dir, 'config.yaml'),
          `terminal:\n  id: HA-0042\n  mode: kiosk\n  areaCode: "350521"\nkeypad:\n  driver: none\nstore:\n  path: ./data/hall.db\nui:\n  port: ${ui}\napi:\n  port: ${api}\n`,
        );
        return start(['serve', '--config', join(dir, 'config.yaml')]);
      },
      (run) => run.stdout().includes('Screens:'),
      'the start message',
    );
    expect(r.stdout()).toContain('terminal HA-0042 (kiosk), keypad none');
    expect(r.stdout()).toContain(`Store: ${join(dir, 'data', 'hall.db')}`);
    expect((await fetch(`http://127.0.0.1:${ports[0]}/`)).status).toBe(200);
    r.child.kill('SIGINT');
    expect(await r.exit).toBe(0);
  });

  it('refuses to start on a broken configuration, with one line per problem and no stack trace', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'config.yaml'),
      'terminal:\n  id: HA-1\n  areaCode: 350521\nkeypad:\n  drivr: frame\n',
    );
    const r = start(['serve', '--config', join(dir, 'config.yaml')]);
    expect(await r.exit).toBe(2);
    const lines = r.stderr().trim().split('\n');
    expect(lines.some((l) => l.includes('terminal.areaCode'))).toBe(true);
    expect(lines.some((l) => l.includes('keypad.drivr'))).toBe(true);
    expect(lines.at(-1)).toContain('did not start');
    expect(r.stderr()).not.toMatch(/\n\s+at /);
  });

  it('names a missing file', async () => {
    const r = start(['serve', '--config', '/nonexistent/config.yaml']);
    expect(await r.exit).toBe(2);
    expect(r.stderr()).toContain('/nonexistent/config.yaml: cannot read the file (it does not exist)');
  });

  it('says which port is taken, naming its key', async () => {
    const config = (dir: string, api: number, ui: number) => {
      const file = join(dir, 'config.yaml');
      writeFileSync(
        file,
        `terminal:\n  id: HA-0043\n  mode: kiosk\n  areaCode: "350521"\nkeypad:\n  driver: none\nstore:\n  path: ./t.db\napi:\n  port: ${api}\nui:\n  port: ${ui}\n`,
      );
      return file;
    };
    const { ports } = await startOnFreePorts(
      2,
      ([api, ui]) => start(['serve', '--config', config(tempDir(), api as number, ui as number)]),
      (r) => r.stdout().includes('Screens:'),
      'the first terminal',
    );
    const [api, ui] = ports as [number, number];
    const [other] = (await freePorts(1)) as [number];
    const second = start(['serve', '--config', config(tempDir(), api, other)]);
    expect(await second.exit).toBe(1);
    expect(second.stderr()).toContain(`Port ${api} on 127.0.0.1 (api.port) is already in use`);
    const third = start(['serve', '--config', config(tempDir(), other, ui)]);
    expect(await third.exit).toBe(1);
    expect(third.stderr()).toContain(`Port ${ui} on 127.0.0.1 (ui.port) is already in use`);
  });

  it('answers --version and refuses unknown commands', async () => {
    const v = start(['--version']);
    expect(await v.exit).toBe(0);
    expect(v.stdout().trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const u = start(['frobnicate']);
    expect(await u.exit).toBe(2);
    expect(u.stderr()).toContain('unknown command "frobnicate"');
  });
});

describe('SIGHUP', () => {
  it('re-reads the file: what may change changes, the rest is reported as needing a restart', async () => {
    const dir = tempDir();
    const file = join(dir, 'config.yaml');
    let apiPort = 0;
    let uiPort = 0;
    const write = (id: string, reveal: boolean) =>
      writeFileSync(
        file,
        `terminal:\n  id: ${id}\n  mode: kiosk\n  areaCode: "350521"\nkeypad:\n  driver: none\nstore:\n  path: ./t.db\napi:\n  port: ${apiPort}\n  revealRatings: ${reveal}\nui:\n  port: ${uiPort}\n`,
      );
    const { run: r } = await startOnFreePorts(
      2,
      ([api, ui]) => {
        [apiPort, uiPort] = [api as number, ui as number];
        write('HA-1', false);
        return start(['serve', '--config', file]);
      },
      (run) => run.stdout().includes('Local API:'),
      'the start',
    );
    const api = `http://127.0.0.1:${apiPort}/v1`;
    const open = await fetch(`${api}/prompts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        transactionId: 'TX-H',
        service: { code: 'S', name: '事项' },
        departments: [{ code: 'D', name: '部门' }],
        mode: 'single',
      }),
    });
    const { id } = (await open.json()) as { id: string };
    write('HA-2', true);
    r.child.kill('SIGHUP');
    await waitFor(() => r.stdout().includes('Configuration reloaded.'), 'the reload');
    expect(r.stderr()).toContain('warning: terminal changed; it takes effect only after a restart.');
    // Rate through the screens' own bridge, as the page would.
    const ws = new WebSocket(`ws://127.0.0.1:${uiPort}/bridge`, { origin: `http://127.0.0.1:${uiPort}` });
    await new Promise((resolve, reject) => {
      ws.on('open', resolve);
      ws.on('error', reject);
    });
    ws.send(JSON.stringify({ type: 'intent', intent: { type: 'rate', level: 4 } }));
    // Wait for the rating itself, not for a guess at how long it takes.
    await expect
      .poll(async () => ((await (await fetch(`${api}/prompts/${id}`)).json()) as { status: string }).status, {
        timeout: 20_000,
      })
      .toBe('rated');
    ws.close();
    // revealRatings is now on: the business system sees how the citizen rated.
    const got = (await (await fetch(`${api}/prompts/${id}`)).json()) as {
      status: string;
      ratings: { level: number }[];
    };
    expect(got).toMatchObject({ status: 'rated', ratings: [{ level: 4 }] });
    const health = (await (await fetch(`${api}/health`)).json()) as { terminalId: string };
    expect(health.terminalId).toBe('HA-1');
    r.child.kill('SIGTERM');
    expect(await r.exit).toBe(0);
  });

  it('a broken file: one line says what is wrong and that it runs on, on the console and in the log', async () => {
    const dir = tempDir();
    const file = join(dir, 'config.yaml');
    const body = (api: number, ui: number, reveal: string) =>
      `terminal:\n  id: HA-7\n  mode: kiosk\n  areaCode: "350521"\nkeypad:\n  driver: none\nstore:\n  path: ./t.db\napi:\n  port: ${api}\n  revealRatings: ${reveal}\nui:\n  port: ${ui}\n`;
    const { run: r, ports } = await startOnFreePorts(
      2,
      ([api, ui]) => {
        writeFileSync(file, body(api as number, ui as number, 'false'));
        return start(['serve', '--config', file]);
      },
      (run) => run.stdout().includes('Local API:'),
      'the start',
    );
    const [api, ui] = ports as [number, number];
    writeFileSync(file, body(api, ui, 'maybe'));
    const before = r.stderr();
    r.child.kill('SIGHUP');
    await waitFor(() => r.stderr().length > before.length && r.stderr().endsWith('\n'), 'the reload');
    const said = r.stderr().slice(before.length).trim().split('\n');
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(
      /^configuration not reloaded: .*api\.revealRatings: found "maybe" \(text\), expected .*; the terminal keeps running on the previous one$/,
    );
    expect(r.stderr()).not.toContain('did not start');
    // Still running, on the previous configuration.
    expect((await (await fetch(`http://127.0.0.1:${api}/v1/health`)).json()).terminalId).toBe('HA-7');
    const log = join(dir, 'logs', 'terminal.log');
    await waitFor(
      () => existsSync(log) && readFileSync(log, 'utf8').includes('config_reload_failed'),
      'the log line',
    );
    const line = readFileSync(log, 'utf8')
      .split('\n')
      .find((l) => l.includes('config_reload_failed')) as string;
    expect(JSON.parse(line)).toMatchObject({
      level: 'error',
      event: 'config_reload_failed',
      problems: [expect.stringContaining('api.revealRatings: found "maybe"')],
    });
    r.child.kill('SIGTERM');
    expect(await r.exit).toBe(0);
  });
});
