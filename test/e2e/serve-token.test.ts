// ui.token end to end: the real `serve` process on a non-loopback ui.host, the real
// screens in Debian's Chromium opened through ?token=, and the configuration error when
// the token is missing. The token is never printed nor logged.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { chromiumForFile } from '../helpers/chromium-per-file.js';
import { type Run, runCli } from '../helpers/cli.js';
import { namedFirst } from '../helpers/hall.js';
import { startOnFreePorts } from '../helpers/ports.js';
import { tempDir } from '../helpers/temp.js';

const browser = chromiumForFile();
const TOKEN = 'ui-T0ken-9c1e4b7a2d';

const runs: Run[] = [];
afterEach(async () => {
  for (const r of runs.splice(0)) {
    if (r.child.exitCode === null) {
      r.child.kill('SIGKILL');
      await r.exit;
    }
  }
});

function config(dir: string, ui: string, apiPort: number): string {
  const file = join(dir, 'config.yaml');
  writeFileSync(
    file,
    `terminal:\n  id: HA-0011\n  mode: kiosk\n  areaCode: "350521"\nkeypad:\n  driver: none\nstore:\n  path: ./terminal.db\napi:\n  port: ${apiPort}\nui:\n${ui}`,
  );
  return file;
}

describe('ui.token', { timeout: 120_000 }, () => {
  it('is required when ui.host is not a loopback address', async () => {
    const dir = tempDir();
    // Refused as the file loads: it never listens.
    const r = runCli(['serve', '--config', config(dir, '  host: 0.0.0.0\n', 1)]);
    runs.push(r);
    expect(await r.exit).toBe(2);
    const lines = r.stderr().trim().split('\n');
    expect(lines[0]).toBe(
      `${join(dir, 'config.yaml')}: ui.token is missing; it is required because ui.host 0.0.0.0 is not a loopback address (set a long random token; the screen is then opened as http://HOST:PORT/?token=…, or use ui.host: 127.0.0.1)`,
    );
    expect(lines.at(-1)).toContain('did not start');
  });

  it('admits the screens opened through ?token=, and no page without it', async () => {
    const dir = tempDir();
    const { run: r, ports } = await startOnFreePorts(
      2,
      ([ui, api]) => {
        const run = runCli([
          'serve',
          '--config',
          config(dir, `  host: 0.0.0.0\n  port: ${ui}\n  token: "${TOKEN}"\n`, api as number),
        ]);
        runs.push(run);
        return run;
      },
      (run) => run.stdout().includes('Local API:'),
      'the terminal to start',
      30_000,
    );
    const [uiPort, apiPort] = ports as [number, number];
    // Where the token goes is printed; the token itself is not.
    expect(r.stdout()).toContain(`Screens: http://0.0.0.0:${uiPort}/?token=…`);
    expect(r.stdout() + r.stderr()).not.toContain(TOKEN);

    // The kiosk's Chromium reaches the terminal through one of its addresses.
    const base = `http://127.0.0.1:${uiPort}/`;
    const screen = await browser().newPage();
    await screen.goto(`${base}?token=${encodeURIComponent(TOKEN)}`);
    await expect.poll(() => screen.locator('body').getAttribute('data-connected')).toBe('true');
    const opened = await fetch(`http://127.0.0.1:${apiPort}/v1/prompts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        transactionId: 'TX-T1',
        service: { code: 'S', name: '事项' },
        departments: [{ code: 'D', name: '部门' }],
        mode: 'single',
      }),
    });
    expect(opened.status).toBe(201);
    const { id } = (await opened.json()) as { id: string };
    await screen.getByRole('button', { name: namedFirst('满意') }).click();
    await expect.poll(() => screen.locator('.thanks').textContent()).toBe('谢谢您的评价');
    const got = await (await fetch(`http://127.0.0.1:${apiPort}/v1/prompts/${id}`)).json();
    expect(got).toMatchObject({ status: 'rated' });

    // The same page without the token, or with a wrong one, never gets a screen.
    for (const address of [base, `${base}?token=wrong`, `${base}?token=${TOKEN}x`]) {
      const page = await browser().newPage();
      await page.goto(address);
      await expect.poll(() => page.locator('body').getAttribute('data-connected')).toBe('false');
      expect(await page.locator('main').getAttribute('data-screen')).toBeNull();
      await page.close();
    }
    await screen.close();

    r.child.kill('SIGTERM');
    expect(await r.exit).toBe(0);
    const log = join(dir, 'logs', 'terminal.log');
    expect(existsSync(log)).toBe(true);
    const logged = readFileSync(log, 'utf8');
    expect(logged).toContain('bridge_connection_refused');
    expect(logged).not.toContain(TOKEN);
  });
});
