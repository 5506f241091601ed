// A hall on a real platform profile, end to end without a browser: the real
// `haochaping-terminal serve` process configured for `national` or `fujian`, the KP/1
// keypad simulator on a socat pty, that profile's platform simulator (which decrypts and
// checks what it gets), and one WebSocket on the screens' bridge standing in for the
// screen: it follows the views, passes a citizen's touch (the 实名评价 switch) and opens
// the technicians' diagnostics.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { cstDateTime } from '../../src/core/cst.js';
import type { DiagnosticsView } from '../../src/core/diagnostics-view.js';
import type { Screen } from '../../src/core/view.js';
import { FujianSim } from '../sim/fujian-sim.js';
import { KeypadSim, type SimKey } from '../sim/keypad-sim.js';
import { NationalSim } from '../sim/national-sim.js';
import { type ApiAnswer, callApi } from './api-call.js';
import { type Run, runCli, waitFor } from './cli.js';
import { startOnFreePorts } from './ports.js';
import { type PtyPair, startPtyPair } from './socat.js';
import { tempDir } from './temp.js';

export type Profile = 'national' | 'fujian';

export const PIN = '2468';
export const APP_WORD = 'app-word-应用密钥-e2e';
export const APP_CODE = 'app-code-秘-e2e';
export const CLERK = { id: '0107', name: '林晓', department: { code: 'D-TAX', name: '县税务局' } };
/** Loopback on a loaded machine: each wait is for an event; this only bounds a hang. */
export const PATIENCE_MS = 30_000;

export interface ProfileHallOptions {
  profile: Profile;
  /** Start with a wrong appWord (national) or appCode (fujian), as a technician's typo. */
  wrongKey?: boolean;
}

/** One rating as the platform simulator stored it, whatever the profile. */
export type Arrived = Record<string, unknown>;

export class ProfileHall {
  readonly dir = tempDir('hcp-profile-');
  readonly profile: Profile;
  national: NationalSim | null = null;
  fujian: FujianSim | null = null;
  pty!: PtyPair;
  keypad!: KeypadSim;
  process!: Run;
  apiUrl = '';
  configFile = '';
  /** The latest view the screens were sent. */
  screen: Screen | null = null;
  private ws: WebSocket | null = null;
  private uiPort = 0;
  private apiPort = 0;
  private readonly inbox: Record<string, unknown>[] = [];

  private constructor(profile: Profile) {
    this.profile = profile;
  }

  static async open(options: ProfileHallOptions): Promise<ProfileHall> {
    const hall = new ProfileHall(options.profile);
    try {
      await hall.start(options);
    } catch (err) {
      await hall.close();
      throw err;
    }
    return hall;
  }

  private async start(o: ProfileHallOptions): Promise<void> {
    if (o.profile === 'national') {
      this.national = await NationalSim.start({ appMark: 'HA-APP', appWord: APP_WORD, dataSource: '165' });
    } else {
      this.fujian = await FujianSim.start({ appKey: 'hcp-terminal', appCode: APP_CODE, sysNo: '35' });
    }
    this.pty = await startPtyPair();
    this.keypad = new KeypadSim({ path: this.pty.b });
    await this.keypad.open();
    this.configFile = join(this.dir, 'config.json');
    const { run } = await startOnFreePorts(
      2,
      ([api, ui]) => {
        [this.apiPort, this.uiPort] = [api as number, ui as number];
        this.writeConfig(!o.wrongKey);
        return runCli(['serve', '--config', this.configFile]);
      },
      (r) => r.stdout().includes('Local API:'),
      'serve to start',
      PATIENCE_MS,
    );
    this.process = run;
    this.apiUrl = `http://127.0.0.1:${this.apiPort}`;
    await this.connectScreen();
    await this.until((s) => s.kind === 'idle', 'the idle screen');
    await waitFor(() => this.keypad.received.length > 0, 'the terminal to talk to the keypad', PATIENCE_MS);
  }

  /** The configuration file, with the right platform secret or a wrong one. */
  writeConfig(rightKey: boolean): void {
    const platform =
      this.profile === 'national'
        ? {
            profile: 'national',
            url: this.national?.url,
            appMark: 'HA-APP',
            appWord: rightKey ? APP_WORD : 'app-word-typo',
            publicKey: this.national?.publicKey,
            dataSource: '165',
            timeoutSeconds: 5,
          }
        : {
            profile: 'fujian',
            url: this.fujian?.url,
            appKey: 'hcp-terminal',
            appCode: rightKey ? APP_CODE : 'app-code-typo',
            sysNo: '35',
            timeoutSeconds: 5,
          };
    const config = {
      terminal: {
        id: 'HA-0001',
        mode: 'counter',
        windowNo: '12',
        hallName: '惠安县行政服务中心',
        areaCode: '350521',
      },
      keypad: { driver: 'frame', path: this.pty.a },
      store: { path: join(this.dir, 'data', 'terminal.db'), keyFile: join(this.dir, 'terminal.key') },
      log: { dir: join(this.dir, 'logs') },
      platform,
      api: { port: this.apiPort },
      ui: { port: this.uiPort },
      prompt: { timeoutSeconds: 60, reasonsTimeoutSeconds: 60, goodIndicators: 'optional' },
      diagnostics: { pin: PIN },
    };
    writeFileSync(this.configFile, JSON.stringify(config, null, 2));
  }

  private async connectScreen(): Promise<void> {
    const origin = `http://127.0.0.1:${this.uiPort}`;
    const ws = new WebSocket(`ws://127.0.0.1:${this.uiPort}/bridge`, { origin });
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as Record<string, unknown>;
      if (message.type === 'view') this.screen = (message.view as { screen: Screen }).screen;
      else this.inbox.push(message);
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    this.ws = ws;
  }

