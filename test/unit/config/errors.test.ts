import { execFileSync } from 'node:child_process';
// Every kind of configuration mistake gives one line that names the file, the key,
// what was found and what is expected — and never shows a secret.

import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { readErrorLine } from '../../../src/config/messages.js';
import {
  API_TOKEN,
  MINIMAL_CONFIG,
  PLATFORM_SECRET,
  QR_SECRET,
  SAMPLE_CONFIG,
  SECRETS,
  tempFolder,
  writeTemp,
} from './config-files.js';

/** Loads `text` as config.yaml and returns its error lines, checking their common shape. */
function errorsOf(text: string | Uint8Array, name = 'config.yaml'): { file: string; errors: string[] } {
  const file = writeTemp(name, text);
  const result = loadConfig(file, { dataDir: tempFolder() });
  if (result.ok) throw new Error(`expected errors, but the file loaded:\n${String(text)}`);
  expectWellFormed(file, result.errors);
  return { file, errors: result.errors };
}

function expectWellFormed(file: string, errors: readonly string[]): void {
  expect(errors.length).toBeGreaterThan(0);
  for (const line of errors) {
    expect(line.startsWith(`${file}: `)).toBe(true);
    expect(line).not.toMatch(/[\r\n]/);
    expect(line).not.toMatch(
      /invalid_type|invalid_value|too_small|too_big|unrecognized_keys|Invalid input|ZodError/,
    );
    expect(line).not.toMatch(/\bat .*\.(?:ts|js):\d+/);
    for (const secret of SECRETS) expect(line).not.toContain(secret);
  }
}

/** The one error of a minimal file with `extra` appended, without the file-name prefix. */
function oneError(extra: string, base = MINIMAL_CONFIG): string {
  const { file, errors } = errorsOf(`${base}${extra}`);
  expect(errors).toHaveLength(1);
  return (errors[0] ?? '').slice(file.length + 2);
}

describe('api.rateLimit', () => {
  it('is a whole number of requests a second, at least 1', () => {
    for (const value of ['0', '2.5', '"fast"']) {
      expect(oneError(`api:\n  rateLimit: ${value}\n`)).toMatch(
        /^api\.rateLimit: found .*a whole number of requests a second per client address, such as 50/,
      );
    }
  });
});

