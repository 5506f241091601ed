// The national and fujian profiles from a technician's YAML file to the platform: the
// running terminal (engine, forwarding, local API) on a real store, configured by a
// YAML file loaded as serve loads it, against each profile's simulator on loopback. The
// simulators decrypt (SM2; SM4 + GBK) and check what arrives. A reload (what SIGHUP
// does) with corrected credentials resumes a paused forwarder.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { loadReasonsCatalogue } from '../../../src/config/reasons-catalogue.js';
import type { TerminalConfig } from '../../../src/config/terminal-config.js';
import { type RunningTerminal, startRunningTerminal } from '../../../src/engine/running-terminal.js';
import { waitFor } from '../../helpers/cli.js';
import { clerk, request } from '../../helpers/core-fixture.js';
import { onSystemPorts } from '../../helpers/ports.js';
import { tempDir } from '../../helpers/temp.js';
import { FujianSim } from '../../sim/fujian-sim.js';
import { NationalSim } from '../../sim/national-sim.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

const APP_WORD = 'app-word-应用密钥-77a1';
const APP_CODE = 'app-code-秘-5b2e';
// Loopback on a loaded machine: the wait is for an event, this only bounds a hang.
const PATIENCE_MS = 30_000;

function catalogue() {
  const loaded = loadReasonsCatalogue(null);
  if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
  return loaded.catalogue;
}

/** Writes config.yaml (YAML, as a technician writes it) and loads it as serve does. */
async function yamlConfig(dir: string, platformYaml: string): Promise<TerminalConfig> {
  const file = join(dir, 'config.yaml');
  writeFileSync(
    file,
    [
      'terminal:',
      '  id: HA-0001',
      '  areaCode: "350521"',
      '  windowNo: "12"',
      'keypad:',
      '  driver: none',
      'store:',
      '  path: ./data/terminal.db',
      'api:',
      // Any port the file may name: the test's terminal listens on one the system picks.
      '  port: 7480',
      'platform:',
      platformYaml,
      '',
    ].join('\n'),
  );
  const loaded = loadConfig(file, { dataDir: dir });
  if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
  return onSystemPorts(loaded.config);
}

async function run(config: TerminalConfig): Promise<RunningTerminal> {
  const running = await startRunningTerminal(config, catalogue());
  cleanup.push(() => running.stop());
  running.terminal.signIn(clerk);
  return running;
}

/** A good rating of a service of its own; returns its record id. */
function rate(running: RunningTerminal, transactionId: string, level: 4 | 5): string {
  const opened = running.terminal.openPrompt(request({ transactionId }));
  if (!opened.ok) throw new Error(`prompt refused: ${opened.code}`);
  running.terminal.intent({ type: 'rate', level });
  const record = running.terminal.getPrompt(opened.promptId as string)?.records[0];
  if (!record?.final) throw new Error('the rating was not stored final');
  return record.id;
}

