// platform.profile national and fujian in the configuration file: their keys and
// defaults (contracts/platform-profiles.md), required keys per profile, secrets never
// shown, a template file read at load, and the adapters' own checks as config errors.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ConfigResult, describeConfig, loadConfig } from '../../../src/config/load.js';
import { loadCatalogueOf } from '../../../src/config/reasons-catalogue.js';
import { adapterOf } from '../../../src/profiles/registry.js';
import { sm2GenerateKeyPair } from '../../../src/sync/crypto/index.js';
import { MINIMAL_CONFIG, tempFolder } from './config-files.js';

const PUBLIC_KEY = sm2GenerateKeyPair().publicKey;
const APP_WORD = 'n4tional-W0rd-91c2';
const APP_CODE = 'fuj1an-C0de-7d3e';
const SM4_KEY = '0123456789abcdeffedcba9876543210';
const SM4_IV = 'a1a2a3a4a5a6a7a8b1b2b3b4b5b6b7b8';
const SECRETS = [APP_WORD, APP_CODE, SM4_KEY, SM4_IV];

const national = (extra = '') =>
  `${MINIMAL_CONFIG}platform:\n  profile: national\n  url: https://hcp.example.gov.cn/evaluation/push\n  appMark: HA-APP\n  appWord: "${APP_WORD}"\n  publicKey: "${PUBLIC_KEY}"\n  dataSource: "165"\n${extra}`;
const fujian = (extra = '') =>
  `${MINIMAL_CONFIG}platform:\n  profile: fujian\n  url: https://gateway.example/api-gateway/gateway\n  appKey: hcp-terminal\n  appCode: "${APP_CODE}"\n  sysNo: "35"\n${extra}`;

/** Writes config.yaml in a folder of its own (optionally with more files) and loads it. */
function load(text: string, files: Record<string, string> = {}): { file: string; result: ConfigResult } {
  const dir = tempFolder();
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  const file = join(dir, 'config.yaml');
  writeFileSync(file, text);
  return { file, result: loadConfig(file, { dataDir: tempFolder() }) };
}

function loaded(text: string, files: Record<string, string> = {}) {
  const { result } = load(text, files);
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result;
}

/** The error lines without the file name, checked to show no secret. */
function errors(text: string, files: Record<string, string> = {}): string[] {
  const { file, result } = load(text, files);
  if (result.ok) throw new Error('expected errors, but the file loaded');
  for (const line of result.errors) {
    expect(line.startsWith(`${file}: `)).toBe(true);
    expect(line).not.toMatch(/[\r\n]/);
    for (const secret of SECRETS) expect(line).not.toContain(secret);
  }
  return result.errors.map((line) => line.slice(file.length + 2));
}

