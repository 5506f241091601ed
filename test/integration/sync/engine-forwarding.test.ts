// The whole path in real time: a citizen's rating in the Terminal, the forwarding
// wired to it on its own connection, the simulator over loopback.
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/base/logger.js';
import { type Forwarding, startForwarding } from '../../../src/engine/forwarding.js';
import { Terminal } from '../../../src/engine/terminal.js';
import type { ReferencePlatform } from '../../../src/profiles/reference.js';
import type { PlatformSection } from '../../../src/profiles/registry.js';
import { adapterOf } from '../../../src/profiles/registry.js';
import { checkCredentials as checkWith } from '../../../src/sync/check-credentials.js';
import { coreConfig, request } from '../../helpers/core-fixture.js';
import { citizen } from '../../helpers/records.js';
import { PlatformSim } from '../../sim/platform-sim.js';
import { APP_MARK, openStore, SECRET, type StoreFiles, storeFiles } from './helpers.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function startSim(options: { prefix?: string } = {}): Promise<PlatformSim> {
  const sim = await PlatformSim.start({ appMark: APP_MARK, secret: SECRET, maxSkewMs: 300_000, ...options });
  cleanup.push(() => sim.close());
  return sim;
}

/** doctor's probe of a resolved section, as src/doctor/platform-check.ts runs it. */
function checkCredentials(p: ReferencePlatform) {
  return checkWith(adapterOf(p), p.timeoutSeconds * 1000);
}

function platformFor(sim: PlatformSim, overrides: Partial<ReferencePlatform> = {}): ReferencePlatform {
  return {
    url: sim.url,
    profile: 'reference',
    appMark: APP_MARK,
    secret: SECRET,
    channel: 5,
    timeoutSeconds: 5,
    ...overrides,
  };
}

function kiosk(files: StoreFiles): Terminal {
  const t = new Terminal({
    config: coreConfig({ mode: 'kiosk', channel: 5 }),
    openStore: () => openStore(files),
  });
  t.start();
  cleanup.push(() => t.stop());
  return t;
}

function forward(files: StoreFiles, terminal: Terminal, platform: PlatformSection | null): Forwarding {
  const f = startForwarding(
    { platform, store: { path: files.path, keyFile: files.keyFile, retentionDays: 90 } },
    terminal,
    silentLogger,
  );
  cleanup.push(() => f.stop());
  return f;
}

async function waitFor(done: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!done() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  return done();
}

function stateOf(files: StoreFiles, id: string) {
  const db = new Database(files.path, { readonly: true });
  try {
    return db.prepare('SELECT state, personal_sealed FROM records WHERE id = ?').get(id) as {
      state: string;
      personal_sealed: Buffer | null;
    };
  } finally {
    db.close();
  }
}

