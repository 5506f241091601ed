import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { freePort, type Run, runCli, waitFor } from '../../helpers/cli.js';
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
    const data = tempDir();
    const r = start(['serve'], { HAOCHAPING_DATA_DIR: data });
    await waitFor(() => r.stdout().includes('Local API:'), 'the start message');
    expect(r.stdout()).toContain('terminal DEV-0001 (counter), keypad hid');
    expect(r.stdout()).toContain('built-in defaults');
    expect(r.stdout()).toContain('Training mode: every screen shows 培训模式');
    // A data folder of its own: nothing tried out sits where a configured terminal keeps its ratings.
    expect(r.stdout()).toContain(`Store: ${join(data, 'training', 'terminal.db')}`);
    const url = /Screens: (\S+)/.exec(r.stdout())?.[1] as string;
    expect((await fetch(url)).status).toBe(200);
    // The kiosk command it prints lets the screens play sound without a touch first.
    expect(r.stdout()).toContain(`--kiosk --autoplay-policy=no-user-gesture-required --app=${url}`);
    const api = /Local API: (\S+)/.exec(r.stdout())?.[1] as string;
    expect(await (await fetch(`${api}/health`)).json()).toMatchObject({
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
    const port = await freePort();
    writeFileSync(
      join(dir, 'config.yaml'),
      `terminal:\n  id: HA-0042\n  mode: kiosk\n  areaCode: "350521"\nkeypad:\n  driver: none\nstore:\n  path: ./data/hall.db\nui:\n  port: ${port}\napi:\n  port: ${await freePort()}\n`,
    );
    const r = start(['serve', '--config', join(dir, 'config.yaml')]);
    await waitFor(() => r.stdout().includes('Screens:'), 'the start message');
    expect(r.stdout()).toContain('terminal HA-0042 (kiosk), keypad none');
    expect(r.stdout()).toContain(`Store: ${join(dir, 'data', 'hall.db')}`);
    expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(200);
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

  it('says when the screens port is taken', async () => {
    const data = tempDir();
    const first = start(['serve'], { HAOCHAPING_DATA_DIR: data });
    await waitFor(() => first.stdout().includes('Screens:'), 'the first terminal');
    const second = start(['serve'], { HAOCHAPING_DATA_DIR: tempDir() });
    expect(await second.exit).toBe(1);
    expect(second.stderr()).toContain('Port 7480 on 127.0.0.1 (api.port) is already in use');
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
    const [apiPort, uiPort] = [await freePort(), await freePort()];
    const file = join(dir, 'config.yaml');
    const write = (id: string, reveal: boolean) =>
      writeFileSync(
        file,
        `terminal:\n  id: ${id}\n  mode: kiosk\n  areaCode: "350521"\nkeypad:\n  driver: none\nstore:\n  path: ./t.db\napi:\n  port: ${apiPort}\n  revealRatings: ${reveal}\nui:\n  port: ${uiPort}\n`,
      );
    write('HA-1', false);
    const r = start(['serve', '--config', file]);
    await waitFor(() => r.stdout().includes('Local API:'), 'the start');
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
});
