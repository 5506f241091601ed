// A hall in miniature for doctor: a real serial line (socat pty pair) with the KP/1
// keypad simulator on the far end, the platform simulator, and a configuration file
// pointing at them. Each test breaks one part and runs the built command.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { type Run, runCli } from '../../helpers/cli.js';
import { freePorts } from '../../helpers/ports.js';
import { type PtyPair, startPtyPair } from '../../helpers/socat.js';
import { tempDir } from '../../helpers/temp.js';
import { KeypadSim } from '../../sim/keypad-sim.js';
import { PlatformSim } from '../../sim/platform-sim.js';

export const APP_MARK = 'HA-APP-TEST';
export const SECRET = 'a-real-looking-secret-4f9c2e';

export interface RigOptions {
  /** Start the keypad simulator silent (no HELLO, no HEARTBEAT). */
  silentKeypad?: boolean;
  /** The secret the platform expects (default: the one in the file). */
  platformSecret?: string;
  /** Changes to the configuration, merged section by section. */
  config?: Record<string, Record<string, unknown> | null>;
}

export interface Rig {
  dir: string;
  pty: PtyPair;
  keypad: KeypadSim;
  platform: PlatformSim;
  configFile: string;
  config: Record<string, Record<string, unknown> | null>;
}

export interface Result {
  code: number | null;
  lines: string[];
  stderr: string;
}

const cleanups: (() => Promise<void> | void)[] = [];
const runs: Run[] = [];

afterEach(async () => {
  for (const r of runs.splice(0)) r.child.kill('SIGKILL');
  for (const c of cleanups.splice(0).reverse()) await c();
});

export function onCleanup(fn: () => Promise<void> | void): void {
  cleanups.push(fn);
}

export async function startRig(options: RigOptions = {}): Promise<Rig> {
  const dir = tempDir('hcp-doctor-');
  const pty = await startPtyPair();
  cleanups.push(() => pty.close());
  const keypad = new KeypadSim({ path: pty.b });
  keypad.silent = options.silentKeypad ?? false;
  await keypad.open();
  cleanups.push(() => keypad.close());
  const platform = await PlatformSim.start({ appMark: APP_MARK, secret: options.platformSecret ?? SECRET });
  cleanups.push(() => platform.close());
  const [api, ui] = (await freePorts(2)) as [number, number];

  const config: Record<string, Record<string, unknown> | null> = {
    terminal: { id: 'HA-0001', areaCode: '350521', windowNo: '12' },
    keypad: { driver: 'frame', path: pty.a },
    store: { path: './data/terminal.db' },
    platform: { url: platform.url, appMark: APP_MARK, secret: SECRET, timeoutSeconds: 3 },
    // Never the default 7480: another test's terminal may be listening there. Ports
    // the system just gave out; a test that runs serve on them takes new ones (setPorts).
    api: { port: api },
    ui: { port: ui },
  };
  for (const [section, value] of Object.entries(options.config ?? {})) {
    config[section] = value === null ? null : { ...(config[section] ?? {}), ...value };
  }
  const configFile = join(dir, 'config.yaml');
  // JSON is valid YAML, and the contract accepts it.
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  return { dir, pty, keypad, platform, configFile, config };
}

/** Gives the configuration (and its file) other ports: for serve on ports just handed out. */
export function setPorts(rig: Rig, api: number, ui: number): void {
  rig.config.api = { ...rig.config.api, port: api };
  rig.config.ui = { ...rig.config.ui, port: ui };
  writeFileSync(rig.configFile, JSON.stringify(rig.config, null, 2));
}

/** Starts the built command; killed after the test if still running. */
export function start(args: string[], env: Record<string, string> = {}): Run {
  const r = runCli(args, env);
  runs.push(r);
  return r;
}

export async function doctor(configFile: string, extra: string[] = []): Promise<Result> {
  const r = start(['doctor', '--config', configFile, ...extra]);
  const code = await r.exit;
  return { code, lines: r.stdout().trim().split('\n'), stderr: r.stderr() };
}

/** The part each finding line names ("ok   store: …" → "store"); other lines are left out. */
export function parts(lines: string[]): string[] {
  return lines.map((l) => /^(?:ok {3}|warn |FAIL )([\w-]+):/.exec(l)?.[1]).filter((p) => p !== undefined);
}

export function lineOf(lines: string[], part: string): string {
  const found = lines.find((l) => new RegExp(`^(?:ok {3}|warn |FAIL )${part}: `).test(l));
  if (found === undefined) throw new Error(`no ${part} line in:\n${lines.join('\n')}`);
  return found;
}

/** Polls the running terminal's GET /v1/health until `ok` holds for it. */
export async function healthUntil(
  apiPort: number,
  ok: (health: Record<string, unknown>) => boolean,
  what: string,
  ms = 10_000,
): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${apiPort}/v1/health`);
      if (ok((await res.json()) as Record<string, unknown>)) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
