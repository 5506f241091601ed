import { mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type ConfigResult,
  describeConfig,
  loadConfig,
  type TerminalConfig,
} from '../../../src/config/load.js';
import { DATA_DIR_ENV } from '../../../src/config/user-data-dir.js';
import {
  API_TOKEN,
  MINIMAL_CONFIG,
  PLATFORM_SECRET,
  QR_SECRET,
  SAMPLE_CONFIG,
  SECRETS,
  tempFolder,
  UI_TOKEN,
  writeTemp,
} from './config-files.js';

function loaded(result: ConfigResult): { config: TerminalConfig; warnings: string[] } {
  if (!result.ok) throw new Error(`expected the configuration to load, got:\n${result.errors.join('\n')}`);
  return result;
}

describe('loadConfig: the contract sample', () => {
  it('loads with every key as written and every default right', () => {
    const file = writeTemp('config.yaml', SAMPLE_CONFIG);
    const dataDir = tempFolder();
    const { config, warnings } = loaded(loadConfig(file, { dataDir }));
    const folder = dirname(file);

    expect(warnings).toEqual([]);
    expect(config).toEqual({
      terminal: {
        id: 'HA-0001',
        mode: 'counter',
        windowNo: '12',
        hallName: '惠安县行政服务中心',
        areaCode: '350521',
        training: false,
      },
      keypad: {
        driver: 'frame',
        path: '/dev/ttyUSB0',
        autoIds: ['1a86:7523', '10c4:ea60', '0403:6001'],
        baudRate: 9600,
        keymap: [5, 4, 3, 2, 1],
        hidKeys: [
          ['F1', 'Numpad1'],
          ['F2', 'Numpad2'],
          ['F3', 'Numpad3'],
          ['F4', 'Numpad4'],
          ['F5', 'Numpad5'],
        ],
        debounceMs: 300,
      },
      store: {
        path: join(folder, 'data', 'terminal.db'),
        keyFile: join(folder, 'data', 'terminal.key'),
        retentionDays: 90,
      },
      log: { dir: join(folder, 'data', 'logs') },
      platform: {
        url: 'https://hcp.example.gov.cn/api',
        profile: 'reference',
        appMark: 'HA-APP',
        secret: PLATFORM_SECRET,
        channel: 4,
        timeoutSeconds: 10,
      },
      api: {
        host: '127.0.0.1',
        port: 7480,
        token: API_TOKEN,
        revealRatings: false,
        corsOrigins: [],
        rateLimit: 50,
      },
      qr: {
        baseUrl: 'https://hcp.example.gov.cn/m/rate',
        secret: QR_SECRET,
        ttlSeconds: 259200,
        staticUrl: null,
      },
      prompt: {
        timeoutSeconds: 60,
        reasonsTimeoutSeconds: 30,
        goodIndicators: 'off',
        invite: { enabled: true, service: { code: '', name: '窗口服务' } },
      },
      reasons: null,
      ui: {
        host: '127.0.0.1',
        port: 7481,
        volume: 80,
        voiceGuide: 'prompt',
        idleSlides: null,
        idleSlideSeconds: 10,
        token: null,
      },
      diagnostics: { pin: null },
      fleet: null,
      compat: { gwq: null },
      source: { file },
    });
  });

  it('fills the same defaults when only the required keys are given', () => {
    const dataDir = tempFolder();
    const full = loaded(loadConfig(writeTemp('full.yaml', SAMPLE_CONFIG), { dataDir })).config;
    const file = writeTemp('config.yaml', MINIMAL_CONFIG);
    const { config } = loaded(loadConfig(file, { dataDir }));

    expect(config.terminal).toEqual({
      id: 'HA-0001',
      mode: 'counter',
      windowNo: '',
      hallName: '',
      areaCode: '350521',
      training: false,
    });
    expect(config.keypad).toEqual({ ...full.keypad, driver: 'hid', path: null });
    expect(config.store).toEqual({
      path: join(dataDir, 'terminal.db'),
      keyFile: join(dataDir, 'terminal.key'),
      retentionDays: 90,
    });
    expect(config.log).toEqual({ dir: join(dataDir, 'logs') });
    expect(config.platform).toBeNull();
    expect(config.qr).toBeNull();
    expect(config.api).toEqual({ ...full.api, token: null });
    expect(config.prompt).toEqual(full.prompt);
    expect(config.reasons).toBeNull();
    expect(config.ui).toEqual(full.ui);
    expect(config.diagnostics).toEqual({ pin: null });
  });

  it('treats an empty section as all defaults and an empty platform or qr as absent', () => {
    const file = writeTemp(
      'config.yaml',
      `${MINIMAL_CONFIG}keypad:\nplatform:\nqr: null\nprompt:\n  invite:\n`,
    );
    const { config } = loaded(loadConfig(file, { dataDir: tempFolder() }));
    expect(config.keypad.driver).toBe('hid');
    expect(config.platform).toBeNull();
    expect(config.qr).toBeNull();
    expect(config.prompt.invite).toEqual({ enabled: true, service: { code: '', name: '窗口服务' } });
  });
});