describe('platform.profile national', () => {
  it('loads with the contract defaults, and INVITE off unless enabled', () => {
    const { config } = loaded(national());
    expect(config.platform).toEqual({
      profile: 'national',
      url: 'https://hcp.example.gov.cn/evaluation/push',
      appMark: 'HA-APP',
      appWord: APP_WORD,
      publicKey: PUBLIC_KEY,
      cipherMode: 'C1C3C2',
      dataSource: '165',
      headers: {},
      batchSize: 1,
      channel: 4,
      timeoutSeconds: 10,
    });
    expect(config.prompt.invite.enabled).toBe(false);
    expect(adapterOf(config.platform as NonNullable<typeof config.platform>).maxBatch).toBe(1);
    const on = loaded(`${national('  batchSize: 20\n')}prompt:\n  invite:\n    enabled: true\n`).config;
    expect(on.prompt.invite.enabled).toBe(true);
    expect(on.platform).toMatchObject({ batchSize: 20 });
  });

  it('keeps INVITE on by default with the reference profile and without a platform', () => {
    expect(loaded(MINIMAL_CONFIG).config.prompt.invite.enabled).toBe(true);
    const reference = `${MINIMAL_CONFIG}platform:\n  url: https://p.example/api\n  appMark: A\n  secret: s3cr3t-x\n`;
    expect(loaded(reference).config.prompt.invite.enabled).toBe(true);
  });

  it('refuses a public key that is not on the SM2 curve, naming the key and what to do', () => {
    const offCurve = `04${'1'.repeat(128)}`;
    const lines = errors(national().replace(PUBLIC_KEY, offCurve));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^platform\.publicKey: found "04111.*" \(text\), expected /);
    expect(lines[0]).toContain('not a point on the SM2 curve');
    expect(lines[0]).toContain("copy it again from the platform's interface document");
    expect(errors(national().replace(PUBLIC_KEY, PUBLIC_KEY.slice(0, 100)))[0]).toContain(
      '128 hex digits (x‖y) or 130 (04‖x‖y), not 100',
    );
  });

  it('names every missing required key and every key of another profile, never a secret', () => {
    const text = `${MINIMAL_CONFIG}platform:\n  profile: national\n  url: https://p.example/x\n  appMark: A\n  secret: "${APP_WORD}"\n  appCode: "${APP_CODE}"\n`;
    expect(errors(text)).toEqual([
      'platform.appWord is missing; it is required with platform.profile national (the 应用密钥 the platform issued)',
      "platform.publicKey is missing; it is required with platform.profile national (the platform's SM2 public key from its interface document, 128 or 130 hex digits)",
      'platform.dataSource is missing; it is required with platform.profile national (the 数据来源 code the platform assigned, e.g. "165")',
      'platform.secret is a key of the reference profile, not of national; remove it, or check platform.profile',
      'platform.appCode is a key of the fujian profile, not of national; remove it, or check platform.profile',
    ]);
  });

  it("refuses a header the adapter would refuse, with the adapter's reason", () => {
    const lines = errors(national('  headers:\n    Content-Type: text/plain\n'));
    expect(lines).toEqual([
      'platform.headers: Content-Type is set by the terminal; write each header as Name: value, on one line; Content-Type, Content-Length, Host, Connection and Transfer-Encoding are set by the terminal',
    ]);
    expect(loaded(national('  headers:\n    X-Tenant-Id: "3505"\n')).config.platform).toMatchObject({
      headers: { 'X-Tenant-Id': '3505' },
    });
  });

  it('masks appWord in describeConfig and warns about a sample appWord', () => {
    const { config } = loaded(national());
    const shown = describeConfig(config);
    expect(shown.platform).toMatchObject({ profile: 'national', appWord: '***', publicKey: PUBLIC_KEY });
    expect(JSON.stringify(shown)).not.toContain(APP_WORD);
    expect(config.platform).toMatchObject({ appWord: APP_WORD });
    const sample = loaded(national().replace(APP_WORD, 'change-me'));
    expect(sample.warnings.join('\n')).toContain('platform.appWord is still a sample value');
  });
});