describe('platform.profile national from a YAML file', () => {
  async function start(appWord: string) {
    const sim = await NationalSim.start({ appMark: 'HA-APP', appWord: APP_WORD, dataSource: '165' });
    cleanup.push(() => sim.close());
    const dir = tempDir();
    const platform = (word: string) =>
      [
        '  profile: national',
        `  url: ${sim.url}`,
        '  appMark: HA-APP',
        `  appWord: "${word}"`,
        `  publicKey: ${sim.publicKey.toUpperCase()}`,
        '  dataSource: "165"',
        '  timeoutSeconds: 5',
      ].join('\n');
    const config = await yamlConfig(dir, platform(appWord));
    return { sim, dir, config, platform };
  }

  it('delivers a rating the platform decrypts, with the fields of the contract', async () => {
    const { sim, config } = await start(APP_WORD);
    expect(config.prompt.invite.enabled).toBe(false);
    const running = await run(config);
    rate(running, 'SP-N-1', 5);
    await waitFor(() => sim.accepted.size === 1, 'the rating at the national simulator', PATIENCE_MS);
    expect([...sim.accepted.values()][0]).toMatchObject({
      projectNo: 'SP-N-1',
      serviceNumber: 1,
      pf: '4',
      satisfaction: '5',
      evalDetail: '',
      dataSource: '165',
      taskCode: 'S-1',
      taskName: '个体工商户登记',
      deptCode: 'D-MKT',
      proDepart: '县市场监管局',
      proStatus: '3',
      assessNumber: 1,
    });
    await waitFor(() => running.forwarding.status().pending === 0, 'an empty queue', PATIENCE_MS);
    expect(running.forwarding.status().state).toBe('online');
  });

  it('pauses on a wrong appWord, and a reload with the right one delivers what waited', async () => {
    const { sim, dir, config, platform } = await start('not-the-word');
    const running = await run(config);
    rate(running, 'SP-N-2', 4);
    await waitFor(() => running.forwarding.status().state === 'auth_failed', 'auth_failed', PATIENCE_MS);
    expect(sim.accepted.size).toBe(0);
    expect(running.forwarding.status()).toMatchObject({ pending: 1, rejected: 0 });

    const fixed = await yamlConfig(dir, platform(APP_WORD));
    expect(running.reload({ config: fixed, catalogue: catalogue() })).toEqual([]);
    await waitFor(() => sim.accepted.size === 1, 'the rating after the reload', PATIENCE_MS);
    expect([...sim.accepted.values()][0]).toMatchObject({ projectNo: 'SP-N-2', satisfaction: '4' });
    await waitFor(() => running.forwarding.status().state === 'online', 'online', PATIENCE_MS);
  });
});

describe('platform.profile national: nothing but ratings is sent', () => {
  async function start() {
    const sim = await NationalSim.start({ appMark: 'HA-APP', appWord: APP_WORD, dataSource: '165' });
    cleanup.push(() => sim.close());
    const dir = tempDir();
    const platform = [
      '  profile: national',
      `  url: ${sim.url}`,
      '  appMark: HA-APP',
      `  appWord: "${APP_WORD}"`,
      `  publicKey: ${sim.publicKey}`,
      '  dataSource: "165"',
      '  timeoutSeconds: 5',
    ].join('\n');
    const config = await yamlConfig(dir, platform);
    return { sim, dir, config, platform };
  }

  it('health is online from one GET of the address, with no upload at start or after a reload', async () => {
    const { sim, dir, config, platform } = await start();
    const running = await run(config);
    await waitFor(() => running.terminal.health().platform === 'online', 'online from the GET', PATIENCE_MS);
    expect(sim.received.map((r) => r.method)).toEqual(['GET']);

    rate(running, 'SP-N-3', 5);
    await waitFor(() => sim.accepted.size === 1, 'the rating', PATIENCE_MS);
    // What SIGHUP does: the address is asked again, by GET.
    const again = await yamlConfig(dir, platform);
    expect(running.reload({ config: again, catalogue: catalogue() })).toEqual([]);
    await waitFor(
      () => sim.received.length === 3,
      `the GET after the reload (${JSON.stringify(sim.received)})`,
      8_000,
    );
    expect(sim.received.map((r) => r.method)).toEqual(['GET', 'POST', 'GET']);
    expect(sim.emptyUploads()).toEqual([]);
    expect(running.terminal.health().platform).toBe('online');
  });

  it('health is offline while the address does not answer at all', async () => {
    const { sim, config } = await start();
    await sim.down();
    const running = await run(config);
    await waitFor(() => running.forwarding.status().lastError !== null, 'the first try to fail', PATIENCE_MS);
    expect(running.terminal.health().platform).toBe('offline');
    await sim.up();
    await waitFor(
      () => running.terminal.health().platform === 'online',
      'online once it answers',
      PATIENCE_MS,
    );
    expect(sim.received.map((r) => r.method)).toEqual(['GET']);
  });
});

