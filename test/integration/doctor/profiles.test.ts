// doctor's platform line for the national and fujian profiles, run as the installed
// command against their simulators: national is `warn` once the address answers one
// GET and the key is a curve point (no upload: nothing but ratings goes to that
// interface), FAIL when unreachable or the key is off the curve; fujian is `ok` when a token is obtained, FAIL naming what the
// gateway refused otherwise.

import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FujianSim } from '../../sim/fujian-sim.js';
import { NationalSim } from '../../sim/national-sim.js';
import { doctor, lineOf, onCleanup, parts, type Rig, startRig } from './rig.js';

const ORDER = ['config', 'store', 'keypad', 'platform', 'clock', 'fleet', 'logs', 'sounds'];
const APP_WORD = 'app-word-应用密钥-4c1f';
const APP_CODE = 'app-code-秘-9e0b';

/** The rig's configuration with `platform` replaced as a whole. */
function withPlatform(rig: Rig, platform: Record<string, unknown>): string {
  writeFileSync(rig.configFile, JSON.stringify({ ...rig.config, platform }, null, 2));
  return rig.configFile;
}

async function nationalSim(): Promise<NationalSim> {
  const sim = await NationalSim.start({ appMark: 'HA-APP', appWord: APP_WORD, dataSource: '165' });
  onCleanup(() => sim.close());
  return sim;
}

function national(sim: NationalSim, over: Record<string, unknown> = {}) {
  return {
    profile: 'national',
    url: sim.url,
    appMark: 'HA-APP',
    appWord: APP_WORD,
    publicKey: sim.publicKey,
    dataSource: '165',
    timeoutSeconds: 3,
    ...over,
  };
}

async function fujianSim(): Promise<FujianSim> {
  const sim = await FujianSim.start({ appKey: 'hcp-terminal', appCode: APP_CODE, sysNo: '35' });
  onCleanup(() => sim.close());
  return sim;
}

function fujian(sim: FujianSim, over: Record<string, unknown> = {}) {
  return {
    profile: 'fujian',
    url: sim.url,
    appKey: 'hcp-terminal',
    appCode: APP_CODE,
    sysNo: '35',
    timeoutSeconds: 3,
    ...over,
  };
}

function expectNoSecret(lines: string[]): void {
  for (const secret of [APP_WORD, APP_CODE, 'not-the-word', 'not-the-code'])
    expect(lines.join('\n')).not.toContain(secret);
}

describe('doctor on the national profile', () => {
  it('warns that credentials wait for the first rating when the address answers and the key is good', async () => {
    const sim = await nationalSim();
    const rig = await startRig();
    const r = await doctor(withPlatform(rig, national(sim)));
    expect(r.code, r.lines.join('\n')).toBe(0);
    expect(parts(r.lines)).toEqual(ORDER);
    // The simulator answers a GET with 405: any HTTP answer means the address answers.
    expect(lineOf(r.lines, 'platform')).toBe(
      `warn platform: ${sim.url} answers (HTTP 405) and platform.publicKey is a point on the SM2 curve; credentials are checked by the first rating`,
    );
    // The clock is compared with the Date of that answer.
    expect(lineOf(r.lines, 'clock')).toMatch(/^ok {3}clock: /);
    expect(sim.received.map((q) => [q.method, q.bytes])).toEqual([['GET', 0]]);
    expect(sim.emptyUploads()).toEqual([]);
    expect(r.stderr).toBe('');
  });

  it('sends no upload at all, so a wrong appWord is left to the first rating: still warn', async () => {
    const sim = await nationalSim();
    const rig = await startRig();
    const r = await doctor(withPlatform(rig, national(sim, { appWord: 'not-the-word' })));
    expect(r.code, r.lines.join('\n')).toBe(0);
    expect(lineOf(r.lines, 'platform')).toMatch(
      /^warn platform: .*; credentials are checked by the first rating$/,
    );
    expect(sim.received.map((q) => q.method)).toEqual(['GET']);
    expectNoSecret(r.lines);
  });

  it('fails an address that does not answer', async () => {
    const sim = await nationalSim();
    await sim.down();
    const rig = await startRig();
    const r = await doctor(withPlatform(rig, national(sim)));
    expect(r.code).toBe(1);
    expect(lineOf(r.lines, 'platform')).toMatch(
      new RegExp(`^FAIL platform: cannot reach ${sim.url} \\(.*connection refused.*\\) — check the network`),
    );
  });

  it('fails a public key that is not on the curve, naming platform.publicKey', async () => {
    const sim = await nationalSim();
    const rig = await startRig();
    const r = await doctor(withPlatform(rig, national(sim, { publicKey: `04${'2'.repeat(128)}` })));
    expect(r.code).toBe(2);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatch(/^FAIL config: .*platform\.publicKey: .*not a point on the SM2 curve/);
    expect(sim.received).toEqual([]);
  });
});

describe('doctor on the fujian profile', () => {
  it('is ok when the gateway gives a token', async () => {
    const sim = await fujianSim();
    const rig = await startRig();
    const r = await doctor(withPlatform(rig, fujian(sim)));
    expect(r.code, r.lines.join('\n')).toBe(0);
    expect(parts(r.lines)).toEqual(ORDER);
    expect(lineOf(r.lines, 'platform')).toBe(
      `ok   platform: ${sim.url}: the gateway gave a token (HTTP 200)`,
    );
    expect(lineOf(r.lines, 'clock')).toMatch(/^ok {3}clock: /);
    expect(sim.tokenRequests.map((t) => t.ok)).toEqual([true]);
  });

  it("fails naming what the gateway refused: a wrong appCode's sign", async () => {
    const sim = await fujianSim();
    const rig = await startRig();
    const r = await doctor(withPlatform(rig, fujian(sim, { appCode: 'not-the-code' })));
    expect(r.code).toBe(1);
    const line = lineOf(r.lines, 'platform');
    expect(line).toMatch(
      /^FAIL platform: .* refused the credentials \(the gateway gave no token: .*sign校验失败.*\) — check platform\.appKey, platform\.appCode/,
    );
    expectNoSecret(r.lines);
  });

  it('fails naming the gateway message when it gives no token', async () => {
    const sim = await fujianSim();
    sim.faults.noToken = true;
    const rig = await startRig();
    const r = await doctor(withPlatform(rig, fujian(sim)));
    expect(r.code).toBe(1);
    expect(lineOf(r.lines, 'platform')).toContain('应用已停用');
  });

  it('fails a wrong token path as an address problem, and an unreachable gateway as such', async () => {
    const sim = await fujianSim();
    const rig = await startRig();
    const wrongPath = await doctor(withPlatform(rig, fujian(sim, { tokenPath: '/no-such-token' })));
    expect(wrongPath.code).toBe(1);
    expect(lineOf(wrongPath.lines, 'platform')).toMatch(
      /^FAIL platform: .* answered, but not as a fujian gateway \(.*404.*\) — check platform\.url .*platform\.tokenPath/,
    );
    await sim.down();
    const down = await doctor(rig.configFile);
    expect(down.code).toBe(1);
    expect(lineOf(down.lines, 'platform')).toMatch(/^FAIL platform: cannot reach /);
  });
});
