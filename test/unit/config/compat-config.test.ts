// compat.gwq: absent by default, answerLevel written down, the levelMap rule (a 差评 is
// always the SDK's 4), origins, and the address/token rules off loopback; its token
// kept out of every message and every shown configuration.
import { describe, expect, it } from 'vitest';
import {
  type ConfigResult,
  describeConfig,
  loadConfig,
  type TerminalConfig,
} from '../../../src/config/load.js';
import { tempFolder, writeTemp } from './config-files.js';

const TOKEN = 'gwq-T0ken-4a7c19e2b8';

function load(text: string): ConfigResult {
  return loadConfig(writeTemp('config.yaml', text), { dataDir: tempFolder() });
}

function loaded(result: ConfigResult): TerminalConfig {
  if (!result.ok) throw new Error(`expected the configuration to load, got:\n${result.errors.join('\n')}`);
  return result.config;
}

function errors(result: ConfigResult): string[] {
  if (result.ok) throw new Error('expected the configuration to be refused');
  return result.errors;
}

const terminal = 'terminal:\n  id: HA-0001\n  areaCode: "350521"\n';
const gwq = (lines: string) => `${terminal}compat:\n  gwq:\n${lines.replace(/^/gm, '    ')}\n`;

describe('compat.gwq configuration', () => {
  it('is absent by default: no GWQ listener', () => {
    expect(loaded(load(terminal)).compat).toEqual({ gwq: null });
    expect(loaded(load(`${terminal}compat:\n`)).compat).toEqual({ gwq: null });
  });

  it('fills the defaults and canonicalises the origins', () => {
    const config = loaded(
      load(gwq('answerLevel: true\norigins: ["http://10.1.2.3:8080/", "null", "https://a.example:443"]')),
    );
    expect(config.compat.gwq).toEqual({
      answerLevel: true,
      host: '127.0.0.1',
      port: 1919,
      origins: ['http://10.1.2.3:8080', 'null', 'https://a.example'],
      allowFrom: [],
      token: null,
      levelMap: [1, 2, 3, 4, 4],
      pageOrigins: [],
    });
  });

  it('has no default for answerLevel: the hall must write its choice down', () => {
    const lines = errors(load(gwq('origins: ["http://10.1.2.3:8080"]')));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('compat.gwq.answerLevel');
    expect(lines[0]).toContain('missing');
    expect(lines[0]).toContain('EvaluatorLevel 0');
  });

  it('needs at least one origin, each a bare origin', () => {
    expect(errors(load(gwq('answerLevel: false')))[0]).toContain('compat.gwq.origins');
    expect(errors(load(gwq('answerLevel: false\norigins: []')))[0]).toContain('at least one origin');
    const bad = errors(load(gwq('answerLevel: false\norigins: ["http://10.1.2.3:8080/page", "ws://x"]')));
    expect(bad).toHaveLength(2);
    expect(bad[0]).toContain('compat.gwq.origins[0]');
    expect(bad[1]).toContain('compat.gwq.origins[1]');
  });

  it.each([
    ['[1, 2, 3, 3, 4]', 'compat.gwq.levelMap[3]'],
    ['[1, 2, 3, 4, 1]', 'compat.gwq.levelMap[4]'],
    ['[1, 2, 3, 4]', 'compat.gwq.levelMap'],
    ['[0, 2, 3, 4, 4]', 'compat.gwq.levelMap[0]'],
    ['[1, 2, 5, 4, 4]', 'compat.gwq.levelMap[2]'],
  ])('refuses levelMap %s, naming %s', (map, key) => {
    const lines = errors(load(gwq(`answerLevel: true\norigins: ["http://a.example"]\nlevelMap: ${map}`)));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(key);
  });

  it('takes another levelMap that keeps a 差评 at 4', () => {
    const config = loaded(
      load(gwq('answerLevel: true\norigins: ["http://a.example"]\nlevelMap: [1, 1, 2, 4, 4]')),
    );
    expect(config.compat.gwq?.levelMap).toEqual([1, 1, 2, 4, 4]);
  });

  it('off loopback needs a token and allowFrom, and refuses the "null" origin', () => {
    const lines = errors(load(gwq('answerLevel: true\nhost: 0.0.0.0\norigins: ["null"]')));
    expect(lines).toHaveLength(3);
    expect(lines.join('\n')).toContain('compat.gwq.token is missing');
    expect(lines.join('\n')).toContain('compat.gwq.allowFrom');
    expect(lines.join('\n')).toContain('compat.gwq.origins[0]');
    const config = loaded(
      load(
        gwq(
          `answerLevel: true\nhost: 0.0.0.0\norigins: ["http://10.1.2.3:8080"]\nallowFrom: ["10.1.2.3"]\ntoken: ${TOKEN}`,
        ),
      ),
    );
    expect(config.compat.gwq?.allowFrom).toEqual(['10.1.2.3']);
  });

  it('refuses an allowFrom entry that is not an IP address', () => {
    const lines = errors(
      load(
        gwq(
          `answerLevel: true\nhost: 0.0.0.0\norigins: ["http://a.example"]\nallowFrom: ["pc-12"]\ntoken: ${TOKEN}`,
        ),
      ),
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('compat.gwq.allowFrom[0]');
  });

  it('never shows the token, in a message or a shown configuration', () => {
    const refused = errors(
      load(gwq(`answerLevel: true\norigins: ["http://a.example"]\ntoken: ${TOKEN}\nport: 70000`)),
    );
    expect(refused.join('\n')).not.toContain(TOKEN);
    const wrongType = errors(load(gwq('answerLevel: true\norigins: ["http://a.example"]\ntoken: 12345678')));
    expect(wrongType[0]).toContain('not shown');
    const config = loaded(load(gwq(`answerLevel: true\norigins: ["http://a.example"]\ntoken: ${TOKEN}`)));
    expect(JSON.stringify(describeConfig(config))).not.toContain(TOKEN);
    expect(describeConfig(config).compat.gwq?.token).toBe('***');
  });

  it('warns about a sample token', () => {
    const result = load(gwq('answerLevel: true\norigins: ["http://a.example"]\ntoken: change-me'));
    expect(result.ok && result.warnings.some((w) => w.includes('compat.gwq.token'))).toBe(true);
  });
});
