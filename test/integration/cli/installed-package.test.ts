// The command as npm installs it, not as it runs in the clone: the package `npm pack`
// makes, unpacked into node_modules/ of a folder of its own with its command linked in
// node_modules/.bin/, as `npm install <tarball>` lays it out. Its dependencies are this
// clone's, linked beside it (a real install would download them and build the native
// ones). `hall` and `serve` must find their pages, scripts and sounds in the installed
// copy: each page there is marked, and the marked page is what they serve.
import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Run, runCli } from '../../helpers/cli.js';
import { startOnFreePorts } from '../../helpers/ports.js';
import { tempDir } from '../../helpers/temp.js';

const ROOT = new URL('../../../', import.meta.url).pathname;
const MARK = `<!-- installed copy ${process.pid} -->`;

let prefix = '';
let bin = '';
const runs: Run[] = [];
afterEach(async () => {
  for (const r of runs.splice(0)) {
    if (r.child.exitCode === null) {
      r.child.kill('SIGTERM');
      await r.exit;
    }
  }
});

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist', 'src', 'cli.js')))
    throw new Error('dist/ is missing: run npm run build first (the package is made from it)');
  // Not tempDir: that folder goes after the first test, this one serves the whole file.
  prefix = mkdtempSync(join(tmpdir(), 'hcp-installed-'));
  // --ignore-scripts: the package is made from this build, not rebuilt (prepare).
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', prefix], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }),
  ) as { filename: string }[];
  const modules = join(prefix, 'node_modules');
  const pkg = join(modules, 'haochaping-terminal');
  mkdirSync(pkg, { recursive: true });
  execFileSync('tar', [
    'xzf',
    join(prefix, packed[0]?.filename as string),
    '-C',
    pkg,
    '--strip-components=1',
  ]);
  for (const dep of readdirSync(join(ROOT, 'node_modules'))) {
    if (dep === '.bin' || dep.startsWith('.')) continue;
    symlinkSync(join(ROOT, 'node_modules', dep), join(modules, dep));
  }
  mkdirSync(join(modules, '.bin'));
  bin = join(modules, '.bin', 'haochaping-terminal');
  symlinkSync('../haochaping-terminal/bin/haochaping-terminal.js', bin);
  appendFileSync(join(pkg, 'dist', 'web', 'hall', 'index.html'), MARK);
  appendFileSync(join(pkg, 'dist', 'web', 'renderer', 'index.html'), MARK);
}, 120_000);

afterAll(() => {
  if (prefix) rmSync(prefix, { recursive: true, force: true });
});

function installed(args: string[]): Run {
  const r = runCli(args, {}, { bin, cwd: prefix });
  runs.push(r);
  return r;
}

async function body(url: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url);
  return { status: res.status, text: await res.text() };
}

describe('the installed package (npm pack, installed into a folder of its own)', { timeout: 60_000 }, () => {
  it('answers --version from its own package.json', async () => {
    const r = installed(['--version']);
    expect(await r.exit).toBe(0);
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(r.stdout().trim()).toBe(manifest.version);
  });

  it('hall serves its page, scripts and styles from the installed copy', async () => {
    const { ports } = await startOnFreePorts(
      1,
      ([port]) =>
        installed(['hall', '--broker', 'mqtt://127.0.0.1:1', '--hall', '350521', '--port', String(port)]),
      (r) => r.stdout().includes('Console:'),
      'the console to listen',
    );
    const base = `http://127.0.0.1:${ports[0]}`;
    const page = await body(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(MARK);
    for (const asset of ['/hall.js', '/cards.js', '/common.js', '/hall.css'])
      expect([asset, (await body(`${base}${asset}`)).status]).toEqual([asset, 200]);
  });

  it('serve serves the screens, their scripts and the sounds from the installed copy', async () => {
    const dir = tempDir('hcp-installed-serve-');
    const file = join(dir, 'config.yaml');
    const { ports } = await startOnFreePorts(
      2,
      ([api, ui]) => {
        writeFileSync(
          file,
          `terminal:\n  id: HA-0001\n  mode: kiosk\n  areaCode: "350521"\nkeypad:\n  driver: none\nstore:\n  path: ./t.db\napi:\n  port: ${api}\nui:\n  port: ${ui}\n`,
        );
        return installed(['serve', '--config', file]);
      },
      (r) => r.stdout().includes('Local API:'),
      'serve to start',
    );
    const base = `http://127.0.0.1:${ports[1]}`;
    const page = await body(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(MARK);
    for (const asset of ['/app/renderer/main.js', '/app/renderer/styles.css', '/sounds/thanks.wav'])
      expect([asset, (await body(`${base}${asset}`)).status]).toEqual([asset, 200]);
  });
});
