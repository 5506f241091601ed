// .ci/run between README's two commands: `npm install` on a clean clone must leave
// `git status` as it found it. Run in a throwaway clone with an `npm` of the test's own
// on PATH (the real install needs the network and minutes): one that writes to
// package-lock.json, as a lock out of step with package.json makes npm do, and one that
// writes nothing.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/temp.js';

const CI_RUN = new URL('../../../.ci/run', import.meta.url).pathname;

function cloneWithNpm(install: string): string {
  const repo = tempDir('hcp-ci-');
  mkdirSync(join(repo, '.ci'));
  copyFileSync(CI_RUN, join(repo, '.ci', 'run'));
  writeFileSync(join(repo, 'package.json'), '{"name":"x"}\n');
  writeFileSync(join(repo, 'package-lock.json'), '{"lockfileVersion":3}\n');
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo });
  git('init', '-q');
  git('add', '.');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.invalid', 'commit', '-qm', 'clone');
  const bin = join(repo, '.bin');
  mkdirSync(bin);
  writeFileSync(
    join(bin, 'npm'),
    `#!/bin/sh\ncase "$1" in\n  install) ${install} ;;\n  test) echo TESTS-RAN ;;\n  --version) echo 11.0.0 ;;\nesac\n`,
  );
  chmodSync(join(bin, 'npm'), 0o755);
  // Its own files are not the clone's: git must not see them.
  writeFileSync(join(repo, '.git', 'info', 'exclude'), '.bin/\n');
  return repo;
}

function ciRun(repo: string) {
  return spawnSync('bash', [join(repo, '.ci', 'run')], {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, PATH: `${join(repo, '.bin')}:${process.env.PATH}` },
  });
}

describe('.ci/run', () => {
  it('fails, naming the file, when npm install changes the clone, and runs no tests', () => {
    const repo = cloneWithNpm('echo \'{"lockfileVersion":3,"packages":{}}\' > package-lock.json');
    const r = ciRun(repo);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('npm install changed the clone');
    expect(r.stderr).toContain('package-lock.json');
    expect(r.stdout).not.toContain('TESTS-RAN');
  });

  it('goes on to npm test when npm install leaves git status clean', () => {
    const repo = cloneWithNpm('mkdir -p node_modules');
    writeFileSync(join(repo, '.gitignore'), 'node_modules/\n');
    execFileSync('git', ['add', '.gitignore'], { cwd: repo });
    execFileSync(
      'git',
      ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', 'commit', '-qm', 'ignore'],
      {
        cwd: repo,
      },
    );
    const r = ciRun(repo);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('TESTS-RAN');
  });
});
