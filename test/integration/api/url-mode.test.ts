// The URL mode (platform.urlMode: qr, profile fujian) through the local API against the
// Fujian gateway simulator: the province's page becomes the prompt's QR code (POST
// answer, GET, PNG, screen); a slow gateway never holds the prompt up; a refusal falls
// back to the terminal's own QR and shows in the log and diagnostics; a training
// terminal never asks; the gateway's token is shared with the forwarder.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startApi } from '../../../src/api/server.js';
import { loadConfig } from '../../../src/config/load.js';
import { loadReasonsCatalogue } from '../../../src/config/reasons-catalogue.js';
import type { TerminalConfig } from '../../../src/config/terminal-config.js';
import { OWN_QR_CAPTION, PAGE_QR_CAPTION, PAGE_QR_CAPTION_EN } from '../../../src/core/view.js';
import { createTerminal } from '../../../src/engine/create-terminal.js';
import { pageSourceOf } from '../../../src/engine/platform-page.js';
import { type RunningTerminal, startRunningTerminal } from '../../../src/engine/running-terminal.js';
import type { Terminal } from '../../../src/engine/terminal.js';
import { SharedStates } from '../../../src/profiles/registry.js';
import { clerk } from '../../helpers/core-fixture.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { onSystemPorts } from '../../helpers/ports.js';
import { tempDir } from '../../helpers/temp.js';
import { FujianSim, PAGE_ELEMENTS } from '../../sim/fujian-sim.js';
import { decodeWithJsQr, decodeWithZbar } from '../qr/decoders.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

const APP_CODE = 'app-code-页面-19c4';
const OWN_BASE = 'https://hcp.example.gov.cn/m/rate';
// Loopback on a loaded machine: the waits are for events; this only bounds a hang.
const PATIENCE = { timeout: 30_000, interval: 50 };

function catalogue() {
  const loaded = loadReasonsCatalogue(null);
  if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
  return loaded.catalogue;
}

async function gateway(): Promise<FujianSim> {
  const sim = await FujianSim.start({ appKey: 'hcp-terminal', appCode: APP_CODE, sysNo: '35' });
  cleanup.push(() => sim.close());
  return sim;
}

/** config.yaml as a technician writes it, loaded as serve loads it. */
async function yamlConfig(
  sim: FujianSim,
  opts: { ownQr?: boolean; training?: boolean; dir?: string; urlMode?: 'off' | 'qr' } = {},
): Promise<TerminalConfig> {
  const dir = opts.dir ?? tempDir();
  const file = join(dir, 'config.yaml');
  writeFileSync(
    file,
    [
      'terminal:\n  id: HA-0001\n  areaCode: "350521000000"\n  windowNo: "12"',
      opts.training ? '  training: true' : '',
      'keypad:\n  driver: none',
      'store:\n  path: ./data/terminal.db',
      'diagnostics:\n  pin: "2468"',
      opts.ownQr === false ? '' : `qr:\n  baseUrl: ${OWN_BASE}\n  secret: hall-secret-1`,
      `platform:\n  profile: fujian\n  url: ${sim.url}\n  appKey: hcp-terminal\n  appCode: "${APP_CODE}"\n  sysNo: "35"`,
      `  urlMode: ${opts.urlMode ?? 'qr'}\n  network: 2\n  backUrl: https://hall.example/back?a=1&b=2`,
      '',
    ].join('\n'),
  );
  const loaded = loadConfig(file, { dataDir: dir });
  if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
  // Nothing left to warn about: the URL mode works in this build.
  expect(loaded.warnings).toEqual([]);
  return onSystemPorts(loaded.config);
}

async function running(config: TerminalConfig): Promise<RunningTerminal> {
  const r = await startRunningTerminal(config, catalogue());
  cleanup.push(() => r.stop());
  r.terminal.signIn(clerk);
  return r;
}

const promptJson = (transactionId: string) => ({
  transactionId,
  service: { code: 'S-1', name: '个体工商户登记' },
  departments: [{ code: 'D-MKT', name: '县市场监管局' }],
  mode: 'single',
  proStatus: '1',
});

