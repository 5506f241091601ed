import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfigFile, electronUserDataDir, userDataDir } from '../../../src/config/user-data-dir.js';

describe("the user-data folder (Electron's userData for haochaping-terminal)", () => {
  it('on Linux follows XDG_CONFIG_HOME, else ~/.config', () => {
    expect(electronUserDataDir({ platform: 'linux', env: {}, home: '/home/hall' })).toBe(
      '/home/hall/.config/haochaping-terminal',
    );
    expect(
      electronUserDataDir({ platform: 'linux', env: { XDG_CONFIG_HOME: '/cfg' }, home: '/home/hall' }),
    ).toBe('/cfg/haochaping-terminal');
    expect(electronUserDataDir({ platform: 'linux', env: { XDG_CONFIG_HOME: '' }, home: '/home/hall' })).toBe(
      '/home/hall/.config/haochaping-terminal',
    );
  });

  it('on Windows is in %APPDATA%', () => {
    expect(
      electronUserDataDir({
        platform: 'win32',
        env: { APPDATA: 'C:\\Users\\hall\\AppData\\Roaming' },
        home: 'C:\\Users\\hall',
      }),
    ).toBe('C:\\Users\\hall\\AppData\\Roaming\\haochaping-terminal');
    expect(electronUserDataDir({ platform: 'win32', env: {}, home: 'C:\\Users\\hall' })).toBe(
      'C:\\Users\\hall\\AppData\\Roaming\\haochaping-terminal',
    );
  });

  it('on macOS is in Application Support', () => {
    expect(electronUserDataDir({ platform: 'darwin', env: {}, home: '/Users/hall' })).toBe(
      '/Users/hall/Library/Application Support/haochaping-terminal',
    );
  });

  it('gives way to an explicit folder, then to HAOCHAPING_DATA_DIR', () => {
    const facts = {
      platform: 'linux' as const,
      env: { HAOCHAPING_DATA_DIR: '/srv/hcp' },
      home: '/home/hall',
    };
    expect(userDataDir('/data/t', facts)).toBe('/data/t');
    expect(userDataDir(undefined, facts)).toBe('/srv/hcp');
    expect(userDataDir(undefined, { ...facts, env: {} })).toBe('/home/hall/.config/haochaping-terminal');
    expect(userDataDir('rel', { ...facts, env: {} })).toBe(join(process.cwd(), 'rel'));
  });

  it('the configuration without --config: the machine-wide file if this user can read it, else the user’s', () => {
    const linux = { platform: 'linux' as const, env: {}, home: '/home/hall' };
    const readable = new Set(['/etc/haochaping/config.yaml']);
    const canRead = (f: string) => readable.has(f);
    expect(defaultConfigFile(undefined, linux, canRead)).toEqual({
      file: '/etc/haochaping/config.yaml',
      where: 'machine',
      machineFile: '/etc/haochaping/config.yaml',
    });
    readable.clear();
    expect(defaultConfigFile(undefined, linux, canRead)).toEqual({
      file: '/home/hall/.config/haochaping-terminal/config.yaml',
      where: 'user',
      machineFile: '/etc/haochaping/config.yaml',
    });
    // The data folder the app was given (Electron's userData) holds the user's file.
    expect(defaultConfigFile('/data/hcp', linux, canRead).file).toBe('/data/hcp/config.yaml');
    // Windows has no machine-wide file.
    const win = { platform: 'win32' as const, env: { APPDATA: 'C:\\AppData' }, home: 'C:\\Users\\hall' };
    expect(defaultConfigFile(undefined, win, () => true)).toEqual({
      file: 'C:\\AppData\\haochaping-terminal\\config.yaml',
      where: 'user',
      machineFile: null,
    });
  });
});
