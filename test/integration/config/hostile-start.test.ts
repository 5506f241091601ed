// A hostile file at start: `serve --config FILE` (the real process, under a 1 GiB
// memory limit) stops with the technician's line and a non-zero exit, and `doctor`
// says the same. Never a hang (a FIFO once held the start for ever), never a memory
// blow-up (/dev/zero once took 6 GB in 30 s), never a stack trace.
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Run, runCli, waitFor } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/temp.js';
import {
  HOSTILE_FILES,
  type HostileFile,
  limitSeenByNode,
  MEMORY_LIMIT,
  mkfifo,
  nodeUnderLimit,
  STACK_FRAME,
  underMemoryLimit,
} from './hostile-files.js';

const runs: Run[] = [];
afterEach(() => {
  for (const r of runs.splice(0)) if (r.child.exitCode === null) r.child.kill('SIGKILL');
});

// Never listened on: the start stops at the configuration, before any port.
const VALID = [
  'terminal:',
  '  id: HA-1',
  '  areaCode: "350521"',
  'keypad:',
  '  driver: none',
  'store:',
  '  path: ./t.db',
  'api:',
  '  port: 7480',
  'ui:',
  '  port: 7481',
  '',
].join('\n');

// A generous bound, not a timing: the fixed terminal answers in well under a second,
// the old one never did for a FIFO. A busy machine with 8 test runs gets 60 s.
const DOES_NOT_HANG_MS = 60_000;

async function finished(r: Run, what: string): Promise<number | null> {
  await waitFor(() => r.child.exitCode !== null || r.child.signalCode !== null, what, DOES_NOT_HANG_MS);
  return r.exit;
}

function run(args: string[], dir: string): Run {
  const r = runCli(args, { HAOCHAPING_DATA_DIR: join(dir, 'data') }, { via: underMemoryLimit() });
  runs.push(r);
  return r;
}

const CASES: (HostileFile & { direct?: string })[] = [
  {
    name: '/dev/zero itself',
    direct: '/dev/zero',
    make: () => {},
    says: '/dev/zero: cannot use the file (it is a device, not a regular file)',
  },
  ...HOSTILE_FILES,
];

describe('the memory limit these tests run the terminal under', () => {
  it('holds for node run under it, and stops a process that reads /dev/zero whole', {
    timeout: 180_000,
  }, () => {
    expect(limitSeenByNode()).toEqual([String(MEMORY_LIMIT), String(MEMORY_LIMIT)]);
    // What the terminal before this fix did with --config /dev/zero: the limit ends it.
    const greedy = nodeUnderLimit("require('fs').readFileSync('/dev/zero')");
    expect(greedy.status).not.toBe(0);
  });
});

describe('serve --config with a hostile file', () => {
  it.each(CASES.map((c) => [c.name, c] as const))(
    '%s: exits non-zero with the line that says what is wrong, no stack trace',
    { timeout: 120_000 },
    async (_name, hostile) => {
      const dir = tempDir();
      const file = hostile.direct ?? join(dir, 'config.yaml');
      hostile.make(file, VALID);
      const r = run(['serve', '--config', file], dir);
      const code = await finished(r, `serve to stop on ${hostile.name} (a hang is the defect)`);
      expect(code, r.stderr()).toBe(2);
      expect(r.stderr()).toContain(hostile.says);
      expect(r.stderr()).toContain('The terminal did not start: fix the configuration above');
      expect(r.stderr()).not.toMatch(STACK_FRAME);
      expect(r.stdout()).toBe('');
    },
  );

  it('a reasons catalogue that is a FIFO stops the start the same way', { timeout: 120_000 }, async () => {
    const dir = tempDir();
    const file = join(dir, 'config.yaml');
    writeFileSync(file, `${VALID}reasons: ./reasons.yaml\n`);
    mkfifo(join(dir, 'reasons.yaml'));
    const r = run(['serve', '--config', file], dir);
    expect(await finished(r, 'serve to stop on a FIFO as the reasons catalogue'), r.stderr()).toBe(2);
    expect(r.stderr()).toContain(
      `${join(dir, 'reasons.yaml')}: cannot use the file (it is a named pipe (FIFO), not a regular file); check reasons: in the configuration`,
    );
    expect(r.stderr()).not.toMatch(STACK_FRAME);
  });

  it('a Fujian template that is a link to /dev/zero stops the start the same way', {
    timeout: 120_000,
  }, async () => {
    const dir = tempDir();
    const file = join(dir, 'config.yaml');
    writeFileSync(
      file,
      `${VALID}platform:\n  profile: fujian\n  url: http://127.0.0.1:1\n  appKey: hcp-terminal\n  appCode: "a-real-looking-code-4f9c"\n  sysNo: "35"\n  template: ./case.xml\n`,
    );
    symlinkSync('/dev/zero', join(dir, 'case.xml'));
    const r = run(['serve', '--config', file], dir);
    expect(await finished(r, 'serve to stop on /dev/zero as the Fujian template'), r.stderr()).toBe(2);
    expect(r.stderr()).toContain(
      `platform.template: ${join(dir, 'case.xml')}: cannot use the file (it is a link to /dev/zero, which is a device, not a regular file); check platform.template`,
    );
    expect(r.stderr()).not.toMatch(STACK_FRAME);
  });
});

describe('doctor --config with a hostile file', () => {
  it('gives the same line as serve, as FAIL config: what is wrong — what to do', {
    timeout: 300_000,
  }, async () => {
    for (const hostile of CASES) {
      const dir = tempDir();
      const file = hostile.direct ?? join(dir, 'config.yaml');
      hostile.make(file, VALID);
      const r = run(['doctor', '--config', file], dir);
      const code = await finished(r, `doctor to stop on ${hostile.name} (a hang is the defect)`);
      expect(code, `${hostile.name}: ${r.stderr()}`).toBe(2);
      const line =
        r
          .stdout()
          .split('\n')
          .find((l) => l.startsWith('FAIL config: ')) ?? '';
      const [what, todo] = hostile.says.split('; ');
      expect(line, hostile.name).toContain(what);
      if (todo) expect(line, hostile.name).toContain(` — ${todo}`);
      expect(r.stdout() + r.stderr(), hostile.name).not.toMatch(STACK_FRAME);
    }
  });
});
