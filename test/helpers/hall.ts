// A whole hall on one machine: the real `haochaping-terminal serve` process with a
// config file, a KP/1 keypad simulator on a socat pty, the platform simulator, and the
// screens in Debian's Chromium. For end-to-end tests and the paint benchmark.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { KeypadSim } from '../sim/keypad-sim.js';
import { PlatformSim } from '../sim/platform-sim.js';
import { type ApiAnswer, callApi } from './api-call.js';
import { type Run, runCli, waitFor } from './cli.js';
import { startOnFreePorts } from './ports.js';
import { type PtyPair, startPtyPair } from './socat.js';
import { tempDir } from './temp.js';

export const SCREENSHOT_DIR = new URL('../../test-results/screens/', import.meta.url).pathname;

export interface HallOptions {
  mode?: 'counter' | 'kiosk';
  timeoutSeconds?: number;
  reasonsTimeoutSeconds?: number;
  /** Put the store here (e.g. a small tmpfs) instead of a temp folder. */
  storeDir?: string;
  /** The KP/1 keypad simulator on a pty (true, the default), none, or a keyboard-wedge keypad typing into the page. */
  keypad?: boolean | 'hid';
  /** diagnostics.pin; absent leaves the technicians' screen disabled. */
  pin?: string;
  /** terminal.training (the platform simulator stays configured). */
  training?: boolean;
  /** prompt.goodIndicators; absent leaves the default (off). */
  goodIndicators?: 'off' | 'optional';
  /** ui.voiceGuide; absent leaves the default (prompt). */
  voiceGuide?: 'off' | 'prompt' | 'full';
  /** ui.idleSlides and ui.idleSlideSeconds: the hall's notices on the idle screen. */
  idleSlides?: { folder: string; seconds?: number };
  /**
   * compat.gwq (the GWQ listener), on a port the system hands out (`hall.gwqPort`), or on
   * the SDK's default 1919 with `gwqDefaultPort`.
   */
  gwq?: Record<string, unknown>;
  gwqDefaultPort?: boolean;
  /** Called with the page's context before the screens first load (to watch the page from its start). */
  beforeLoad?: (context: BrowserContext) => Promise<void>;
  /** terminal.id and terminal.windowNo (default HA-0001 at window 12). */
  terminalId?: string;
  windowNo?: string;
  /** fleet.url: the terminal reports to this broker. */
  fleet?: string;
  /** false: no platform section (nothing is forwarded; the INVITE key works by default). */
  platform?: false;
  /** More environment for the serve process (e.g. a clock of its own, hall-clock.ts). */
  env?: Record<string, string>;
  /** How long serve may take to start (default 15 s). */
  startMs?: number;
}

/** The screen sizes every screenshot is taken at: counter screens, a big one, portrait. */
export const SCREEN_SIZES: readonly (readonly [number, number])[] = [
  [1024, 600],
  [1920, 1080],
  [600, 1024],
];