async function post(api: string, transactionId: string) {
  const res = await fetch(`${api}/prompts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(promptJson(transactionId)),
  });
  return { status: res.status, body: (await res.json()) as any };
}

async function get(api: string, id: string) {
  return (await (await fetch(`${api}/prompts/${id}`)).json()) as any;
}

function rateScreen(terminal: Terminal) {
  const screen = terminal.view().screen;
  if (screen.kind !== 'rate') throw new Error(`the screen is ${screen.kind}, not rate`);
  return screen;
}

describe('the URL mode against the Fujian gateway', () => {
  it('makes the page the QR code: answer, GET, PNG (jsQR and zbarimg) and screen', async () => {
    const sim = await gateway();
    const r = await running(await yamlConfig(sim));
    const opened = await post(r.api.url, 'SP-URL-1');
    expect(opened.status).toBe(201);

    const call = sim.pageCalls[0];
    const page = call?.url as string;
    expect(page).toMatch(/^https:\/\/zwfw\.fujian\.gov\.cn\/hcp\/h5\/evaluate\?projectNo=SP-URL-1&t=/);
    expect(opened.body.qr).toEqual({ url: page, svg: expect.stringMatching(/^<svg/) });
    // Exactly the contract's elements, in order; what the page asks of this prompt.
    expect(call?.order).toEqual(PAGE_ELEMENTS);
    expect(call?.elements).toMatchObject({
      sysNO: '35',
      projectNo: 'SP-URL-1',
      businessCode: 'S-1',
      businessName: '个体工商户登记',
      proStatus: '1',
      nodeName: '受理',
      regionCode: '350521',
      pf: '4',
      type: '2',
      backUrl: 'https://hall.example/back?a=1&b=2',
      customFields: 'HA-0001,12',
      pf5urltype: '2',
      userName: '',
      certKey: '',
    });

    const got = await get(r.api.url, opened.body.id);
    expect(got).toMatchObject({ status: 'open', qr: opened.body.qr });
    const png = Buffer.from(
      await (await fetch(`${r.api.url}/prompts/${opened.body.id}/qr.png`)).arrayBuffer(),
    );
    expect(decodeWithJsQr(png)).toBe(page);
    expect(decodeWithZbar(png, tempDir())).toBe(page);
    expect(rateScreen(r.terminal).qr).toEqual({
      url: page,
      svg: opened.body.qr.svg,
      caption: PAGE_QR_CAPTION,
      captionEn: PAGE_QR_CAPTION_EN,
    });

    // Rated on the terminal after the page was handed out: the terminal's own rating,
    // forwarded as always, on the same token as the page (one token request in all).
    r.terminal.intent({ type: 'rate', level: 5 }, 'keypad');
    expect(await get(r.api.url, opened.body.id)).toMatchObject({ status: 'rated', qr: null });
    await expect
      .poll(() => sim.accepted.get(FujianSim.key('SP-URL-1', 'D-MKT'))?.evaluateLevel, PATIENCE)
      .toBe('5');
    expect(sim.tokenRequests).toHaveLength(1);
    expect(r.diagnostics.open('2468')).toMatchObject({
      view: { platformPage: { pages: 1, late: 0, failures: 0, lastFailure: null } },
    });
  });

  it('falls back to the own QR when the gateway refuses, says why in the log and diagnostics', async () => {
    const sim = await gateway();
    sim.faults.pages = 'refuse';
    const r = await running(await yamlConfig(sim));
    const opened = await post(r.api.url, 'SP-URL-2');
    expect(opened.status).toBe(201);
    expect(sim.pageCalls).toHaveLength(1);
    expect(opened.body.qr.url.startsWith(`${OWN_BASE}?t=`)).toBe(true);
    expect((await get(r.api.url, opened.body.id)).qr).toEqual(opened.body.qr);
    expect(rateScreen(r.terminal).qr?.caption).toBe(OWN_QR_CAPTION);
    const png = Buffer.from(
      await (await fetch(`${r.api.url}/prompts/${opened.body.id}/qr.png`)).arrayBuffer(),
    );
    expect(decodeWithJsQr(png)).toBe(opened.body.qr.url);

    // An answer that is no address is a refusal too.
    r.terminal.intent({ type: 'decline' });
    sim.faults.pages = 'bad-url';
    const second = await post(r.api.url, 'SP-URL-3');
    expect(second.body.qr.url.startsWith(`${OWN_BASE}?t=`)).toBe(true);

    const view = r.diagnostics.open('2468');
    expect(view).toMatchObject({
      view: {
        platformPage: {
          pages: 0,
          failures: 2,
          lastFailure: { message: expect.stringContaining('data/url is not an http(s) address') },
        },
      },
    });
    const log = readFileSync(r.logFile, 'utf8');
    expect(log).toContain('"event":"platform_page_failed"');
    expect(log).toContain('code 500: 办件信息不存在，无法生成评价页面');
  });

  it('fetches a refused token anew once; a fresh token refused too is a failure', async () => {
    const sim = await gateway();
    const r = await running(await yamlConfig(sim));
    expect((await post(r.api.url, 'SP-TOK-1')).body.qr.url).toBe(sim.pageCalls[0]?.url);
    r.terminal.intent({ type: 'decline' });
    const before = sim.tokenRequests.length;
    sim.expireTokens();
    expect((await post(r.api.url, 'SP-TOK-2')).body.qr.url).toBe(sim.pageCalls[1]?.url);
    expect(sim.tokenRequests.length).toBe(before + 1);
    r.terminal.intent({ type: 'decline' });

    sim.faults.refuseAllTokens = true;
    const refused = await post(r.api.url, 'SP-TOK-3');
    expect(refused.body.qr.url.startsWith(`${OWN_BASE}?t=`)).toBe(true);
    expect(r.terminal.pageStatus().lastFailure?.message).toBe(
      'the gateway refused a fresh token: appKey/appCode wrong?',
    );
  });

  it('answers qr null when refused and no own QR is configured', async () => {
    const sim = await gateway();
    sim.faults.pages = 'refuse';
    const r = await running(await yamlConfig(sim, { ownQr: false }));
    const opened = await post(r.api.url, 'SP-URL-4');
    expect(opened.body.qr).toBeNull();
    expect(sim.pageCalls).toHaveLength(1);
    expect(rateScreen(r.terminal).qr).toBeNull();
    expect((await fetch(`${r.api.url}/prompts/${opened.body.id}/qr.png`)).status).toBe(409);
  });

  it('follows a reload (SIGHUP) that turns the URL mode on', async () => {
    const sim = await gateway();
    const dir = tempDir();
    const r = await running(await yamlConfig(sim, { dir, urlMode: 'off' }));
    const first = await post(r.api.url, 'SP-URL-6');
    expect(first.body.qr.url.startsWith(`${OWN_BASE}?t=`)).toBe(true);
    expect(sim.pageCalls).toHaveLength(0);
    expect(r.diagnostics.open('2468')).toMatchObject({ view: { platformPage: null } });
    r.terminal.intent({ type: 'decline' });

    expect(r.reload({ config: await yamlConfig(sim, { dir }), catalogue: catalogue() })).toEqual([]);
    const second = await post(r.api.url, 'SP-URL-7');
    expect(second.body.qr.url).toBe(sim.pageCalls[0]?.url);
    expect(rateScreen(r.terminal).qr?.caption).toBe(PAGE_QR_CAPTION);
  });

  it('never asks the gateway on a training terminal, which shows no QR', async () => {
    const sim = await gateway();
    const config = await yamlConfig(sim, { training: true });
    expect(pageSourceOf(config, { shared: new SharedStates() })).toBeNull();
    const r = await running(config);
    const opened = await post(r.api.url, 'SP-URL-5');
    expect(opened.body.qr).toBeNull();
    r.terminal.intent({ type: 'rate', level: 5 });
    expect(sim.pageCalls).toHaveLength(0);
    expect(sim.tokenRequests).toHaveLength(0);
  });
});

describe('a slow gateway', () => {
  it('opens the prompt at once with the own QR; the answer waits urlTimeoutSeconds; the page replaces the QR later', async () => {
    const sim = await gateway();
    sim.faults.pages = 'hold';
    const dir = tempDir();
    const config = await yamlConfig(sim, { dir });
    const clock = new FakeClock(Date.now());
    // The engine on a clock the test moves; the gateway on the real one (its token timestamps).
    const terminal = createTerminal(
      config,
      catalogue(),
      { log() {} },
      {
        pages: pageSourceOf(config, { shared: new SharedStates() }),
        clock,
      },
    );
    terminal.start();
    cleanup.push(() => terminal.stop());
    terminal.signIn(clerk);
    const api = await startApi({
      ops: terminal,
      settings: {
        host: '127.0.0.1',
        port: 0,
        token: null,
        revealRatings: false,
        corsOrigins: [],
        rateLimit: 50,
      },
      version: '0.0.0-test',
      terminalId: 'HA-0001',
    });
    cleanup.push(() => api.close());

    let answered = false;
    const posting = post(api.url, 'SP-SLOW-1').then((a) => {
      answered = true;
      return a;
    });
    await expect.poll(() => sim.heldPages, PATIENCE).toBe(1);
    // On screen at once, with the terminal's own QR; the answer is still waiting.
    const screen = rateScreen(terminal);
    expect(screen.qr?.caption).toBe(OWN_QR_CAPTION);
    expect(screen.qr?.url.startsWith(`${OWN_BASE}?t=`)).toBe(true);
    expect((await get(api.url, screen.promptId)).qr.url).toBe(screen.qr?.url);
    clock.advance(2_999);
    await fetch(`${api.url}/health`);
    expect(answered).toBe(false);
    clock.advance(1);
    const opened = await posting;
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({ id: screen.promptId, qr: { url: screen.qr?.url } });

    // The page comes while the prompt is open: it replaces the QR on screen and in the API,
    // and the business system's event stream hears of it.
    const events: string[] = [];
    terminal.subscribe({ prompt: (id) => events.push(id) });
    sim.releasePages();
    await expect.poll(() => rateScreen(terminal).qr?.caption, PATIENCE).toBe(PAGE_QR_CAPTION);
    const page = sim.pageCalls[0]?.url as string;
    expect(rateScreen(terminal).qr?.url).toBe(page);
    expect((await get(api.url, screen.promptId)).qr.url).toBe(page);
    const png = Buffer.from(
      await (await fetch(`${api.url}/prompts/${screen.promptId}/qr.png`)).arrayBuffer(),
    );
    expect(decodeWithJsQr(png)).toBe(page);
    expect(decodeWithZbar(png, dir)).toBe(page);
    expect(terminal.pageStatus()).toMatchObject({ pages: 1, late: 1, failures: 0 });
    expect(events).toEqual([screen.promptId]);
  });
});
