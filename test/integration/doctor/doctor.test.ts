// haochaping-terminal doctor, run as the installed command against a healthy rig and
// against each broken part (contracts/config-and-cli.md § Command line).

import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fillDisk, mountSmallDisk } from '../../helpers/tmpfs.js';
import { doctor, lineOf, onCleanup, parts, startRig } from './rig.js';

const CONTRACT_ORDER = ['config', 'store', 'keypad', 'platform', 'clock', 'fleet', 'logs', 'sounds'];

/** FAIL PART: what is wrong — what to do */
function expectFail(line: string, part: string): void {
  expect(line).toMatch(new RegExp(`^FAIL ${part}: \\S.* — \\S`));
}

describe('haochaping-terminal doctor', () => {
  it('passes a healthy terminal: every line ok, in the contract order, exit 0', async () => {
    const rig = await startRig();
    const r = await doctor(rig.configFile);
    expect(r.code, r.lines.join('\n')).toBe(0);
    expect(parts(r.lines)).toEqual(CONTRACT_ORDER);
    for (const line of r.lines) expect(line).toMatch(/^ok {3}/);
    expect(lineOf(r.lines, 'config')).toContain(rig.configFile);
    expect(lineOf(r.lines, 'store')).toContain(join(rig.dir, 'data', 'terminal.db'));
    expect(lineOf(r.lines, 'keypad')).toBe(
      `ok   keypad: KP-SIM, firmware 1.0.0, serial SIM0001 on ${rig.pty.a}`,
    );
    expect(lineOf(r.lines, 'platform')).toContain('credentials accepted');
    expect(lineOf(r.lines, 'logs')).toContain(join(rig.dir, 'data', 'logs', 'terminal.log'));
    // It asked: a QUERY reached the keypad, and one signed upload reached the platform.
    expect(rig.keypad.commands('query').length).toBeGreaterThan(0);
    expect(rig.platform.requests.map((q) => q.status)).toEqual([200]);
    expect(r.stderr).toBe('');
  });

  it('names a keypad device that does not exist', async () => {
    const rig = await startRig({ config: { keypad: { path: '/dev/ttyNO-SUCH-KEYPAD' } } });
    const r = await doctor(rig.configFile);
    expect(r.code).toBe(1);
    expect(parts(r.lines)).toEqual(CONTRACT_ORDER);
    const line = lineOf(r.lines, 'keypad');
    expectFail(line, 'keypad');
    expect(line).toContain('/dev/ttyNO-SUCH-KEYPAD does not exist');
    expect(line).toContain('keypad.path');
  });

  it('fails a keypad that does not answer QUERY within 2 s', async () => {
    const rig = await startRig({ silentKeypad: true });
    const r = await doctor(rig.configFile);
    expect(r.code).toBe(1);
    const line = lineOf(r.lines, 'keypad');
    expectFail(line, 'keypad');
    expect(line).toContain(`no answer from the keypad on ${rig.pty.a} within 2 s`);
    expect(line).toContain('powered');
    // Only the keypad is broken.
    expect(r.lines.filter((l) => l.startsWith('FAIL'))).toEqual([line]);
  });

  it('fails a platform that cannot be reached, and does not compare the clock', async () => {
    const rig = await startRig();
    await rig.platform.down();
    const r = await doctor(rig.configFile);
    expect(r.code).toBe(1);
    expect(parts(r.lines)).toEqual(CONTRACT_ORDER);
    const line = lineOf(r.lines, 'platform');
    expectFail(line, 'platform');
    expect(line).toContain(`cannot reach ${rig.platform.url}`);
    expect(line).toContain('connection refused');
    expect(lineOf(r.lines, 'clock')).toMatch(/^warn clock: not compared, the platform did not answer/);
  });

  it('fails credentials the platform refuses (401), never printing the secret', async () => {
    const rig = await startRig({ platformSecret: 'the-platform-expects-another-one' });
    const r = await doctor(rig.configFile);
    expect(r.code).toBe(1);
    const line = lineOf(r.lines, 'platform');
    expectFail(line, 'platform');
    expect(line).toContain('refused the credentials');
    expect(line).toContain('platform.secret');
    expect(r.lines.join('\n')).not.toContain('a-real-looking-secret');
    // The platform still answered, so its clock was compared.
    expect(lineOf(r.lines, 'clock')).toMatch(/^ok {3}clock: /);
  });

  it('fails a store on a read-only disk, saying so', async () => {
    const disk = mountSmallDisk(1024);
    onCleanup(() => disk.unmount());
    disk.remount('ro');
    const rig = await startRig({ config: { store: { path: join(disk.dir, 'terminal.db') } } });
    const r = await doctor(rig.configFile);
    expect(r.code).toBe(1);
    expect(parts(r.lines)).toEqual(CONTRACT_ORDER);
    const line = lineOf(r.lines, 'store');
    expectFail(line, 'store');
    expect(line).toContain('read-only');
    expect(line).toContain('check the mount');
    // The log folder beside it cannot be made either: the terminal would run without a log.
    expect(lineOf(r.lines, 'logs')).toMatch(/^warn logs: .*read-only/);
  });

  it('fails a store on a full disk, saying so, and leaves no empty key file behind', async () => {
    const disk = mountSmallDisk(512);
    onCleanup(() => disk.unmount());
    fillDisk(disk.dir);
    const rig = await startRig({ config: { store: { path: join(disk.dir, 'terminal.db') } } });
    const r = await doctor(rig.configFile);
    expect(r.code).toBe(1);
    const line = lineOf(r.lines, 'store');
    expectFail(line, 'store');
    expect(line).toContain('the disk is full — free some space');
    // An empty key would read as "damaged" at the next start.
    expect(existsSync(join(disk.dir, 'terminal.key'))).toBe(false);
  });

  it('fails a key file moved aside as damaged, naming it, on every run until it is dealt with', async () => {
    const rig = await startRig();
    mkdirSync(join(rig.dir, 'data'));
    // What a power cut leaves of a key file that was never fsynced.
    writeFileSync(join(rig.dir, 'data', 'terminal.key'), '');
    for (let run = 0; run < 2; run++) {
      const r = await doctor(rig.configFile);
      expect(r.code).toBe(1);
      expect(parts(r.lines)).toEqual(CONTRACT_ORDER);
      const line = lineOf(r.lines, 'store');
      expectFail(line, 'store');
      expect(line).toMatch(/moved to \S*terminal\.key\.damaged-\d{8}T\d{6}/);
      expect(line).toContain('restore');
    }
  });

  it('stops at a configuration that does not load: FAIL config lines only, exit 2', async () => {
    const rig = await startRig({ config: { keypad: { drivr: 'frame' } } });
    const r = await doctor(rig.configFile);
    expect(r.code).toBe(2);
    expect(parts(r.lines)).toEqual(['config']);
    expectFail(r.lines[0] as string, 'config');
    expect(r.lines[0]).toContain('keypad.drivr is not a known key');
    expect(r.lines[0]).toContain('did you mean driver?');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('names a configuration file that is missing (exit 2)', async () => {
    const r = await doctor('/nonexistent/config.yaml');
    expect(r.code).toBe(2);
    expect(r.lines).toHaveLength(1);
    expectFail(r.lines[0] as string, 'config');
    expect(r.lines[0]).toContain('/nonexistent/config.yaml: cannot read the file (it does not exist)');
  });

  it('warns that a training terminal forwards nothing, right after config, and passes', async () => {
    const rig = await startRig({ config: { terminal: { training: true } } });
    const r = await doctor(rig.configFile);
    expect(r.code, r.lines.join('\n')).toBe(0);
    expect(parts(r.lines)).toEqual(['config', 'training', ...CONTRACT_ORDER.slice(1)]);
    expect(lineOf(r.lines, 'training')).toBe(
      `warn training: training mode (terminal.training: true): every screen shows 培训模式 and no rating is ever forwarded, not even to ${rig.platform.url}; set terminal.training: false when the terminal goes into service`,
    );
    // The rest is checked as for any terminal; the platform check sends an empty list only.
    expect(r.lines.filter((l) => !l.startsWith('ok ') && !l.startsWith('warn training:'))).toEqual([]);
    expect(rig.platform.requests.flatMap((q) => q.recordIds)).toEqual([]);
  });

  it('warns about sample secrets but passes', async () => {
    const rig = await startRig({
      platformSecret: 'change-me',
      config: { platform: { secret: 'change-me' } },
    });
    const r = await doctor(rig.configFile);
    expect(r.code, r.lines.join('\n')).toBe(0);
    expect(parts(r.lines)).toEqual(['config', ...CONTRACT_ORDER]);
    expect(r.lines[1]).toMatch(/^warn config: .*platform\.secret is still a sample value/);
  });

  it('fails a clock more than 60 s from the platform Date', async () => {
    // A platform whose clock is two hours ahead (its answer is otherwise a good one).
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, {
          'Content-Type': 'application/json; charset=utf-8',
          Date: new Date(Date.now() + 2 * 3600_000).toUTCString(),
        });
        res.end('{"results": []}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    onCleanup(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const port = (server.address() as AddressInfo).port;
    const rig = await startRig({ config: { platform: { url: `http://127.0.0.1:${port}/api` } } });
    const r = await doctor(rig.configFile);
    expect(r.code).toBe(1);
    expect(lineOf(r.lines, 'platform')).toMatch(/^ok {3}platform: /);
    const line = lineOf(r.lines, 'clock');
    expectFail(line, 'clock');
    expect(line).toMatch(/is 7\d{3} s behind the platform's/);
    expect(rig.platform.requests).toHaveLength(0);
  });

  it('says "not checkable" for hid and none, and "not configured" without a platform', async () => {
    const rig = await startRig({ config: { keypad: { driver: 'hid', path: null }, platform: null } });
    const r = await doctor(rig.configFile);
    expect(r.code, r.lines.join('\n')).toBe(0);
    expect(lineOf(r.lines, 'keypad')).toMatch(/^ok {3}keypad: hid .*not checkable/);
    expect(lineOf(r.lines, 'platform')).toBe(
      'ok   platform: not configured (ratings are kept on this terminal only)',
    );
    expect(lineOf(r.lines, 'clock')).toMatch(/^ok {3}clock: not compared, no platform configured/);
  });

  it('with ascii, checks that the port opens', async () => {
    const rig = await startRig({ config: { keypad: { driver: 'ascii' } } });
    const r = await doctor(rig.configFile);
    expect(r.code, r.lines.join('\n')).toBe(0);
    expect(lineOf(r.lines, 'keypad')).toMatch(new RegExp(`^ok {3}keypad: ${rig.pty.a} opens`));
  });
});
