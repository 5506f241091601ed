// A training terminal with a real platform configured: the running terminal (engine,
// forwarding, local API) on a real store, the platform simulator on loopback. Nothing
// rated in training may reach the platform, then or ever after.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { loadReasonsCatalogue } from '../../../src/config/reasons-catalogue.js';
import type { TerminalConfig } from '../../../src/config/terminal-config.js';
import { type RunningTerminal, startRunningTerminal } from '../../../src/engine/running-terminal.js';
import { waitFor } from '../../helpers/cli.js';
import { clerk, request } from '../../helpers/core-fixture.js';
import { onSystemPorts } from '../../helpers/ports.js';
import { tempDir } from '../../helpers/temp.js';
import { PlatformSim } from '../../sim/platform-sim.js';
import { APP_MARK, SECRET } from './helpers.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function startSim(): Promise<PlatformSim> {
  const sim = await PlatformSim.start({ appMark: APP_MARK, secret: SECRET, maxSkewMs: 300_000 });
  cleanup.push(() => sim.close());
  return sim;
}

/** The configuration a technician would write, loaded as serve loads it. */
async function configFile(dir: string, sim: PlatformSim, training: boolean): Promise<TerminalConfig> {
  const file = join(dir, `config-${training ? 'training' : 'live'}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      terminal: { id: 'HA-0001', areaCode: '350521', training },
      keypad: { driver: 'none' },
      store: { path: './data/terminal.db' },
      platform: { url: sim.url, appMark: APP_MARK, secret: SECRET },
      qr: { baseUrl: 'https://hcp.example.gov.cn/m/rate', secret: 'qr-secret-1' },
    }),
  );
  const loaded = loadConfig(file, { dataDir: dir });
  if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
  return onSystemPorts(loaded.config);
}

function builtInReasons() {
  const loaded = loadReasonsCatalogue(null);
  if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
  return loaded.catalogue;
}

async function run(config: TerminalConfig): Promise<RunningTerminal> {
  const running = await startRunningTerminal(config, builtInReasons());
  cleanup.push(() => running.stop());
  return running;
}

async function health(running: RunningTerminal) {
  return (await (await fetch(`${running.api.url}/health`)).json()) as Record<string, unknown>;
}

function trainingFlags(path: string): Record<string, number> {
  const db = new Database(path, { readonly: true });
  try {
    return Object.fromEntries(
      db.prepare('SELECT id, training FROM records ORDER BY seq').raw().all() as [string, number][],
    );
  } finally {
    db.close();
  }
}

function rate(running: RunningTerminal, transactionId: string, level: 1 | 2 | 3 | 4 | 5): string {
  const opened = running.terminal.openPrompt(request({ transactionId }));
  if (!opened.ok) throw new Error(`prompt refused: ${opened.code}`);
  // The QR code leads to the platform's own rating page: a training terminal makes none.
  expect(opened.qr === null).toBe(running.config.terminal.training);
  running.terminal.intent({ type: 'rate', level });
  if (level <= 2) {
    running.terminal.intent({ type: 'toggle_reason', code: level === 1 ? '108' : '207' });
    running.terminal.intent({ type: 'submit_reasons' });
  }
  const record = running.terminal.getPrompt(opened.promptId as string)?.records[0];
  if (!record?.final) throw new Error('the rating was not stored final');
  return record.id;
}

describe('a training terminal with a platform configured', () => {
  it('forwards nothing, even after a reload; its records stay unsent when it later runs live', async () => {
    const sim = await startSim();
    const dir = tempDir();
    const trainingConfig = await configFile(dir, sim, true);

    const training = await run(trainingConfig);
    training.terminal.signIn(clerk);
    const made = [rate(training, 'TX-T1', 1), rate(training, 'TX-T2', 5)];
    expect(await health(training)).toMatchObject({
      terminalId: 'HA-0001',
      training: true,
      platform: 'unconfigured',
      queue: { pending: 0, rejected: 0 },
    });
    // A SIGHUP with the platform still there starts no forwarder either.
    training.reload({ config: trainingConfig, catalogue: builtInReasons() });
    expect(training.forwarding.status().state).toBe('unconfigured');
    expect(training.terminal.trainingRecords()).toBe(2);
    await training.stop();
    expect(sim.requests).toEqual([]);
    cleanup.pop();

    // The same store, now a live terminal: only what it rates itself is sent. The
    // forwarder sends oldest first, so once the new record is accepted, any training
    // record it could claim would have gone before it.
    const live = await run(await configFile(dir, sim, false));
    expect((await health(live)).training).toBe(false);
    live.terminal.signIn(clerk);
    const real = rate(live, 'TX-L1', 4);
    await waitFor(() => sim.accepted.has(real), 'the live rating at the platform');
    await waitFor(() => live.terminal.health().queue?.pending === 0, 'an empty queue');
    expect([...sim.accepted.keys()]).toEqual([real]);
    expect(sim.requests.flatMap((r) => r.recordIds)).toEqual([real]);
    expect(trainingFlags(trainingConfig.store.path)).toEqual({
      [made[0] as string]: 1,
      [made[1] as string]: 1,
      [real]: 0,
    });
    expect(await health(live)).toMatchObject({ platform: 'online', queue: { pending: 0, rejected: 0 } });
  });
});
