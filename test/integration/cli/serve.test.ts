import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
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
  it('runs on the built-in defaults, says so, serves the screens and stops cleanly on SIGTERM', async () => {
    const data = tempDir();
    const r = start(['serve'], { HAOCHAPING_DATA_DIR: data });
    await waitFor(() => r.stdout().includes('Screens:'), 'the start message');
    expect(r.stdout()).toContain('terminal DEV-0001 (counter), keypad hid');
    expect(r.stdout()).toContain('built-in defaults');
    expect(r.stdout()).toContain(`Store: ${join(data, 'terminal.db')}`);
    const url = /Screens: (\S+)/.exec(r.stdout())?.[1] as string;
    expect((await fetch(url)).status).toBe(200);
    r.child.kill('SIGTERM');
    expect(await r.exit).toBe(0);
    expect(r.stdout()).toContain('the store was closed cleanly');
    expect(existsSync(join(data, 'terminal.db'))).toBe(true);
    expect(existsSync(join(data, 'logs', 'terminal.log'))).toBe(true);
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