/** A name that starts with `name`, whole: 满意 finds 满意 按键2, never 非常满意 or 满意度. */
export function namedFirst(name: string): RegExp {
  return new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\s|$)`);
}

export class Hall {
  readonly dir = tempDir('hcp-hall-');
  process!: Run;
  platform!: PlatformSim;
  pty: PtyPair | null = null;
  keypad: KeypadSim | null = null;
  page!: Page;
  apiUrl = '';
  screensUrl = '';
  dbPath = '';
  /** compat.gwq's port, when the hall has one. */
  gwqPort = 0;

  static async open(browser: Browser, options: HallOptions = {}): Promise<Hall> {
    const hall = new Hall();
    await hall.start(browser, options);
    return hall;
  }

  private async start(browser: Browser, o: HallOptions) {
    if (o.platform !== false)
      this.platform = await PlatformSim.start({ appMark: 'HA-APP', secret: 'platform-secret-1' });
    if ((o.keypad ?? true) === true) {
      this.pty = await startPtyPair();
      this.keypad = new KeypadSim({ path: this.pty.b });
      await this.keypad.open();
    }
    const storeDir = o.storeDir ?? join(this.dir, 'data');
    mkdirSync(storeDir, { recursive: true });
    this.dbPath = join(storeDir, 'terminal.db');
    const gwqOn = o.gwq !== undefined;
    const gwqFree = gwqOn && !o.gwqDefaultPort;
    const configFor = (apiPort: number, uiPort: number, gwqPort?: number) => ({
      terminal: {
        id: o.terminalId ?? 'HA-0001',
        mode: o.mode ?? 'counter',
        windowNo: o.windowNo ?? '12',
        hallName: '惠安县行政服务中心',
        areaCode: '350521',
        ...(o.training ? { training: true } : {}),
      },
      keypad: this.pty
        ? { driver: 'frame', path: this.pty.a }
        : { driver: o.keypad === 'hid' ? 'hid' : 'none' },
      store: { path: this.dbPath, keyFile: join(this.dir, 'terminal.key') },
      log: { dir: join(this.dir, 'logs') },
      ...(this.platform
        ? { platform: { url: this.platform.url, appMark: 'HA-APP', secret: 'platform-secret-1' } }
        : {}),
      ...(o.fleet ? { fleet: { url: o.fleet } } : {}),
      api: { port: apiPort },
      qr: {
        baseUrl: 'https://hcp.example.gov.cn/m/rate',
        secret: 'qr-secret-1',
        staticUrl: 'https://hcp.example.gov.cn/m/hall/350521',
      },
      prompt: {
        timeoutSeconds: o.timeoutSeconds ?? 60,
        reasonsTimeoutSeconds: o.reasonsTimeoutSeconds ?? 30,
        ...(o.goodIndicators ? { goodIndicators: o.goodIndicators } : {}),
      },
      ui: {
        port: uiPort,
        ...(o.voiceGuide ? { voiceGuide: o.voiceGuide } : {}),
        ...(o.idleSlides
          ? { idleSlides: o.idleSlides.folder, idleSlideSeconds: o.idleSlides.seconds ?? 10 }
          : {}),
      },
      ...(o.pin ? { diagnostics: { pin: o.pin } } : {}),
      ...(gwqOn ? { compat: { gwq: { ...o.gwq, ...(gwqFree ? { port: gwqPort } : {}) } } } : {}),
    });
    const file = join(this.dir, 'config.json');
    const { run, ports } = await startOnFreePorts(
      gwqFree ? 3 : 2,
      ([api, ui, gwq]) => {
        writeFileSync(file, JSON.stringify(configFor(api as number, ui as number, gwq), null, 2));
        return runCli(['serve', '--config', file], o.env ?? {});
      },
      (r) => r.stdout().includes('Local API:'),
      'serve to start',
      o.startMs,
    );
    this.process = run;
    const [apiPort, uiPort, gwqPort] = ports;
    this.gwqPort = gwqOn ? (gwqFree ? (gwqPort as number) : 1919) : 0;
    this.apiUrl = `http://127.0.0.1:${apiPort}`;
    this.screensUrl = `http://127.0.0.1:${uiPort}/`;
    // A context of its own (not browser.newPage): axe-core's scan needs the page's context.
    const context = await browser.newContext({ viewport: { width: 1024, height: 600 } });
    await o.beforeLoad?.(context);
    this.page = await context.newPage();
    await this.page.goto(this.screensUrl);
    await this.screen('idle');
  }

  api(method: string, path: string, body?: unknown): Promise<ApiAnswer> {
    return callApi(this.apiUrl, method, path, body);
  }

  async signIn(): Promise<void> {
    const r = await this.api('PUT', '/v1/clerk', {
      id: '0107',
      name: '林晓',
      department: { code: 'D-TAX', name: '县税务局' },
      stars: 5,
    });
    if (r.status !== 200) throw new Error(`sign-in failed: ${JSON.stringify(r.body)}`);
  }

  async prompt(body: Record<string, unknown> = {}): Promise<string> {
    const r = await this.api('POST', '/v1/prompts', {
      transactionId: `TX-${Math.random().toString(36).slice(2, 10)}`,
      service: { code: 'S-1', name: '个体工商户登记' },
      departments: [{ code: 'D-MKT', name: '县市场监管局' }],
      mode: 'single',
      ...body,
    });
    if (r.status !== 201) throw new Error(`prompt refused: ${JSON.stringify(r.body)}`);
    await this.screen(body.mode === 'parallel' ? 'choose_scope' : 'rate');
    // Past the 300 ms in which a press is flagged too fast to be a citizen's.
    await this.page.waitForTimeout(350);
    return r.body.id as string;
  }

  async screen(kind: string, ms = 10_000): Promise<void> {
    await this.page.waitForSelector(`main[data-screen="${kind}"]`, { timeout: ms });
  }

  /** Taps the button whose accessible name is `name`, or starts with it and a space (非常满意 按键1). */
  async tap(name: string): Promise<void> {
    await this.page.getByRole('button', { name: namedFirst(name) }).click();
  }

  /** The stored records, as the platform will see them (body JSON) with their state. */
  records(): { state: string; body: any }[] {
    const db = new Database(this.dbPath, { readonly: true, fileMustExist: true });
    try {
      return (
        db.prepare('SELECT state, body FROM records ORDER BY seq').all() as { state: string; body: string }[]
      ).map((r) => ({ state: r.state, body: JSON.parse(r.body) }));
    } finally {
      db.close();
    }
  }

  /** Waits until the platform has accepted `n` records in all. */
  async platformHas(n: number, ms = 10_000): Promise<Record<string, unknown>[]> {
    await waitFor(() => this.platform.accepted.size >= n, `${n} records at the platform`, ms);
    return [...this.platform.accepted.values()];
  }

  /**
   * Screenshots at 1024×600, 1920×1080 and portrait 600×1024 (or `sizes`) into
   * test-results/screens/, checking on the small ones that every visible button is a
   * target of 96 CSS px or more. `check` runs at each size, after the layout settled.
   */
  async shoot(
    name: string,
    sizes: readonly (readonly [number, number])[] = SCREEN_SIZES,
    check?: (size: string) => Promise<void>,
  ): Promise<void> {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    for (const [w, h] of sizes) {
      await this.page.setViewportSize({ width: w, height: h });
      await this.page.waitForTimeout(50);
      await check?.(`${w}x${h}`);
      if (w < 1920) {
        const small = await this.page.$$eval('button', (buttons) =>
          buttons
            .filter((b) => b.offsetParent !== null)
            .map((b) => ({
              text: b.getAttribute('aria-label') ?? b.textContent,
              box: b.getBoundingClientRect(),
            }))
            .filter((b) => b.box.width < 96 || b.box.height < 96)
            .map((b) => `${b.text} ${Math.round(b.box.width)}×${Math.round(b.box.height)}`),
        );
        if (small.length > 0)
          throw new Error(`${name} at ${w}×${h}: buttons under 96 px: ${small.join(', ')}`);
      }
      await this.page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-${w}x${h}.png`) });
    }
    await this.page.setViewportSize({ width: 1024, height: 600 });
  }

  async close(): Promise<void> {
    await this.page
      ?.context()
      .close()
      .catch(() => undefined);
    if (this.process) {
      this.process.child.kill('SIGTERM');
      await this.process.exit;
    }
    await this.keypad?.close();
    await this.pty?.close();
    await this.platform?.close();
  }
}
