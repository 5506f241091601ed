// doctor without --config checks the configuration the app itself runs with: the
// machine-wide file when there is one (HCP_SYSTEM_CONFIG stands in for
// /etc/haochaping/config.yaml), else config.yaml in the user's data folder
// (HAOCHAPING_DATA_DIR) — and says which file it used, and why that one.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/temp.js';
import { lineOf, start } from './rig.js';

async function configIn(dir: string, id: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'config.yaml');
  writeFileSync(
    file,
    JSON.stringify({
      terminal: { id, areaCode: '350521' },
      keypad: { driver: 'none' },
      store: { path: './data/terminal.db' },
      // Never the default port: a terminal running on this machine would answer for it.
      api: { port: await freePort() },
    }),
  );
  return file;
}

async function doctorWith(env: Record<string, string>) {
  const r = start(['doctor'], env);
  const code = await r.exit;
  return { code, lines: r.stdout().trim().split('\n'), stderr: r.stderr() };
}

describe('doctor without --config', () => {
  it('checks the machine-wide file when there is one, and says so', async () => {
    const root = tempDir('hcp-default-config-');
    const machine = await configIn(join(root, 'etc'), 'HA-MACHINE');
    await configIn(join(root, 'data'), 'HA-USER');
    const r = await doctorWith({ HCP_SYSTEM_CONFIG: machine, HAOCHAPING_DATA_DIR: join(root, 'data') });
    expect(r.code, r.lines.join('\n')).toBe(0);
    expect(lineOf(r.lines, 'config')).toBe(
      `ok   config: ${machine} (the machine-wide file, which the app uses without --config; terminal HA-MACHINE, counter, keypad none)`,
    );
    expect(lineOf(r.lines, 'store')).toContain(join(root, 'etc', 'data', 'terminal.db'));
  });

  it('else this user’s config.yaml in the data folder, saying there is no machine-wide file', async () => {
    const root = tempDir('hcp-default-config-');
    const user = await configIn(join(root, 'data'), 'HA-USER');
    const missing = join(root, 'etc', 'config.yaml');
    const r = await doctorWith({ HCP_SYSTEM_CONFIG: missing, HAOCHAPING_DATA_DIR: join(root, 'data') });
    expect(r.code, r.lines.join('\n')).toBe(0);
    expect(lineOf(r.lines, 'config')).toBe(
      `ok   config: ${user} (this user's file, which the app uses without --config: there is no ${missing}; terminal HA-USER, counter, keypad none)`,
    );
  });

  it('with neither, names both and what to do (exit 2), and writes nothing', async () => {
    const root = tempDir('hcp-default-config-');
    const missing = join(root, 'etc', 'config.yaml');
    const user = join(root, 'data', 'config.yaml');
    const r = await doctorWith({ HCP_SYSTEM_CONFIG: missing, HAOCHAPING_DATA_DIR: join(root, 'data') });
    expect(r.code).toBe(2);
    expect(r.lines).toEqual([
      `FAIL config: no --config given, and neither ${missing} nor ${user} exists (the files the app uses without one) — pass --config FILE, or start the app once as this user (it writes ${user} from its template)`,
    ]);
    expect(r.stderr).toBe('');
  });
});
