// The URL mode end to end: the installed `serve` with platform.profile fujian and
// urlMode qr against the Fujian gateway simulator, the screens in Debian's Chromium.
// The province's page is the QR code the citizen sees (read back from a screenshot by
// jsQR and zbarimg), captioned as the province's; a page held back by a slow gateway
// replaces the terminal's own QR on the open screen when it comes.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { chromiumForFile } from '../helpers/chromium-per-file.js';
import { type Run, runCli } from '../helpers/cli.js';
import { namedFirst } from '../helpers/hall.js';
import { startOnFreePorts } from '../helpers/ports.js';
import { tempDir } from '../helpers/temp.js';
import { decodeWithJsQr, decodeWithZbar } from '../integration/qr/decoders.js';
import { FujianSim } from '../sim/fujian-sim.js';

const browser = chromiumForFile();
const APP_CODE = 'app-code-页面-e2e';
const OWN_BASE = 'https://hcp.example.gov.cn/m/rate';
const PATIENCE = { timeout: 30_000, interval: 100 };

const runs: Run[] = [];
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const r of runs.splice(0)) {
    if (r.child.exitCode === null) {
      r.child.kill('SIGKILL');
      await r.exit;
    }
  }
  for (const c of closers.splice(0)) await c();
});

async function start() {
  const sim = await FujianSim.start({ appKey: 'hcp-terminal', appCode: APP_CODE, sysNo: '35' });
  closers.push(() => sim.close());
  const dir = tempDir();
  const file = join(dir, 'config.yaml');
  const write = (apiPort: number, uiPort: number) =>
    writeFileSync(
      file,
      [
        'terminal:\n  id: HA-0001\n  mode: kiosk\n  areaCode: "350521"',
        'keypad:\n  driver: none',
        'store:\n  path: ./t.db',
        `api:\n  port: ${apiPort}`,
        `ui:\n  port: ${uiPort}`,
        `qr:\n  baseUrl: ${OWN_BASE}\n  secret: hall-secret-e2e`,
        `platform:\n  profile: fujian\n  url: ${sim.url}\n  appKey: hcp-terminal\n  appCode: "${APP_CODE}"\n  sysNo: "35"\n  urlMode: qr`,
        '',
      ].join('\n'),
    );
  const { run: r, ports } = await startOnFreePorts(
    2,
    ([a, u]) => {
      write(a as number, u as number);
      const run = runCli(['serve', '--config', file]);
      runs.push(run);
      return run;
    },
    (run) => run.stdout().includes('Local API:'),
    'the start',
    30_000,
  );
  const [apiPort, uiPort] = ports as [number, number];
  // Nothing to warn about: the URL mode is in this build.
  expect(r.stderr()).not.toContain('urlMode');
  const screen = await browser().newPage({ viewport: { width: 1024, height: 600 }, deviceScaleFactor: 2 });
  closers.push(() => screen.close());
  await screen.goto(`http://127.0.0.1:${uiPort}/`);
  await expect.poll(() => screen.locator('body').getAttribute('data-connected'), PATIENCE).toBe('true');
  return { sim, dir, screen, api: `http://127.0.0.1:${apiPort}/v1`, run: r };
}

async function open(api: string, transactionId: string) {
  const res = await fetch(`${api}/prompts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      transactionId,
      service: { code: 'S-1', name: '个体工商户登记' },
      departments: [{ code: 'D-MKT', name: '县市场监管局' }],
      mode: 'single',
    }),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; qr: { url: string; svg: string } | null };
}

/** What the QR on the screen says, read from a screenshot by both decoders. */
async function shownQr(screen: Page, dir: string, alsoJsQr = true): Promise<string | null> {
  const png = await screen.locator('figure.qr').screenshot();
  const read = decodeWithZbar(png, dir, 'screen.png');
  // jsQR too, for the page; it does not read the terminal's own (longer) signed link at
  // this kiosk's size, which zbarimg and phones do.
  if (alsoJsQr) expect(decodeWithJsQr(png)).toBe(read);
  return read;
}

describe('the URL mode through serve in Chromium', { timeout: 120_000 }, () => {
  it("shows the province's page as the prompt's QR code, captioned as such", async () => {
    const { sim, dir, screen, api, run } = await start();
    const opened = await open(api, 'SP-E2E-1');
    const page = sim.pageCalls[0]?.url as string;
    expect(page).toContain('projectNo=SP-E2E-1');
    expect(opened.qr?.url).toBe(page);
    await expect
      .poll(() => screen.locator('figure.qr figcaption').textContent(), PATIENCE)
      .toBe('扫码到福建省好差评页面评价');
    expect(await shownQr(screen, dir)).toBe(page);
    // The touch buttons work as always beside it.
    await screen.getByRole('button', { name: namedFirst('满意') }).click();
    await expect.poll(() => screen.locator('.thanks').textContent(), PATIENCE).toBe('谢谢您的评价');
    await expect.poll(() => sim.accepted.size, PATIENCE).toBe(1);
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
  });

  it('a slow gateway: the own QR first, then the page replaces it on the open screen', async () => {
    const { sim, dir, screen, api } = await start();
    sim.faults.pages = 'hold';
    // The answer comes after platform.urlTimeoutSeconds (3 s) with the terminal's own QR.
    const opened = await open(api, 'SP-E2E-2');
    expect(sim.heldPages).toBe(1);
    expect(opened.qr?.url.startsWith(`${OWN_BASE}?t=`)).toBe(true);
    await expect.poll(() => screen.locator('figure.qr figcaption').textContent(), PATIENCE).toBe('扫码评价');
    expect(await shownQr(screen, dir, false)).toBe(opened.qr?.url);

    sim.releasePages();
    await expect
      .poll(() => screen.locator('figure.qr figcaption').textContent(), PATIENCE)
      .toBe('扫码到福建省好差评页面评价');
    const page = sim.pageCalls[0]?.url as string;
    expect(await shownQr(screen, dir)).toBe(page);
    const got = (await (await fetch(`${api}/prompts/${opened.id}`)).json()) as { qr: { url: string } };
    expect(got.qr.url).toBe(page);
  });
});