  /** Waits until the screen is one `check` accepts; returns it. */
  async until(check: (s: Screen) => boolean, what: string): Promise<Screen> {
    await waitFor(() => this.screen !== null && check(this.screen), what, PATIENCE_MS);
    return this.screen as Screen;
  }

  api(method: string, path: string, body?: unknown): Promise<ApiAnswer> {
    return callApi(this.apiUrl, method, path, body);
  }

  async health(): Promise<{ platform: string; queue: { pending: number; rejected: number } }> {
    return (await this.api('GET', '/v1/health')).body;
  }

  async signIn(): Promise<void> {
    const r = await this.api('PUT', '/v1/clerk', { ...CLERK, stars: 5 });
    if (r.status !== 200) throw new Error(`sign-in failed: ${JSON.stringify(r.body)}`);
    await this.until((s) => s.kind === 'idle' && s.clerkStatus === 'serving', 'the clerk on the idle screen');
  }

  /** Opens a prompt through the local API and waits until the rating screen shows it. */
  async prompt(body: Record<string, unknown>): Promise<string> {
    const r = await this.api('POST', '/v1/prompts', {
      service: { code: 'S-1', name: '个体工商户登记' },
      departments: [{ code: 'D-MKT', name: '县市场监管局' }],
      mode: 'single',
      ...body,
    });
    if (r.status !== 201) throw new Error(`prompt refused: ${JSON.stringify(r.body)}`);
    const id = r.body.id as string;
    await this.until((s) => s.kind === 'rate' && s.promptId === id, 'the rating screen');
    // Past the 300 ms in which a press is flagged too fast to be a citizen's.
    await new Promise((resolve) => setTimeout(resolve, 350));
    return id;
  }

  /** A key on the keypad, ACKed by the terminal. */
  async press(key: SimKey): Promise<void> {
    const result = await this.keypad.press(key);
    if (!result.acked) throw new Error(`key ${String(key)} was not ACKed`);
  }

  /**
   * On a reasons or indicators screen: moves the cursor with key 2 to each code in turn
   * and selects it with key 3, checking the screen after every key; then key 5.
   */
  async choose(codes: string[]): Promise<void> {
    for (const code of codes) {
      const list = () => {
        const s = this.screen;
        return s?.kind === 'reasons' ? s.reasons : s?.kind === 'indicators' ? s.indicators : [];
      };
      const cursor = () => (this.screen as { cursor?: number } | null)?.cursor ?? -1;
      const at = list().findIndex((r) => r.code === code);
      if (at < 0) throw new Error(`${code} is not on the screen`);
      while (cursor() !== at) {
        const before = cursor();
        await this.press(2);
        await waitFor(() => cursor() !== before, 'the cursor to move', PATIENCE_MS);
      }
      await this.press(3);
      await waitFor(() => list()[at]?.selected === true, `${code} selected`, PATIENCE_MS);
    }
    await this.press(5);
    await this.until((s) => s.kind === 'thanks', 'the thanks screen');
  }

  /** What the citizen touches on the screen (the bridge carries it as the page would). */
  touch(intent: Record<string, unknown>): void {
    this.ws?.send(JSON.stringify({ type: 'intent', intent }));
  }

  /** The technicians' diagnostics, as the screen's PIN pad opens them. */
  async diagnostics(): Promise<DiagnosticsView> {
    const seen = this.inbox.length;
    this.ws?.send(JSON.stringify({ type: 'diagnostics_open', pin: PIN }));
    await waitFor(
      () => this.inbox.slice(seen).some((m) => m.type === 'diagnostics'),
      'the diagnostics',
      PATIENCE_MS,
    );
    const answer = this.inbox.slice(seen).find((m) => m.type === 'diagnostics') as { view: DiagnosticsView };
    return answer.view;
  }

  /** Every rating the simulator accepted, in the order it accepted them. */
  arrived(): Arrived[] {
    return [...((this.national ?? this.fujian)?.accepted.values() ?? [])] as Arrived[];
  }

  /** Ratings that reached the simulator again after it had accepted them. */
  repeats(): number {
    const map = (this.national ?? this.fujian)?.repeats ?? new Map<string, number>();
    return [...map.values()].reduce((a, b) => a + b, 0);
  }

  async arrivedCount(n: number): Promise<Arrived[]> {
    await waitFor(
      () => this.arrived().length >= n,
      `${n} ratings at the ${this.profile} simulator`,
      PATIENCE_MS,
    );
    return this.arrived();
  }

  /** The platform stops answering (connections refused) / comes back on the same port. */
  async platformDown(): Promise<void> {
    await (this.national ?? this.fujian)?.down();
  }

  async platformUp(): Promise<void> {
    await (this.national ?? this.fujian)?.up();
  }

  /** Peak resident memory of the serve process so far, in bytes (Linux /proc). */
  peakRss(): number {
    const status = readFileSync(`/proc/${this.process.child.pid}/status`, 'utf8');
    const kb = /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
    if (!kb) throw new Error('no VmHWM in /proc/PID/status: these tests need Linux');
    return Number(kb) * 1024;
  }

  async close(): Promise<void> {
    this.ws?.close();
    if (this.process && this.process.child.exitCode === null) {
      this.process.child.kill('SIGTERM');
      await this.process.exit;
    }
    await this.keypad?.close();
    await this.pty?.close();
    await this.national?.close();
    await this.fujian?.close();
  }
}

/** `yyyy-MM-dd HH:mm:ss` UTC+8, `offsetMs` from now. */
export function cst(offsetMs = 0): string {
  return cstDateTime(Date.now() + offsetMs);
}