describe('missing required keys', () => {
  it('names terminal.id and says what it is', () => {
    const { file, errors } = errorsOf('terminal:\n  areaCode: "350521"\n');
    expect(errors).toEqual([
      `${file}: terminal.id is missing; it is required (the terminal's number, e.g. HA-0001: 1-64 characters, no spaces)`,
    ]);
  });

  it('names terminal.areaCode', () => {
    expect(oneError('', 'terminal:\n  id: HA-0001\n')).toBe(
      'terminal.areaCode is missing; it is required (the 行政区划代码 as text: 6 or 12 digits, e.g. areaCode: "350521")',
    );
  });

  it('reports both when the terminal section is absent', () => {
    const { errors } = errorsOf('keypad:\n  driver: hid\n');
    expect(errors).toHaveLength(2);
    expect(errors[0]).toContain('terminal.id is missing; it is required');
    expect(errors[1]).toContain('terminal.areaCode is missing; it is required');
  });

  it('names what a platform section needs', () => {
    const { errors } = errorsOf(`${MINIMAL_CONFIG}platform:\n  channel: 4\n`);
    expect(errors.map((line) => line.replace(/^.*?: /, ''))).toEqual([
      "platform.url is missing; it is required (the platform's upload address, an http:// or https:// URL such as https://hcp.example.gov.cn/api)",
      'platform.appMark is missing; it is required with platform.profile reference (the 应用标识 the platform issued, e.g. HA-APP)',
      'platform.secret is missing; it is required with platform.profile reference (the signing secret the platform issued)',
    ]);
  });

  it('names what a qr section needs', () => {
    const { errors } = errorsOf(`${MINIMAL_CONFIG}qr:\n  ttlSeconds: 60\n`);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/: qr\.baseUrl is missing; it is required \(the rating page address/);
    expect(errors[1]).toMatch(
      /: qr\.secret is missing; it is required \(the secret shared with the rating page/,
    );
  });

  it('asks for keypad.path with a serial driver', () => {
    expect(oneError('keypad:\n  driver: frame\n')).toBe(
      'keypad.path is missing; it is required when keypad.driver is frame (a serial device such as /dev/ttyUSB0 or COM3, or "auto")',
    );
    expect(oneError('keypad:\n  driver: ascii\n  path: null\n')).toContain('keypad.path is missing');
  });

  it('says an empty value is nothing', () => {
    expect(oneError('', 'terminal:\n  id:\n  areaCode: "350521"\n')).toBe(
      "terminal.id: found nothing, expected the terminal's number, e.g. HA-0001: 1-64 characters, no spaces",
    );
  });
});

describe('unknown keys', () => {
  it('at the top level, listing the known keys', () => {
    expect(oneError('termnal_extra: 1\n')).toBe(
      'termnal_extra is not a known key (known keys: terminal, keypad, store, log, platform, api, qr, prompt, reasons, ui, diagnostics, fleet, compat); check the spelling',
    );
  });

  it('inside a section, suggesting the nearest known key', () => {
    expect(oneError('keypad:\n  drivr: frame\n')).toBe(
      'keypad.drivr is not a known key (known keys in keypad: driver, path, autoIds, baudRate, keymap, hidKeys, debounceMs); check the spelling (did you mean driver?)',
    );
  });

  it('deeper down', () => {
    expect(oneError('prompt:\n  invite:\n    service: {code: "", nme: x}\n')).toBe(
      'prompt.invite.service.nme is not a known key (known keys in prompt.invite.service: code, name); check the spelling (did you mean name?)',
    );
  });

  it('suggests the abbreviated key for one written out (windowNumber → windowNo)', () => {
    expect(oneError('  windowNumber: "12"\n')).toBe(
      'terminal.windowNumber is not a known key (known keys in terminal: id, mode, windowNo, hallName, areaCode, training); check the spelling (did you mean windowNo?)',
    );
  });

  it('points at the indentation when the key belongs to another section', () => {
    expect(oneError('baudRate: 9600\n')).toMatch(
      /^baudRate is not a known key \(known keys: terminal, .*\); check the indentation: baudRate belongs in keypad$/,
    );
  });

  it('gives one line per unknown key', () => {
    const { errors } = errorsOf(`${MINIMAL_CONFIG}ui:\n  colour: red\n  size: 3\n`);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toContain(
      'ui.colour is not a known key (known keys in ui: host, port, volume, voiceGuide, idleSlides, idleSlideSeconds, token)',
    );
    expect(errors[1]).toContain('ui.size is not a known key');
  });
});

describe('wrong types', () => {
  it('text where a number belongs', () => {
    expect(oneError('keypad:\n  baudRate: fast\n')).toBe(
      'keypad.baudRate: found "fast" (text), expected a whole number such as 9600',
    );
  });

  it('a quoted number where a number belongs', () => {
    expect(oneError('api:\n  port: "7480"\n')).toBe(
      'api.port: found "7480" (text), expected a port number from 1 to 65535, such as 7480',
    );
  });

  it('yes where true or false belongs', () => {
    expect(oneError('api:\n  revealRatings: yes\n')).toBe(
      'api.revealRatings: found "yes" (text), expected true or false',
    );
  });

  it('terminal.training that is not true or false', () => {
    expect(oneError('terminal:\n  id: HA-1\n  areaCode: "350521"\n  training: "yes"\n', '')).toBe(
      'terminal.training: found "yes" (text), expected true (a try-out terminal: ratings are kept marked training and never forwarded) or false',
    );
  });

  it('a lone value where a section belongs', () => {
    expect(oneError('ui: fast\n')).toBe(
      'ui: found "fast" (text), expected a set of keys (host, port, volume, voiceGuide, idleSlides, idleSlideSeconds, token), each on its own indented line under ui:',
    );
  });

  it('a list where text belongs', () => {
    expect(oneError('', 'terminal:\n  id: [HA, "0001"]\n  areaCode: "350521"\n')).toMatch(
      /^terminal\.id: found \["HA", "0001"\] \(a list\), expected the terminal's number/,
    );
  });
});

describe('bad values', () => {
  it('an areaCode written as a bare number says to quote it', () => {
    expect(oneError('', 'terminal:\n  id: HA-0001\n  areaCode: 350521\n')).toBe(
      'terminal.areaCode: found 350521 (number), expected the 行政区划代码 as text: 6 or 12 digits, e.g. areaCode: "350521"; put it in quotes (a bare number is read as a number and loses leading zeros)',
    );
  });

  it('an areaCode of the wrong length', () => {
    expect(oneError('', 'terminal:\n  id: HA-0001\n  areaCode: "35052"\n')).toBe(
      'terminal.areaCode: found "35052" (text), expected the 行政区划代码 as text: 6 or 12 digits, e.g. areaCode: "350521"',
    );
  });

  it('ports outside 1-65535', () => {
    expect(oneError('api:\n  port: 70000\n')).toBe(
      'api.port: found 70000 (number), expected a port number from 1 to 65535, such as 7480',
    );
    expect(oneError('ui:\n  port: 0\n')).toBe(
      'ui.port: found 0 (number), expected a port number from 1 to 65535, such as 7481',
    );
    expect(oneError('ui:\n  port: 80.5\n')).toContain('ui.port: found 80.5 (number)');
  });

  it('a keymap that is not 1..5 each once', () => {
    const expected =
      'expected the satisfaction codes of keypad positions 1 to 5: the numbers 1 to 5, each exactly once, e.g. [5, 4, 3, 2, 1]';
    expect(oneError('keypad:\n  keymap: [5, 4, 3, 3, 1]\n')).toBe(
      `keypad.keymap: found [5, 4, 3, 3, 1] (a list), ${expected}`,
    );
    expect(oneError('keypad:\n  keymap: [5, 4, 3, 2]\n')).toBe(
      `keypad.keymap: found [5, 4, 3, 2] (a list), ${expected}`,
    );
    expect(oneError('keypad:\n  keymap: [5, 4, 3, 2, 6]\n')).toBe(
      `keypad.keymap[4]: found 6 (number), ${expected}`,
    );
  });

  it('hidKeys that are not 5 lists of key names, or share a key', () => {
    expect(oneError('keypad:\n  hidKeys: [[F1], [F2], [F3], [F4]]\n')).toMatch(
      /^keypad\.hidKeys: found \[\["F1"\], \["F2"\], \["F3"\], \["F4"\]\] \(a list\), expected a list of 5 lists of key names/,
    );
    expect(oneError('keypad:\n  hidKeys: [[F1], [F2], [], [F4], [F5]]\n')).toBe(
      'keypad.hidKeys[2]: found [] (an empty list), expected a list of at least one key name for this position, e.g. ["F1", "Numpad1"]',
    );
    expect(oneError('keypad:\n  hidKeys: [[F1], [F2], ["f 3"], [F4], [F5]]\n')).toBe(
      'keypad.hidKeys[2][0]: found "f 3" (text), expected a key name as browsers spell it (KeyboardEvent.code), such as "F1", "Numpad1" or "Digit1"',
    );
    expect(oneError('keypad:\n  hidKeys: [[F1], [F2], [F3, F1], [F4], [F5]]\n')).toBe(
      'keypad.hidKeys[2][1]: found "F1" (text), expected a key no other position uses (it is already a key of position 1)',
    );
  });

  it('platform.channel 8', () => {
    expect(
      oneError(
        `platform:\n  url: https://p.example/api\n  appMark: A\n  secret: "${PLATFORM_SECRET}"\n  channel: 8\n`,
      ),
    ).toBe(
      "platform.channel: found 8 (number), expected the record's pf code, a whole number from 1 to 7 (4 hall tablet, 5 self-service kiosk)",
    );
  });

  it('a non-loopback api.host without a token names api.token', () => {
    expect(oneError('api:\n  host: 0.0.0.0\n')).toBe(
      'api.token is missing; it is required because api.host 0.0.0.0 is not a loopback address (set a long random token for the business system, or use api.host: 127.0.0.1)',
    );
    expect(oneError('api:\n  host: 192.168.1.20\n  token: null\n')).toContain('api.token is missing');
    expect(oneError('api:\n  host: "::"\n')).toContain('api.token is missing');
  });

  it('a non-loopback ui.host without a token names ui.token', () => {
    expect(oneError('ui:\n  host: 0.0.0.0\n')).toBe(
      'ui.token is missing; it is required because ui.host 0.0.0.0 is not a loopback address (set a long random token; the screen is then opened as http://HOST:PORT/?token=…, or use ui.host: 127.0.0.1)',
    );
    expect(oneError('ui:\n  host: 192.168.1.20\n  token: null\n')).toContain('ui.token is missing');
    expect(oneError('ui:\n  host: "::"\n')).toContain('ui.token is missing');
    expect(oneError('ui:\n  host: 0.0.0.0\n  token: ""\n')).toBe(
      "ui.token: found text (not shown: it is a secret), expected a long random text that the screen's address carries as ?token=",
    );
  });

  it('a host that is no address', () => {
    expect(oneError('api:\n  host: "http://0.0.0.0"\n')).toBe(
      'api.host: found "http://0.0.0.0" (text), expected an address to listen on, such as 127.0.0.1 or 0.0.0.0',
    );
  });

  it('urls that are not http(s)', () => {
    expect(
      oneError(`platform:\n  url: ftp://p.example\n  appMark: A\n  secret: "${PLATFORM_SECRET}"\n`),
    ).toMatch(
      /^platform\.url: found "ftp:\/\/p\.example" \(text\), expected the platform's upload address, an http:\/\/ or https:\/\/ URL/,
    );
    expect(
      oneError(
        `qr:\n  baseUrl: https://q.example/r\n  secret: "${QR_SECRET}"\n  staticUrl: www.example.gov.cn\n`,
      ),
    ).toMatch(
      /^qr\.staticUrl: found "www\.example\.gov\.cn" \(text\), expected the hall's static QR address/,
    );
  });

  it('CORS origins with a path', () => {
    expect(oneError('api:\n  corsOrigins: ["http://biz.example/app"]\n')).toBe(
      'api.corsOrigins[0]: found "http://biz.example/app" (text), expected a browser origin such as http://192.168.1.20:8080 (scheme, host and port, no path)',
    );
  });

  it('USB ids not written VID:PID', () => {
    expect(oneError('keypad:\n  autoIds: ["1a86-7523"]\n')).toBe(
      'keypad.autoIds[0]: found "1a86-7523" (text), expected a USB id written VID:PID in hex, such as "1a86:7523"',
    );
    expect(oneError('keypad:\n  driver: frame\n  path: auto\n  autoIds: []\n')).toBe(
      'keypad.autoIds: found [] (an empty list), expected at least one USB id such as "1a86:7523", because keypad.path is "auto"',
    );
  });

  it('a driver that does not exist', () => {
    expect(oneError('keypad:\n  driver: serial\n')).toBe(
      'keypad.driver: found "serial" (text), expected one of frame (KP/1 serial keypad), ascii (single-byte serial keypad), hid (keyboard keys) or none',
    );
  });

  it('volume, timeouts and retention out of range', () => {
    expect(oneError('ui:\n  volume: 101\n')).toBe(
      'ui.volume: found 101 (number), expected a whole number from 0 to 100, such as 80',
    );
    expect(oneError('prompt:\n  timeoutSeconds: 0\n')).toBe(
      'prompt.timeoutSeconds: found 0 (number), expected a whole number of seconds from 1 to 86400, such as 60',
    );
    expect(oneError('prompt:\n  reasonsTimeoutSeconds: 1.5\n')).toContain(
      'prompt.reasonsTimeoutSeconds: found 1.5',
    );
    expect(oneError('store:\n  retentionDays: -1\n')).toContain('store.retentionDays: found -1 (number)');
  });

  it('prompt.goodIndicators other than off or optional', () => {
    const expected =
      'expected off (a 好评 is final at the press) or optional (a 好评 may add indicators for up to 10 s)';
    expect(oneError('prompt:\n  goodIndicators: required\n')).toBe(
      `prompt.goodIndicators: found "required" (text), ${expected}`,
    );
    expect(oneError('prompt:\n  goodIndicators: true\n')).toBe(
      `prompt.goodIndicators: found true (true/false), ${expected}`,
    );
  });

  it('a diagnostics PIN that is not 4-12 digits, without showing it', () => {
    const line = oneError('diagnostics:\n  pin: "12x"\n');
    expect(line).toBe(
      'diagnostics.pin: found text (not shown: it is a secret), expected 4 to 12 digits as text, e.g. pin: "2580", or null to disable the screen',
    );
    expect(oneError('diagnostics:\n  pin: 987654\n')).toContain('put it in quotes');
    expect(oneError('diagnostics:\n  pin: 987654\n')).not.toContain('987654');
  });

  it('a windowNo written as a number says to quote it', () => {
    expect(oneError('', `${MINIMAL_CONFIG.replace('id:', 'windowNo: 12\n  id:')}`)).toMatch(
      /^terminal\.windowNo: found 12 \(number\), expected the window number as text, .*; put it in quotes/,
    );
  });

  it('reports every problem, cross-key ones included, in one go', () => {
    const { errors } = errorsOf(
      `${MINIMAL_CONFIG}api:\n  host: 0.0.0.0\n  port: 0\nkeypad:\n  driver: frame\n  baudRate: x\n`,
    );
    expect(errors).toHaveLength(4);
    expect(errors.join('\n')).toMatch(/api\.port: found 0/);
    expect(errors.join('\n')).toMatch(/api\.token is missing/);
    expect(errors.join('\n')).toMatch(/keypad\.path is missing/);
    expect(errors.join('\n')).toMatch(/keypad\.baudRate: found "x"/);
  });
});

describe('secrets never appear', () => {
  it('not when a secret has the wrong type', () => {
    expect(oneError('api:\n  token: 123456789\n')).toBe(
      'api.token: found a number (not shown: it is a secret), expected a long random text that the business system sends as a Bearer token',
    );
    expect(oneError('api:\n  token: 123456789\n')).not.toContain('123456789');
    const line = oneError(`qr:\n  baseUrl: https://q.example/r\n  secret: ["${QR_SECRET}"]\n`);
    expect(line).toBe(
      'qr.secret: found a list (not shown: it is a secret), expected the secret shared with the rating page, as text',
    );
  });

  it('not when other keys of a file with real secrets are wrong', () => {
    const broken = SAMPLE_CONFIG.replace('baudRate: 9600', 'baudRate: fast')
      .replace('port: 7480', 'port: 0')
      .replace('ttlSeconds: 259200', 'ttlSeconds: "three days"')
      .replace('appMark: HA-APP', 'appMrk: HA-APP');
    const { errors } = errorsOf(broken);
    // expectWellFormed checks that no line holds a secret.
    expect(errors).toHaveLength(5); // appMrk is unknown and appMark then missing
  });

  it('not in a YAML error on the secret line', () => {
    const { errors } = errorsOf(`${MINIMAL_CONFIG}api:\n  token: "${API_TOKEN}\n`);
    expect(errors).toHaveLength(1);
  });
});

describe('invalid YAML', () => {
  it('gives the line, the column and the parser reason', () => {
    const { file, errors } = errorsOf('terminal:\n  id: HA-0001\n   areaCode: "350521"\n');
    expect(errors).toEqual([
      `${file}: line 2, column 7: the file is not valid YAML (Nested mappings are not allowed in compact mappings); fix the indentation or quoting there`,
    ]);
  });

  it('an unclosed quote', () => {
    const { errors } = errorsOf('terminal:\n  id: "HA-0001\n  areaCode: "350521"\n');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /: line \d+, column \d+: the file is not valid YAML \(.+\); fix the indentation or quoting there$/,
    );
  });

  it('a key written twice', () => {
    const { errors } = errorsOf(`${MINIMAL_CONFIG}  id: HA-0002\n`);
    expect(errors[0]).toMatch(
      /: line 4, column 3: terminal\.id is written twice \(first at line 2\); keep one of them$/,
    );
  });

  it('tabs for indentation', () => {
    const { errors } = errorsOf('terminal:\n\tid: HA-0001\n');
    expect(errors[0]).toMatch(
      /: line 2, column 1: the file is not valid YAML \(Tabs are not allowed as indentation\)/,
    );
  });

  it('an alias to an anchor that does not exist', () => {
    const { file, errors } = errorsOf(`${MINIMAL_CONFIG}api:\n  host: *nowhere\n`);
    expect(errors).toEqual([
      `${file}: the file is not valid YAML (Unresolved alias (the anchor must be set before the alias): nowhere); fix the indentation or quoting there`,
    ]);
  });

  it('a document that is a list, not keys', () => {
    const { file, errors } = errorsOf('- terminal\n- keypad\n');
    expect(errors).toEqual([
      `${file}: the file holds ["terminal", "keypad"] (a list), expected keys such as terminal: and keypad:`,
    ]);
  });

  it('malformed JSON', () => {
    const { errors } = errorsOf('{"terminal": {"id": "HA-0001" "areaCode": "350521"}}', 'config.json');
    expect(errors[0]).toMatch(/config\.json: line 1, column \d+: the file is not valid YAML/);
  });
});

