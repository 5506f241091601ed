// SIGHUP on the installed `serve` with platform.profile fujian: a reload with corrected
// credentials resumes forwarding at once; a reload whose template has an unknown
// placeholder is refused, naming the key, and the terminal keeps its previous settings.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type Run, runCli, waitFor } from '../../helpers/cli.js';
import { startOnFreePorts } from '../../helpers/ports.js';
import { tempDir } from '../../helpers/temp.js';
import { FujianSim } from '../../sim/fujian-sim.js';

const runs: Run[] = [];
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const r of runs.splice(0)) r.child.kill('SIGKILL');
  for (const c of closers.splice(0)) await c();
});

const APP_CODE = 'app-code-秘-31d0';
const PATIENCE_MS = 30_000;

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const end = Date.now() + PATIENCE_MS;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('serve with platform.profile fujian', () => {
  it('reloads platform settings on SIGHUP, and refuses a template with an unknown placeholder', async () => {
    const sim = await FujianSim.start({ appKey: 'hcp-terminal', appCode: APP_CODE, sysNo: '35' });
    closers.push(() => sim.close());
    const dir = tempDir();
    let apiPort = 0;
    let uiPort = 0;
    const file = join(dir, 'config.yaml');
    writeFileSync(join(dir, 'bad.xml'), '<Case><sysNO>{{sysNo}}</sysNO><x>{{nope}}</x></Case>');
    const write = (appCode: string, template: string | null) =>
      writeFileSync(
        file,
        [
          'terminal:\n  id: HA-0001\n  mode: kiosk\n  areaCode: "350521"',
          'keypad:\n  driver: none',
          'store:\n  path: ./t.db',
          `api:\n  port: ${apiPort}`,
          `ui:\n  port: ${uiPort}`,
          `platform:\n  profile: fujian\n  url: ${sim.url}\n  appKey: hcp-terminal\n  appCode: "${appCode}"\n  sysNo: "35"`,
          template === null ? '' : `  template: ${template}`,
          '',
        ].join('\n'),
      );
    const { run: r } = await startOnFreePorts(
      2,
      ([a, u]) => {
        [apiPort, uiPort] = [a as number, u as number];
        write('not-the-code', null);
        const run = runCli(['serve', '--config', file]);
        runs.push(run);
        return run;
      },
      (run) => run.stdout().includes('Local API:'),
      'the start',
      PATIENCE_MS,
    );
    const api = `http://127.0.0.1:${apiPort}/v1`;
    const health = async () => (await (await fetch(`${api}/health`)).json()) as { platform: string };

    const opened = await fetch(`${api}/prompts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        transactionId: 'SP-HUP-1',
        service: { code: 'S-1', name: '个体工商户登记' },
        departments: [{ code: 'D-MKT', name: '县市场监管局' }],
        mode: 'single',
      }),
    });
    expect(opened.status).toBe(201);
    const { id } = (await opened.json()) as { id: string };
    const ws = new WebSocket(`ws://127.0.0.1:${uiPort}/bridge`, { origin: `http://127.0.0.1:${uiPort}` });
    await new Promise((resolve, reject) => {
      ws.on('open', resolve);
      ws.on('error', reject);
    });
    ws.send(JSON.stringify({ type: 'intent', intent: { type: 'rate', level: 5 } }));
    await until(
      async () =>
        ((await (await fetch(`${api}/prompts/${id}`)).json()) as { status: string }).status === 'rated',
      'the rating',
    );
    ws.close();
    await until(async () => (await health()).platform === 'auth_failed', 'auth_failed');
    expect(sim.accepted.size).toBe(0);

    // Right credentials, broken template: refused as a whole, nothing changes.
    write(APP_CODE, 'bad.xml');
    r.child.kill('SIGHUP');
    await waitFor(() => r.stderr().includes('not reloaded'), 'the refused reload', PATIENCE_MS);
    expect(r.stderr()).toContain('platform.template: unknown placeholder {{nope}}');
    expect(r.stderr()).not.toContain(APP_CODE);
    expect(r.stdout()).not.toContain('Configuration reloaded.');
    expect((await health()).platform).toBe('auth_failed');
    expect(sim.accepted.size).toBe(0);

    write(APP_CODE, null);
    r.child.kill('SIGHUP');
    await waitFor(() => r.stdout().includes('Configuration reloaded.'), 'the reload', PATIENCE_MS);
    await waitFor(() => sim.accepted.size === 1, 'the rating at the gateway', PATIENCE_MS);
    expect(sim.accepted.get(FujianSim.key('SP-HUP-1', 'D-MKT'))).toMatchObject({
      evaluateLevel: '5',
      pf: '5',
    });
    await until(async () => (await health()).platform === 'online', 'online');
    r.child.kill('SIGTERM');
    expect(await r.exit).toBe(0);
  });
});
