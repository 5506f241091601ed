// The command lines the Electron app hands to the CLI instead of opening its window:
// every command the usage lists, so the installed app runs them as a clone does.
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli.js';
import { isCliInvocation } from '../../../src/commands/usage.js';

async function usage(): Promise<string> {
  const out: string[] = [];
  await main(['--help'], { out: (l) => out.push(l), err: () => undefined });
  return out.join('\n');
}

describe('the commands the installed app runs as the CLI', () => {
  it('every command in the usage, hall included', async () => {
    const commands = [...(await usage()).matchAll(/^ {2}haochaping-terminal ([a-z][\w-]*)/gm)].map(
      (m) => m[1],
    );
    expect(commands).toEqual(expect.arrayContaining(['serve', 'doctor', 'hall']));
    for (const c of commands) expect(isCliInvocation([c as string]), c).toBe(true);
    expect(isCliInvocation(['hall', '--broker', 'mqtt://127.0.0.1', '--hall', '350521'])).toBe(true);
    for (const flag of ['--version', '-v', '--help', '-h', 'version', 'help'])
      expect(isCliInvocation([flag])).toBe(true);
  });

  it('not the app’s own start, with or without --config', () => {
    expect(isCliInvocation([])).toBe(false);
    expect(isCliInvocation(['--config', '/etc/haochaping/config.yaml'])).toBe(false);
    expect(isCliInvocation(['--no-sandbox'])).toBe(false);
  });
});
