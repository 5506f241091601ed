// The fleet section: defaults, the topic-level rule for terminal.id and hallId, and its
// password kept out of every message and every shown configuration.
import { describe, expect, it } from 'vitest';
import {
  type ConfigResult,
  describeConfig,
  loadConfig,
  type TerminalConfig,
} from '../../../src/config/load.js';
import { tempFolder, writeTemp } from './config-files.js';

const PASSWORD = 'mqtt-Pa55word-9e1f27';

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

const terminal = (id = 'HA-0001') => `terminal:\n  id: ${id}\n  areaCode: "350521"\n`;

describe('fleet configuration', () => {
  it('is absent by default: the terminal reports to no broker', () => {
    expect(loaded(load(terminal())).fleet).toBeNull();
  });

  it('fills the contract defaults; hallId is terminal.areaCode; ca is relative to the file', () => {
    const result = load(`${terminal()}fleet:\n  url: mqtts://broker.hall:8883\n  ca: ./ca.pem\n`);
    const config = loaded(result);
    expect(config.fleet).toEqual({
      url: 'mqtts://broker.hall:8883',
      username: null,
      password: null,
      ca: expect.stringMatching(/\/ca\.pem$/),
      topicPrefix: 'hcp',
      hallId: '350521',
      keepaliveSeconds: 30,
      stateIntervalSeconds: 30,
      badRatingEvents: true,
      statsDays: 62,
    });
    expect(config.fleet?.ca?.startsWith('/')).toBe(true);
  });

  it('takes badRatingEvents: false and a hall id of its own', () => {
    const config = loaded(
      load(
        `${terminal()}fleet:\n  url: mqtt://10.1.2.3:1883\n  hallId: HA-HALL-1\n  badRatingEvents: false\n`,
      ),
    );
    expect(config.fleet?.hallId).toBe('HA-HALL-1');
    expect(config.fleet?.badRatingEvents).toBe(false);
  });

  it('takes fleet.statsDays from 2 days up; refuses fewer, a fraction or text, naming the key', () => {
    const at = (v: string) => load(`${terminal()}fleet:\n  url: mqtt://10.1.2.3:1883\n  statsDays: ${v}\n`);
    expect(loaded(at('2')).fleet?.statsDays).toBe(2);
    expect(loaded(at('400')).fleet?.statsDays).toBe(400);
    for (const bad of ['1', '0', '-5', '2.5', 'many', '3661']) {
      const lines = errors(at(bad));
      expect(lines, bad).toHaveLength(1);
      expect(lines[0], bad).toContain('fleet.statsDays');
      expect(lines[0], bad).toContain('from 2 to 3660');
    }
  });

  it.each(['HA/0001', 'HA+1', 'HA#1'])(
    'refuses terminal.id %s once fleet is configured, naming the key',
    (id) => {
      // Without a broker the same id is only a name.
      expect(loaded(load(terminal(id))).terminal.id).toBe(id);
      const lines = errors(load(`${terminal(id)}fleet:\n  url: mqtt://127.0.0.1:1883\n`));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('terminal.id');
      expect(lines[0]).toContain('topic level');
    },
  );

  it.each(['"350/521"', '"hall +1"', '"#"', '"a b"'])('refuses fleet.hallId %s, naming the key', (hallId) => {
    const lines = errors(load(`${terminal()}fleet:\n  url: mqtt://127.0.0.1:1883\n  hallId: ${hallId}\n`));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('fleet.hallId');
  });

  it('refuses a url that is not mqtt:// or mqtts://, and a ca without TLS', () => {
    expect(errors(load(`${terminal()}fleet:\n  url: http://127.0.0.1:1883\n`))[0]).toContain('fleet.url');
    expect(errors(load(`${terminal()}fleet:\n  username: x\n`))[0]).toContain('fleet.url is missing');
    const ca = errors(load(`${terminal()}fleet:\n  url: mqtt://127.0.0.1:1883\n  ca: ./ca.pem\n`));
    expect(ca[0]).toContain('fleet.ca');
    expect(ca[0]).toContain('mqtts://');
  });

  it('never shows fleet.password: not in an error, not in the shown configuration', () => {
    const bad = errors(
      load(
        `${terminal()}fleet:\n  url: mqtt://127.0.0.1:1883\n  password: ${PASSWORD}\n  keepaliveSeconds: 0\n`,
      ),
    );
    expect(bad.join('\n')).not.toContain(PASSWORD);
    const wrongType = errors(
      load(`${terminal()}fleet:\n  url: mqtt://127.0.0.1:1883\n  password: [${PASSWORD}]\n`),
    );
    expect(wrongType[0]).toContain('fleet.password');
    expect(wrongType.join('\n')).not.toContain(PASSWORD);
    const config = loaded(
      load(
        `${terminal()}fleet:\n  url: mqtt://127.0.0.1:1883\n  username: HA-0001\n  password: ${PASSWORD}\n`,
      ),
    );
    expect(config.fleet?.password).toBe(PASSWORD);
    const shown = describeConfig(config);
    expect(JSON.stringify(shown)).not.toContain(PASSWORD);
    expect(shown.fleet?.password).toBe('***');
    expect(shown.fleet?.username).toBe('HA-0001');
  });
});
