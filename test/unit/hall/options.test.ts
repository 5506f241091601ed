// The console's options: flags over the configuration file's fleet section, the token
// rule off loopback (the same as ui.token's), and no secret ever repeated in a message.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseHallOptions } from '../../../src/hall/options.js';
import { tempDir } from '../../helpers/temp.js';

const PASSWORD = 'pw-9d8c7b6a5f4e';

function file(text: string): string {
  const path = join(tempDir(), 'config.yaml');
  writeFileSync(path, text);
  return path;
}

const errorsOf = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
  const r = parseHallOptions(argv, env);
  if (r.ok || r.help) throw new Error(`expected errors, got ${JSON.stringify(r)}`);
  return r.errors;
};

describe('parseHallOptions', () => {
  it('takes flags, with the defaults of the contract', () => {
    const r = parseHallOptions(['--broker', 'mqtt://10.0.0.5:1883', '--hall', '350521'], {});
    expect(r).toEqual({
      ok: true,
      options: {
        broker: 'mqtt://10.0.0.5:1883',
        username: null,
        password: null,
        ca: null,
        caFile: null,
        prefix: 'hcp',
        hallId: '350521',
        host: '127.0.0.1',
        port: 7490,
        dataDir: expect.stringMatching(/[/\\]hall[/\\]350521$/),
        token: null,
        reasons: null,
      },
    });
    expect(parseHallOptions(['--help'], {})).toEqual({ ok: false, help: true });
  });

  it('reads the fleet section of a configuration file; hall id defaults to terminal.areaCode', () => {
    const path = file(
      `terminal:\n  id: HA-0001\n  areaCode: "350521"\nfleet:\n  url: mqtts://broker.hall:8883\n  username: console\n  password: ${PASSWORD}\n  topicPrefix: xm\n`,
    );
    const r = parseHallOptions(['--config', path, '--port', '8080'], {});
    expect(r).toMatchObject({
      ok: true,
      options: {
        broker: 'mqtts://broker.hall:8883',
        username: 'console',
        password: PASSWORD,
        prefix: 'xm',
        hallId: '350521',
        port: 8080,
        dataDir: expect.stringMatching(/[/\\]hall[/\\][^/\\]+$/),
      },
    });
    // A flag wins over the file; the password may come from the environment.
    expect(
      parseHallOptions(['--config', path, '--hall', 'H2'], { HAOCHAPING_HALL_PASSWORD: 'other' }),
    ).toMatchObject({ ok: true, options: { hallId: 'H2', password: 'other' } });
  });

  it('refuses to listen off loopback without a token', () => {
    const base = ['--broker', 'mqtt://127.0.0.1:1883', '--hall', '350521'];
    expect(errorsOf([...base, '--host', '0.0.0.0'])).toEqual([
      '--token: it is required because --host 0.0.0.0 is not a loopback address (set a long random token with --token or HAOCHAPING_HALL_TOKEN; the page is then opened as http://HOST:PORT/?token=…, or use --host 127.0.0.1)',
    ]);
    expect(parseHallOptions([...base, '--host', '0.0.0.0', '--token', 'tok-123'], {}).ok).toBe(true);
    expect(
      parseHallOptions([...base, '--host', '192.168.1.9'], { HAOCHAPING_HALL_TOKEN: 'tok-123' }),
    ).toMatchObject({ ok: true, options: { token: 'tok-123' } });
    expect(parseHallOptions([...base, '--host', '::1'], {}).ok).toBe(true);
  });

  it('names what is wrong, one line each, never a secret', () => {
    expect(errorsOf([])).toEqual([
      'no broker: give --broker mqtt://HOST:1883, or --config FILE with fleet.url',
      'no hall: give --hall ID (the fleet.hallId of the terminals, by default their terminal.areaCode)',
    ]);
    const withSecret = errorsOf([
      '--broker',
      `mqtt://u:${PASSWORD}@h:1883`,
      '--hall',
      'a/b',
      '--port',
      '70000',
    ]);
    expect(withSecret).toEqual([
      '--broker: put no user or password in the address; use fleet.username / fleet.password (or --username and HAOCHAPING_HALL_PASSWORD)',
      '--hall: a hall id cannot contain "/", "+", "#" or spaces',
      '--port: expected a port number from 1 to 65535, such as 7490 (or 0 for any free one)',
    ]);
    expect(withSecret.join('\n')).not.toContain(PASSWORD);
    expect(errorsOf(['--broker', 'http://h', '--hall', 'x'])).toEqual([
      '--broker: the broker address must start with mqtt:// or mqtts://',
    ]);
    expect(errorsOf(['--config', file('terminal:\n  id: HA-1\n')])[0]).toMatch(
      /: it has no fleet: section \(fleet.url is the broker the console reads\)$/,
    );
    expect(errorsOf(['--broker', 'mqtt://h', '--hall', 'x', '--ca', '/nonexistent/ca.pem'])).toEqual([
      '--ca: cannot read /nonexistent/ca.pem; check the path',
    ]);
    expect(errorsOf(['--verbose'])).toEqual([
      'unknown argument "--verbose" (see haochaping-terminal hall --help)',
    ]);
  });

  it('takes --data, and --port 0 for any free port', () => {
    const r = parseHallOptions(
      ['--broker', 'mqtt://10.0.0.5:1883', '--hall', '350521', '--data', 'rel/dir', '--port', '0'],
      {},
    );
    expect(r).toMatchObject({ ok: true, options: { dataDir: join(process.cwd(), 'rel/dir'), port: 0 } });
    const bad = parseHallOptions(['--broker', 'mqtt://10.0.0.5:1883', '--hall', '350521', '--data'], {});
    expect(bad).toEqual({ ok: false, help: false, errors: ['--data needs a value'] });
  });
});