describe('loadConfig: built-in defaults', () => {
  it('gives the development terminal when no file is named: a training terminal', () => {
    const dataDir = tempFolder();
    const { config, warnings } = loaded(loadConfig(null, { dataDir }));
    expect(warnings).toEqual([]);
    expect(config.terminal).toEqual({
      id: 'DEV-0001',
      mode: 'counter',
      windowNo: '',
      hallName: '',
      areaCode: '000000',
      training: true,
    });
    expect(config.keypad.driver).toBe('hid');
    expect(config.platform).toBeNull();
    expect(config.qr).toBeNull();
    expect(config.api).toEqual({
      host: '127.0.0.1',
      port: 7480,
      token: null,
      revealRatings: false,
      corsOrigins: [],
      rateLimit: 50,
    });
    // A folder of its own: nothing tried out sits in the database a configured terminal uses.
    expect(config.store).toEqual({
      path: join(dataDir, 'training', 'terminal.db'),
      keyFile: join(dataDir, 'training', 'terminal.key'),
      retentionDays: 90,
    });
    expect(config.log).toEqual({ dir: join(dataDir, 'training', 'logs') });
    expect(config.source).toEqual({ file: null });
  });

  it('makes a file that still says DEV-0001 a training terminal, and says so', () => {
    const file = writeTemp('config.yaml', 'terminal:\n  id: DEV-0001\n  areaCode: "350521"\n');
    const { config, warnings } = loaded(loadConfig(file, { dataDir: tempFolder() }));
    expect(config.terminal.training).toBe(true);
    expect(warnings).toEqual([
      `${file}: terminal.id is still DEV-0001, the try-out id, so the terminal runs in training mode and forwards nothing; set this terminal's real number to take it into service`,
    ]);
  });

  it('takes terminal.training from a file, its store where the file says', () => {
    const dataDir = tempFolder();
    const file = writeTemp(
      'config.yaml',
      `${MINIMAL_CONFIG.replace('terminal:\n', 'terminal:\n  training: true\n')}`,
    );
    const { config } = loaded(loadConfig(file, { dataDir }));
    expect(config.terminal.training).toBe(true);
    expect(config.store.path).toBe(join(dataDir, 'terminal.db'));
  });

  it('is a fresh copy each time', () => {
    const first = loaded(loadConfig(null, { dataDir: tempFolder() })).config;
    first.keypad.hidKeys[0]?.push('KeyA');
    first.api.corsOrigins.push('http://x');
    const second = loaded(loadConfig(null, { dataDir: tempFolder() })).config;
    expect(second.keypad.hidKeys[0]).toEqual(['F1', 'Numpad1']);
    expect(second.api.corsOrigins).toEqual([]);
  });
});

