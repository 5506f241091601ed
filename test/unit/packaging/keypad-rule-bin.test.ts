// README tells a technician in a clone to run `npx hcp-keypad-rule`: it must run the
// script in drivers/linux, not go to the registry for a package of that name.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

describe('hcp-keypad-rule as a package bin', () => {
  it('is declared in package.json', () => {
    const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { bin: Record<string, string> };
    expect(pkg.bin['hcp-keypad-rule']).toBe('drivers/linux/hcp-keypad-rule');
  });

  it('runs in a clone with `npx hcp-keypad-rule` (no registry: --no-install)', () => {
    const r = spawnSync('npx', ['--no-install', 'hcp-keypad-rule', '--help'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.error, 'npx must be on the PATH (it comes with npm)').toBeUndefined();
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/usage: hcp-keypad-rule/);
  }, 130_000);
});