describe('unreadable files', () => {
  it('one that does not exist', () => {
    const file = join(tempFolder(), 'nope.yaml');
    const result = loadConfig(file, { dataDir: tempFolder() });
    expect(result).toEqual({
      ok: false,
      errors: [`${file}: cannot read the file (it does not exist); check the --config path`],
    });
  });

  it('a directory', () => {
    const folder = tempFolder();
    expect(loadConfig(folder, { dataDir: tempFolder() })).toEqual({
      ok: false,
      errors: [`${folder}: cannot read the file (it is a directory, not a file); check the --config path`],
    });
  });

  it('an empty file, or one with only comments', () => {
    const { file, errors } = errorsOf('');
    expect(errors).toEqual([`${file}: the file is empty; terminal.id and terminal.areaCode are required`]);
    expect(errorsOf('# nothing yet\n\n').errors[0]).toMatch(
      /: the file is empty; terminal\.id and terminal\.areaCode are required$/,
    );
  });

  it('one the terminal may not read', () => {
    const dir = tempFolder();
    chmodSync(dir, 0o755);
    const file = join(dir, 'config.yaml');
    writeFileSync(file, MINIMAL_CONFIG);
    chmodSync(file, 0o000);
    const expected = `${file}: cannot read the file (permission denied); let the user the terminal runs as read it`;
    if (process.getuid?.() !== 0) {
      expect(loadConfig(file, { dataDir: tempFolder() })).toEqual({ ok: false, errors: [expected] });
      return;
    }
    // Root reads anything: a child loads the code as root (the checkout may sit where
    // only root can read), then becomes the unprivileged user `nobody` to read the file,
    // as a real terminal would.
    const loader = new URL('../../../src/config/load.ts', import.meta.url).href;
    const script = `import(${JSON.stringify(loader)}).then((m) => { process.setgid(65534); process.setuid(65534); process.stdout.write(JSON.stringify(m.loadConfig(${JSON.stringify(file)}, { dataDir: '/nonexistent' }))); })`;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], {
      cwd: new URL('../../..', import.meta.url).pathname,
    });
    expect(JSON.parse(out.toString())).toEqual({ ok: false, errors: [expected] });
  });

  it('explains permission denied (also where the tests run as root)', () => {
    const denied = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    expect(readErrorLine('/etc/x.yaml', denied, 'check the --config path')).toBe(
      '/etc/x.yaml: cannot read the file (permission denied); let the user the terminal runs as read it',
    );
  });

  it('one saved as UTF-16', () => {
    const bytes = Buffer.from(`\ufeff${MINIMAL_CONFIG}`, 'utf16le');
    const { file, errors } = errorsOf(bytes);
    expect(errors).toEqual([
      `${file}: the file is not UTF-8 text; save it as UTF-8 (e.g. in Notepad: Save As, Encoding UTF-8)`,
    ]);
  });

  it('accepts a UTF-8 byte-order mark', () => {
    const file = join(tempFolder(), 'config.yaml');
    writeFileSync(file, `\ufeff${MINIMAL_CONFIG}`);
    expect(loadConfig(file, { dataDir: tempFolder() }).ok).toBe(true);
  });
});

describe('the hall’s notices (ui.idleSlides)', () => {
  it('names the key and what is expected for a wrong folder or turn', () => {
    const { errors } = errorsOf(`${MINIMAL_CONFIG}ui:\n  idleSlides: 12\n  idleSlideSeconds: 1\n`);
    expect(errors.map((e) => e.slice(e.indexOf(': ') + 2))).toEqual([
      'ui.idleSlides: found 12 (number), expected a path to a folder of PNG, JPEG or WebP images, or null for none',
      'ui.idleSlideSeconds: found 1 (number), expected a whole number of seconds from 3 to 600, such as 10',
    ]);
  });

  it('reads a relative folder as relative to the configuration file', () => {
    const file = writeTemp('config.yaml', `${MINIMAL_CONFIG}ui:\n  idleSlides: ./notices\n`);
    const result = loadConfig(file, { dataDir: tempFolder() });
    if (!result.ok) throw new Error(result.errors.join('\n'));
    expect(result.config.ui).toMatchObject({
      idleSlides: join(file, '..', 'notices'),
      idleSlideSeconds: 10,
    });
  });
});