describe('platform.profile fujian', () => {
  it('loads with the contract defaults', () => {
    const { config, warnings } = loaded(fujian());
    expect(config.platform).toEqual({
      profile: 'fujian',
      url: 'https://gateway.example/api-gateway/gateway',
      tokenPath: '/get-token',
      servicePath: '/96hyvzxl/wailian/webservice',
      appKey: 'hcp-terminal',
      appCode: APP_CODE,
      sysNo: '35',
      tokenTimestamp: 'ms',
      sm4Key: null,
      sm4Mode: 'ecb',
      sm4Iv: null,
      sm4Output: 'hex',
      xmlEncoding: 'gb2312',
      template: null,
      network: 1,
      urlMode: 'off',
      urlTimeoutSeconds: 3,
      backUrl: '',
      channel: 4,
      timeoutSeconds: 10,
    });
    expect(config.prompt.invite.enabled).toBe(false);
    expect(warnings).toEqual([]);
    expect(adapterOf(config.platform as NonNullable<typeof config.platform>).maxBatch).toBe(1);
  });

  it('refuses an SM4 key of the wrong length without showing it', () => {
    const lines = errors(fujian(`  sm4Key: "${SM4_KEY.slice(0, 30)}"\n`));
    expect(lines).toEqual([
      'platform.sm4Key: found text (not shown: it is a secret), expected 32 hex digits (16 bytes) (this one: SM4 key: 32 hex digits expected, found 30); copy the SM4 key exactly from the interface document',
    ]);
  });

  it('wants sm4Iv with cbc, and only with cbc', () => {
    expect(errors(fujian('  sm4Mode: cbc\n'))).toEqual([
      'platform.sm4Iv is missing; it is required with platform.sm4Mode cbc (32 hex digits from the interface document)',
    ]);
    expect(errors(fujian(`  sm4Iv: "${SM4_IV}"\n`))).toEqual([
      'platform.sm4Iv is set but platform.sm4Mode is ecb, which takes no IV; set sm4Mode: cbc, or remove sm4Iv',
    ]);
    const { config } = loaded(fujian(`  sm4Mode: cbc\n  sm4Key: "${SM4_KEY}"\n  sm4Iv: "${SM4_IV}"\n`));
    const shown = describeConfig(config);
    expect(shown.platform).toMatchObject({ appCode: '***', sm4Key: '***', sm4Iv: '***', sm4Mode: 'cbc' });
    for (const secret of SECRETS) expect(JSON.stringify(shown)).not.toContain(secret);
    expect(describeConfig(loaded(fujian()).config).platform).toMatchObject({ sm4Key: null, sm4Iv: null });
  });

  it('reads a template file relative to the configuration file', () => {
    const template = '<Case><sysNO>{{sysNo}}</sysNO><pj>{{transactionId}}</pj></Case>\n';
    const { config } = loaded(fujian('  template: templates/case.xml\n'), { 'templates/case.xml': template });
    expect(config.platform).toMatchObject({ template: { text: template } });
    const file = (config.platform as { template: { file: string } }).template.file;
    expect(file).toBe(join(config.source.file as string, '..', 'templates', 'case.xml'));
  });

  it('refuses a template with an unknown placeholder, naming it, the file and the known ones', () => {
    const lines = errors(fujian('  template: case.xml\n'), {
      'case.xml': '<Case><sysNO>{{sysNo}}</sysNO><x>{{projectNumber}}</x></Case>',
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^platform\.template: unknown placeholder \{\{projectNumber\}\} \(in \/.*\/case\.xml\); fix the template file; its placeholders are \{\{sysNo\}\}, \{\{transactionId\}\}, /,
    );
  });

  it('says so when the template file is missing or not UTF-8', () => {
    const missing = errors(fujian('  template: nowhere.xml\n'));
    expect(missing).toHaveLength(1);
    expect(missing[0]).toMatch(
      /^platform\.template: \/.*\/nowhere\.xml: cannot read the file \(it does not exist\); check platform\.template \(a relative path is relative to the configuration file\)$/,
    );
    const dir = tempFolder();
    const gbk = join(dir, 'gbk.xml');
    writeFileSync(gbk, Buffer.from([0x3c, 0x61, 0x3e, 0xb0, 0xec, 0x3c, 0x2f, 0x61, 0x3e]));
    expect(errors(fujian(`  template: ${gbk}\n`))[0]).toBe(
      `platform.template: ${gbk} is not UTF-8 text; save it as UTF-8 (the terminal writes the GB2312 bytes itself)`,
    );
  });

  it('accepts the URL mode keys, without a warning now that the URL mode works', () => {
    const { config, warnings } = loaded(
      fujian('  urlMode: qr\n  network: 2\n  urlTimeoutSeconds: 5\n  backUrl: https://hall.example/back\n'),
    );
    expect(config.platform).toMatchObject({
      urlMode: 'qr',
      network: 2,
      urlTimeoutSeconds: 5,
      backUrl: 'https://hall.example/back',
    });
    expect(warnings).toEqual([]);
    expect(errors(fujian('  network: 4\n'))[0]).toBe(
      'platform.network: found 4 (number), expected 1 (internet), 2 (政务信息网) or 3 (政务外网公共区)',
    );
  });

  it('refuses keys of the other profiles, once each', () => {
    expect(errors(fujian('  dataSource: "165"\n  appMark: HA-APP\n'))).toEqual([
      'platform.appMark is a key of the reference and national profiles, not of fujian; remove it, or check platform.profile',
      'platform.dataSource is a key of the national profile, not of fujian; remove it, or check platform.profile',
    ]);
  });
});

describe('a hall catalogue under a real profile', () => {
  const hallFile =
    'version: hall-1\nlevels:\n  "2":\n    - { code: "D01", label: 等候时间长 }\n  "1":\n    - { code: "108", label: 服务态度差 }\n';

  it('refuses a code outside the national list, naming it, once the configuration has loaded', () => {
    const result = loaded(`${national()}reasons: reasons.yaml\n`, { 'reasons.yaml': hallFile });
    const catalogue = loadCatalogueOf(result.config);
    expect(catalogue.ok).toBe(false);
    if (catalogue.ok) return;
    expect(catalogue.errors.join('\n')).toMatch(/D01/);
  });

  it('takes the same file under the reference profile, and the built-in list under national', () => {
    const reference = loaded(`${MINIMAL_CONFIG}reasons: reasons.yaml\n`, { 'reasons.yaml': hallFile });
    expect(loadCatalogueOf(reference.config).ok).toBe(true);
    const builtIn = loadCatalogueOf(loaded(national()).config);
    expect(builtIn.ok && builtIn.catalogue.version).toBe('national-2020');
  });
});