describe('loadConfig: formats and paths', () => {
  it('accepts JSON', () => {
    const json = JSON.stringify({
      terminal: { id: 'HA-0002', areaCode: '350521001000', mode: 'kiosk' },
      keypad: { driver: 'none' },
      platform: { url: 'http://10.0.0.5/api', appMark: 'APP', secret: PLATFORM_SECRET },
    });
    const { config } = loaded(loadConfig(writeTemp('config.json', json), { dataDir: tempFolder() }));
    expect(config.terminal.mode).toBe('kiosk');
    expect(config.terminal.areaCode).toBe('350521001000');
    expect(config.keypad.driver).toBe('none');
    expect(config.platform?.url).toBe('http://10.0.0.5/api');
  });

  it("resolves relative paths against the file's folder, not the working directory", () => {
    const folder = tempFolder();
    mkdirSync(join(folder, 'etc'));
    const file = join(folder, 'etc', 'config.yaml');
    const text =
      `${MINIMAL_CONFIG}store:\n  path: ../var/t.db\n  keyFile: keys/t.key\nlog:\n  dir: ./logs\n` +
      'reasons: reasons.yaml\nkeypad:\n  driver: ascii\n  path: COM3\n';
    writeFileSync(file, text);
    const { config } = loaded(loadConfig(file, { dataDir: tempFolder() }));
    expect(config.store.path).toBe(join(folder, 'var', 't.db'));
    expect(config.store.keyFile).toBe(join(folder, 'etc', 'keys', 't.key'));
    expect(config.log.dir).toBe(join(folder, 'etc', 'logs'));
    expect(config.reasons).toBe(join(folder, 'etc', 'reasons.yaml'));
    // A serial device name is not a file path: it stays as written.
    expect(config.keypad.path).toBe('COM3');
  });

  it('puts the key file and logs beside a configured database', () => {
    const file = writeTemp('config.yaml', `${MINIMAL_CONFIG}store:\n  path: /srv/hcp/terminal.db\n`);
    const { config } = loaded(loadConfig(file, { dataDir: tempFolder() }));
    expect(config.store).toEqual({
      path: '/srv/hcp/terminal.db',
      keyFile: '/srv/hcp/terminal.key',
      retentionDays: 90,
    });
    expect(config.log.dir).toBe('/srv/hcp/logs');
  });

  it('reads ~/ as the home folder', () => {
    const file = writeTemp('config.yaml', `${MINIMAL_CONFIG}log:\n  dir: ~/hcp-logs\n`);
    expect(loaded(loadConfig(file, { dataDir: tempFolder() })).config.log.dir).toBe(
      join(homedir(), 'hcp-logs'),
    );
  });

  it('makes a relative --config path absolute in source.file', () => {
    const file = writeTemp('config.yaml', MINIMAL_CONFIG);
    const fromCwd = relative(process.cwd(), file);
    expect(loaded(loadConfig(fromCwd, { dataDir: tempFolder() })).config.source.file).toBe(file);
  });
});

describe('loadConfig: the data folder', () => {
  const saved = process.env[DATA_DIR_ENV];
  afterEach(() => {
    if (saved === undefined) delete process.env[DATA_DIR_ENV];
    else process.env[DATA_DIR_ENV] = saved;
  });

  it('takes HAOCHAPING_DATA_DIR when no dataDir is given', () => {
    const dataDir = tempFolder();
    process.env[DATA_DIR_ENV] = dataDir;
    expect(loaded(loadConfig(null)).config.store.path).toBe(join(dataDir, 'training', 'terminal.db'));
  });

  it('prefers the dataDir argument over HAOCHAPING_DATA_DIR', () => {
    const dataDir = tempFolder();
    process.env[DATA_DIR_ENV] = tempFolder();
    expect(loaded(loadConfig(null, { dataDir })).config.store.path).toBe(
      join(dataDir, 'training', 'terminal.db'),
    );
  });
});

describe('loadConfig: derived values', () => {
  const platform = `platform:\n  url: https://p.example/api\n  appMark: A\n  secret: "${PLATFORM_SECRET}"\n`;

  it('defaults platform.channel to 4 on a counter and 5 on a kiosk', () => {
    const counter = writeTemp('c.yaml', `${MINIMAL_CONFIG}${platform}`);
    const kiosk = writeTemp('k.yaml', `${MINIMAL_CONFIG.replace('id:', 'mode: kiosk\n  id:')}${platform}`);
    expect(loaded(loadConfig(counter, { dataDir: tempFolder() })).config.platform?.channel).toBe(4);
    expect(loaded(loadConfig(kiosk, { dataDir: tempFolder() })).config.platform?.channel).toBe(5);
    const written = writeTemp('w.yaml', `${MINIMAL_CONFIG}${platform}  channel: 2\n`);
    expect(loaded(loadConfig(written, { dataDir: tempFolder() })).config.platform?.channel).toBe(2);
  });

  it('takes prompt.goodIndicators: optional (off by default)', () => {
    const file = writeTemp('g.yaml', `${MINIMAL_CONFIG}prompt:\n  goodIndicators: optional\n`);
    expect(loaded(loadConfig(file, { dataDir: tempFolder() })).config.prompt.goodIndicators).toBe('optional');
    const plain = writeTemp('p.yaml', MINIMAL_CONFIG);
    expect(loaded(loadConfig(plain, { dataDir: tempFolder() })).config.prompt.goodIndicators).toBe('off');
  });

  it('allows a non-loopback api.host when a token is set, and loopback hosts without one', () => {
    const open = writeTemp('o.yaml', `${MINIMAL_CONFIG}api:\n  host: 0.0.0.0\n  token: "${API_TOKEN}"\n`);
    expect(loaded(loadConfig(open, { dataDir: tempFolder() })).config.api.host).toBe('0.0.0.0');
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', 'localhost']) {
      const file = writeTemp('l.yaml', `${MINIMAL_CONFIG}api:\n  host: "${host}"\n`);
      expect(loaded(loadConfig(file, { dataDir: tempFolder() })).config.api.token).toBeNull();
    }
  });

  it('stores CORS origins the way browsers send them', () => {
    const file = writeTemp(
      'config.yaml',
      `${MINIMAL_CONFIG}api:\n  corsOrigins: ["https://biz.example.gov.cn:443/", "http://192.168.1.20:8080"]\n`,
    );
    expect(loaded(loadConfig(file, { dataDir: tempFolder() })).config.api.corsOrigins).toEqual([
      'https://biz.example.gov.cn',
      'http://192.168.1.20:8080',
    ]);
  });

  it('lower-cases USB ids', () => {
    const file = writeTemp('config.yaml', `${MINIMAL_CONFIG}keypad:\n  autoIds: ["1A86:7523"]\n`);
    expect(loaded(loadConfig(file, { dataDir: tempFolder() })).config.keypad.autoIds).toEqual(['1a86:7523']);
  });
});

