import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import {
  configArgument,
  resolveConfigFile,
  TEMPLATE_FILE,
} from '../../../src/shells/electron/config-file.js';
import { tempDir } from '../../helpers/temp.js';

describe('the Electron app’s configuration file', () => {
  it('takes --config when given', () => {
    expect(configArgument(['electron', '.', '--config', '/etc/x.yaml'])).toBe('/etc/x.yaml');
    expect(configArgument(['--config=/etc/y.yaml'])).toBe('/etc/y.yaml');
    expect(resolveConfigFile(['--config', '/etc/x.yaml'], tempDir())).toEqual({
      file: '/etc/x.yaml',
      created: false,
    });
  });

  it('writes the commented template into the user-data folder on first run, once', () => {
    const dir = join(tempDir(), 'userData');
    const first = resolveConfigFile([], dir);
    expect(first).toEqual({ file: join(dir, 'config.yaml'), created: true });
    expect(readFileSync(first.file, 'utf8')).toBe(readFileSync(TEMPLATE_FILE, 'utf8'));
    expect(resolveConfigFile([], dir).created).toBe(false);
    expect(existsSync(first.file)).toBe(true);
  });

  it('uses the machine-wide file when there is one, and writes no template then', () => {
    const root = tempDir();
    const machine = join(root, 'etc-config.yaml');
    writeFileSync(machine, 'terminal:\n  id: HA-1\n  areaCode: "350521"\n');
    const dir = join(root, 'userData');
    const facts = { platform: 'linux' as const, env: { HCP_SYSTEM_CONFIG: machine }, home: root };
    expect(resolveConfigFile([], dir, facts)).toEqual({ file: machine, created: false });
    expect(existsSync(join(dir, 'config.yaml'))).toBe(false);
    // --config still wins over it.
    expect(resolveConfigFile(['--config', '/srv/x.yaml'], dir, facts).file).toBe('/srv/x.yaml');
    // Gone again: the user's own file, from the template.
    rmSync(machine);
    expect(resolveConfigFile([], dir, facts)).toEqual({ file: join(dir, 'config.yaml'), created: true });
  });

  it('the template is a valid configuration as it stands', () => {
    const result = loadConfig(TEMPLATE_FILE, { dataDir: tempDir() });
    // A try-out terminal until a technician says otherwise: nothing rated on the sample
    // configuration may reach a platform configured later.
    expect(result).toMatchObject({
      ok: true,
      config: { terminal: { id: 'DEV-0001', mode: 'counter', training: true } },
    });
  });
});
