// `--help` on every command prints its usage and exits 0, and starts nothing.
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli.js';

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('--help', () => {
  it.each([
    [['--help'], 'haochaping-terminal serve'],
    [['-h'], 'haochaping-terminal doctor'],
    [['help'], 'haochaping-terminal doctor'],
    [['doctor', '--help'], 'haochaping-terminal doctor [--config FILE] [--keys]'],
    [['doctor', '--keys', '-h'], 'haochaping-terminal doctor [--config FILE] [--keys]'],
    [['doctor', '--config', 'missing.yaml', '--help'], 'docs/troubleshooting.md'],
    [['serve', '--help'], 'haochaping-terminal serve [--config FILE]'],
    [['--help', 'serve'], 'docs/configuration.md'],
    [['--version', '--help'], 'Usage:'],
  ])('%j prints the usage and exits 0', async (args, expected) => {
    const r = await run(args);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Usage:');
    expect(r.out).toContain(expected);
    expect(r.err).toBe('');
  });

  it('still refuses an unknown command, with the usage, exit 2', async () => {
    const r = await run(['frobnicate', '--help']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('unknown command "frobnicate"');
  });

  it('no command at all is a usage error (exit 2), as before', async () => {
    const r = await run([]);
    expect(r.code).toBe(2);
    expect(r.out).toContain('Usage:');
  });
});