describe('loadConfig: secrets', () => {
  it('accepts a secret of any length', () => {
    const long = 'k'.repeat(5000);
    const file = writeTemp('config.yaml', SAMPLE_CONFIG.replace(PLATFORM_SECRET, long));
    expect(loaded(loadConfig(file, { dataDir: tempFolder() })).config.platform).toMatchObject({
      secret: long,
    });
  });
});

describe('loadConfig: warnings', () => {
  it('warns about sample secrets by key, never by value', () => {
    const text = SAMPLE_CONFIG.replace(PLATFORM_SECRET, '…')
      .replace(API_TOKEN, 'change-me')
      .replace(QR_SECRET, 'Secret')
      .replace(
        'token: null                 # default: null; secret.',
        'token: CHANGE-ME # default: null; secret.',
      );
    const file = writeTemp('config.yaml', text);
    const { warnings } = loaded(loadConfig(file, { dataDir: tempFolder() }));
    expect(warnings).toHaveLength(4);
    expect(warnings[0]).toBe(
      `${file}: platform.secret is still a sample value; set the secret the platform issued for this terminal`,
    );
    expect(warnings[1]).toMatch(/api\.token is still a sample value/);
    expect(warnings[2]).toMatch(/qr\.secret is still a sample value/);
    expect(warnings[3]).toMatch(/ui\.token is still a sample value; set a long random token/);
    for (const warning of warnings) {
      expect(warning).not.toContain('change-me');
      expect(warning).not.toContain('CHANGE-ME');
      expect(warning).not.toContain('Secret');
      expect(warning).not.toContain('…');
    }
  });
});

describe('describeConfig', () => {
  it('hides every secret and leaves the rest as loaded', () => {
    const text = SAMPLE_CONFIG.replace('pin: null', 'pin: "2580"').replace(
      'token: null                 # default: null; secret.',
      `token: "${UI_TOKEN}" # default: null; secret.`,
    );
    const { config } = loaded(loadConfig(writeTemp('config.yaml', text), { dataDir: tempFolder() }));
    expect(config.ui.token).toBe(UI_TOKEN);
    const shown = describeConfig(config);
    const serialised = JSON.stringify(shown);
    for (const secret of [...SECRETS, UI_TOKEN]) expect(serialised).not.toContain(secret);
    expect(serialised).not.toContain('2580');
    expect(shown.ui.token).toBe('***');
    expect(shown.platform).toMatchObject({ profile: 'reference', secret: '***' });
    expect(shown.api.token).toBe('***');
    expect(shown.qr?.secret).toBe('***');
    expect(shown.diagnostics.pin).toBe('***');
    expect({
      ...shown,
      platform: config.platform,
      api: config.api,
      qr: config.qr,
      ui: config.ui,
      diagnostics: config.diagnostics,
    }).toEqual(config);
    // The original keeps its secrets.
    expect(config.platform).toMatchObject({ secret: PLATFORM_SECRET });
  });

  it('keeps unset secrets null', () => {
    const shown = describeConfig(loaded(loadConfig(null, { dataDir: tempFolder() })).config);
    expect(shown.api.token).toBeNull();
    expect(shown.platform).toBeNull();
    expect(shown.qr).toBeNull();
    expect(shown.diagnostics.pin).toBeNull();
    expect(shown.ui.token).toBeNull();
  });
});
