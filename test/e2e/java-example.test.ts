// The Java example of docs/integration.md, exactly as the page shows it (the page's code
// block and docs/examples/java/RatePrompt.java are one text), compiled with javac and run
// with java against a real `serve` (its API on a port the system picks, a token set, the
// KP/1 keypad driver on a socat pty): while the Java program follows the event stream,
// the keypad simulator gives the rating; the program sees the prompt's final event and
// reads the result.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Run, runCli, waitFor } from '../helpers/cli.js';
import { startOnFreePorts } from '../helpers/ports.js';
import { type PtyPair, startPtyPair } from '../helpers/socat.js';
import { tempDir } from '../helpers/temp.js';
import { KeypadSim } from '../sim/keypad-sim.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const EXAMPLE = join(ROOT, 'docs/examples/java/RatePrompt.java');
const PAGE = join(ROOT, 'docs/integration.md');
const TOKEN = 'java-example-T0ken-4f2a';

/** A JDK tool on PATH; a missing one fails, naming the Debian package. */
function jdkTool(name: 'java' | 'javac'): string {
  for (const dir of (process.env.PATH ?? '/usr/bin').split(delimiter)) {
    const candidate = join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(
    `${name} is not installed (the Java example is compiled and run): apt-get install -y openjdk-17-jdk-headless`,
  );
}

/** The page's ```java block (the one there is). */
function pageExample(): string {
  const blocks = [...readFileSync(PAGE, 'utf8').matchAll(/```java\n([\s\S]*?)```/g)].map(
    (m) => m[1] as string,
  );
  expect(blocks).toHaveLength(1);
  return blocks[0] as string;
}

const runs: Run[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const r of runs.splice(0)) {
    if (r.child.exitCode === null) {
      r.child.kill('SIGKILL');
      await r.exit;
    }
  }
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('the Java example (docs/integration.md)', { timeout: 180_000 }, () => {
  it('is on the page exactly as in docs/examples/java/RatePrompt.java', () => {
    expect(pageExample()).toBe(readFileSync(EXAMPLE, 'utf8'));
  });

  it('signs the clerk in, opens a prompt, follows the events to its final one, and reads the result', async () => {
    const javac = jdkTool('javac');
    const java = jdkTool('java');
    const classes = tempDir('hcp-java-');
    execFileSync(javac, ['-encoding', 'UTF-8', '-Xlint:all', '-Werror', '-d', classes, EXAMPLE], {
      stdio: 'pipe',
    });

    const pty: PtyPair = await startPtyPair();
    cleanups.push(() => pty.close());
    const dir = tempDir();
    const { ports } = await startOnFreePorts(
      2,
      ([ui, api]) => {
        const file = join(dir, 'config.yaml');
        writeFileSync(
          file,
          [
            'terminal:',
            '  id: HA-0021',
            '  mode: counter',
            '  areaCode: "350521"',
            'keypad:',
            '  driver: frame',
            `  path: ${pty.a}`,
            'store:',
            '  path: ./terminal.db',
            'api:',
            `  port: ${api}`,
            `  token: "${TOKEN}"`,
            'ui:',
            `  port: ${ui}`,
            '',
          ].join('\n'),
        );
        const run = runCli(['serve', '--config', file], {}, { cwd: dir });
        runs.push(run);
        return run;
      },
      (run) => run.stdout().includes('Local API:'),
      'the terminal to start',
      30_000,
    );
    const apiBase = `http://127.0.0.1:${ports[1]}`;

    const sim = new KeypadSim({ path: pty.b });
    await sim.open();
    cleanups.push(() => sim.close());
    await expect
      .poll(async () => ((await (await fetch(`${apiBase}/v1/health`)).json()) as { keypad: string }).keypad, {
        timeout: 15_000,
      })
      .toBe('online');

    // The Java program, as a window's business system runs it.
    const child = spawn(java, ['-cp', classes, 'RatePrompt', 'TX-JAVA-0001'], {
      env: { ...process.env, HCP_API: apiBase, HCP_TOKEN: TOKEN, LANG: 'C.UTF-8' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    cleanups.push(async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    });

    // The prompt is on the citizen's screen: the keypad is armed, and the citizen presses.
    await waitFor(
      () => /opened prompt \S+/.test(out) || child.exitCode !== null,
      'the Java program to open a prompt',
      30_000,
    );
    expect(err).toBe('');
    await sim.waitFor((r) => r.some((c) => c.cmd === 'arm' && c.on), 'ARM for the Java prompt', 15_000);
    const press = await sim.press(1);
    expect(press.acked).toBe(true);

    expect(await exited, `stdout:\n${out}\nstderr:\n${err}`).toBe(0);
    const lines = out.trim().split('\n');
    const id = /^opened prompt (\S+)$/m.exec(out)?.[1] as string;
    expect(lines[0]).toMatch(/^signed in: /);
    expect(lines.slice(1)).toEqual([
      `opened prompt ${id}`,
      'event: prompt status=open final=false',
      'event: prompt status=rated final=false',
      'event: prompt status=rated final=true',
      expect.stringMatching(/^result: \{/),
    ]);
    const result = JSON.parse((lines.at(-1) as string).slice('result: '.length));
    expect(result).toMatchObject({
      id,
      transactionId: 'TX-JAVA-0001',
      status: 'rated',
      final: true,
      source: 'api',
      ratings: [],
      ratingsHidden: true,
    });
  });
});