describe('platform.profile fujian from a YAML file', () => {
  async function start(appCode: string, extra: string[] = []) {
    const sim = await FujianSim.start({ appKey: 'hcp-terminal', appCode: APP_CODE, sysNo: '35' });
    cleanup.push(() => sim.close());
    const dir = tempDir();
    const platform = (code: string) =>
      [
        '  profile: fujian',
        `  url: ${sim.url}`,
        '  appKey: hcp-terminal',
        `  appCode: "${code}"`,
        '  sysNo: "35"',
        '  timeoutSeconds: 5',
        ...extra,
      ].join('\n');
    const config = await yamlConfig(dir, platform(appCode));
    return { sim, dir, config, platform };
  }

  it('delivers a rating the gateway decrypts (SM4, GB2312) through the built-in template', async () => {
    const { sim, config } = await start(APP_CODE);
    expect(config.prompt.invite.enabled).toBe(false);
    const running = await run(config);
    rate(running, 'SP-F-1', 5);
    await waitFor(() => sim.accepted.size === 1, 'the rating at the Fujian simulator', PATIENCE_MS);
    expect(sim.accepted.get(FujianSim.key('SP-F-1', 'D-MKT'))).toMatchObject({
      sysNO: '35',
      projectNo: 'SP-F-1',
      businessCode: 'S-1',
      businessName: '个体工商户登记',
      deptName: '县市场监管局',
      regionCode: '350521',
      handleUserName: clerk.name,
      handleUserNo: clerk.id,
      evaluateLevel: '5',
      pf: '4',
      customFields: 'HA-0001,12',
    });
    // GB2312 as declared, GBK bytes inside.
    expect((sim.documents[0] as Buffer).toString('latin1')).toMatch(
      /^<\?xml version="1.0" encoding="GB2312"\?>/,
    );
    await waitFor(() => running.forwarding.status().pending === 0, 'an empty queue', PATIENCE_MS);
    expect(running.terminal.health().queue?.pending).toBe(0);
  });

  it('sends through a template file named relative to the YAML file', async () => {
    const { sim, dir } = await start(APP_CODE);
    writeFileSync(
      join(dir, 'case.xml'),
      '<Case><sysNO>{{sysNo}}</sysNO><projectNo>{{transactionId}}</projectNo><businessCode>{{taskCode}}</businessCode><businessName>{{taskName}}</businessName><proStatus>{{proStatus}}</proStatus><serviceTime>{{serviceTime}}</serviceTime><deptCode>{{deptCode}}</deptCode><deptName>{{deptName}}</deptName><evaluateType>1</evaluateType><pf>{{channel}}</pf><evaluateLevel>{{satisfaction}}</evaluateLevel><evaluateTime>{{assessTime}}</evaluateTime><appraisald>{{evalDetail}}</appraisald><writingevalua>{{writingEvaluation}}</writingevalua><hall>窗口{{windowNo}}</hall></Case>',
    );
    const config = await yamlConfig(
      dir,
      [
        '  profile: fujian',
        `  url: ${sim.url}`,
        '  appKey: hcp-terminal',
        `  appCode: "${APP_CODE}"`,
        '  sysNo: "35"',
        '  template: case.xml',
      ].join('\n'),
    );
    const running = await run(config);
    rate(running, 'SP-F-3', 4);
    await waitFor(() => sim.accepted.size === 1, 'the rating at the Fujian simulator', PATIENCE_MS);
    expect(sim.accepted.get(FujianSim.key('SP-F-3', 'D-MKT'))).toMatchObject({
      projectNo: 'SP-F-3',
      evaluateLevel: '4',
      hall: '窗口12',
    });
  });

  it('pauses on a wrong appCode, and a reload with the right one delivers what waited', async () => {
    const { sim, dir, config, platform } = await start('not-the-code');
    const running = await run(config);
    rate(running, 'SP-F-2', 4);
    await waitFor(() => running.forwarding.status().state === 'auth_failed', 'auth_failed', PATIENCE_MS);
    expect(sim.accepted.size).toBe(0);
    expect(running.forwarding.status()).toMatchObject({ pending: 1, rejected: 0 });

    const fixed = await yamlConfig(dir, platform(APP_CODE));
    expect(running.reload({ config: fixed, catalogue: catalogue() })).toEqual([]);
    await waitFor(() => sim.accepted.size === 1, 'the rating after the reload', PATIENCE_MS);
    expect(sim.accepted.get(FujianSim.key('SP-F-2', 'D-MKT'))).toMatchObject({ evaluateLevel: '4' });
  });
});