describe('forwarding wired to a Terminal', () => {
  it('a record that becomes final while idle and reachable is at the platform within 2 s', async () => {
    const sim = await startSim();
    const files = storeFiles();
    const terminal = kiosk(files);
    const fwd = forward(files, terminal, platformFor(sim));
    expect(await waitFor(() => fwd.status().state === 'online', 5_000)).toBe(true);
    expect(terminal.health().platform).toBe('online');

    for (const [n, level] of [
      [1, 5],
      [2, 3],
    ] as const) {
      const opened = terminal.openPrompt(request({ transactionId: `TX-${n}` }));
      expect(opened.ok).toBe(true);
      const started = Date.now();
      terminal.intent({ type: 'rate', level });
      const id = terminal.getPrompt(opened.promptId as string)?.records[0]?.id as string;
      expect(await waitFor(() => sim.accepted.has(id), 2_000)).toBe(true);
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(sim.accepted.get(id)).toMatchObject({
        projectNo: `TX-${n}`,
        satisfaction: level,
        pf: 5,
        proManager: '',
      });
      expect(await waitFor(() => stateOf(files, id).state === 'delivered', 2_000)).toBe(true);
      // Idle between ratings: the next one finds an empty queue again.
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(await waitFor(() => terminal.health().queue?.pending === 0, 2_000)).toBe(true);
    expect(terminal.health().platform).toBe('online');
  });

  it('a consented real-name 差评 is sent with the citizen, then the sealed data is erased', async () => {
    const sim = await startSim();
    const files = storeFiles();
    const terminal = kiosk(files);
    const fwd = forward(files, terminal, platformFor(sim));
    expect(await waitFor(() => fwd.status().state === 'online', 5_000)).toBe(true);

    const withConsent = terminal.openPrompt(request({ transactionId: 'TX-real', citizen }));
    terminal.intent({ type: 'real_name', on: true });
    terminal.intent({ type: 'rate', level: 2 });
    terminal.intent({ type: 'toggle_reason', code: '207' });
    terminal.intent({ type: 'submit_reasons' });
    const realId = terminal.getPrompt(withConsent.promptId as string)?.records[0]?.id as string;
    // The same citizen data given, consent not given: nothing personal leaves.
    const without = terminal.openPrompt(request({ transactionId: 'TX-anon', citizen }), { replace: true });
    terminal.intent({ type: 'rate', level: 4 });
    const anonId = terminal.getPrompt(without.promptId as string)?.records[0]?.id as string;

    expect(await waitFor(() => sim.accepted.has(realId) && sim.accepted.has(anonId), 3_000)).toBe(true);
    expect(sim.accepted.get(realId)).toMatchObject({
      satisfaction: 2,
      evalDetail: '207',
      userProp: 1,
      userName: citizen.name,
      certKey: citizen.idNumber,
      mobile: citizen.phone,
    });
    for (const key of ['userProp', 'userName', 'certKey', 'mobile']) {
      expect(sim.accepted.get(anonId)).not.toHaveProperty(key);
    }
    expect(await waitFor(() => stateOf(files, realId).state === 'delivered', 2_000)).toBe(true);
    expect(stateOf(files, realId).personal_sealed).toBeNull();
  });

  it('without a platform: state unconfigured, counts still shown, nothing sent', async () => {
    const files = storeFiles();
    const terminal = kiosk(files);
    const fwd = forward(files, terminal, null);
    terminal.openPrompt(request());
    terminal.intent({ type: 'rate', level: 5 });
    expect(fwd.status()).toMatchObject({ state: 'unconfigured', pending: 1 });
    expect(terminal.health().platform).toBe('unconfigured');
  });

  it('reload: a platform configured later starts forwarding; new credentials end auth_failed at once', async () => {
    const sim = await startSim();
    const files = storeFiles();
    const terminal = kiosk(files);
    const fwd = forward(files, terminal, null);
    terminal.openPrompt(request());
    terminal.intent({ type: 'rate', level: 5 });
    fwd.reload(platformFor(sim, { secret: 'wrong' }));
    expect(await waitFor(() => fwd.status().state === 'auth_failed', 3_000)).toBe(true);
    expect(terminal.health().platform).toBe('auth_failed');
    expect(sim.accepted.size).toBe(0);
    fwd.reload(platformFor(sim));
    expect(await waitFor(() => sim.accepted.size === 1 && fwd.status().pending === 0, 2_000)).toBe(true);
    expect(terminal.health().platform).toBe('online');
  });
});

describe('checkCredentials (doctor)', () => {
  it('ok, with the platform’s Date for the clock check', async () => {
    const sim = await startSim();
    const check = await checkCredentials(platformFor(sim));
    expect(check.result).toBe('ok');
    expect(Math.abs((check.serverDate as number) - Date.now())).toBeLessThan(5_000);
    expect(sim.requests.at(-1)).toMatchObject({ recordIds: [], status: 200 });
  });

  it('auth_failed on a wrong secret or app mark', async () => {
    const sim = await startSim();
    expect((await checkCredentials(platformFor(sim, { secret: 'nope' }))).result).toBe('auth_failed');
    const wrongMark = await checkCredentials(platformFor(sim, { appMark: 'OTHER' }));
    expect(wrongMark.result).toBe('auth_failed');
    expect(wrongMark.detail).not.toContain(SECRET);
  });

  it('misconfigured on a wrong address; unreachable when down', async () => {
    const sim = await startSim();
    const wrongPath = await checkCredentials(platformFor(sim, { url: sim.url.replace('/api', '/v2') }));
    expect(wrongPath.result).toBe('misconfigured');
    expect(wrongPath.detail).toMatch(/404/);
    await sim.down();
    const down = await checkCredentials(platformFor(sim));
    expect(down).toMatchObject({ result: 'unreachable', serverDate: null });
    expect(down.detail).toMatch(/ECONNREFUSED/);
  });
});
