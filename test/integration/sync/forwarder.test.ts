// The forwarder against the platform simulator over loopback, on real SQLite files.
// Scheduling runs on fake time (ten minutes of outage take a second); the HTTP is real.
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { RatingStore } from '../../../src/store/store.js';
import { createReferenceAdapter } from '../../../src/sync/adapters/reference.js';
import { citizen } from '../../helpers/records.js';
import { PlatformSim } from '../../sim/platform-sim.js';
import { APP_MARK, forwarderRig, SECRET, type StoreFiles, seed } from './helpers.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function startSim(): Promise<PlatformSim> {
  const sim = await PlatformSim.start({ appMark: APP_MARK, secret: SECRET });
  cleanup.push(() => sim.close());
  return sim;
}

function rig(sim: PlatformSim, options: { files?: StoreFiles; timeoutMs?: number } = {}) {
  const adapter = createReferenceAdapter({ url: sim.url, appMark: APP_MARK, secret: SECRET });
  return forwarderRig(adapter, cleanup, { ...options, random: Math.random });
}

function rows(files: StoreFiles) {
  const db = new Database(files.path, { readonly: true });
  try {
    return db
      .prepare('SELECT id, state, personal_sealed, reject_code, reject_message FROM records ORDER BY seq')
      .all() as {
      id: string;
      state: string;
      personal_sealed: Buffer | null;
      reject_code: string | null;
      reject_message: string | null;
    }[];
  } finally {
    db.close();
  }
}

function pending(store: RatingStore) {
  return store.outbox().counts().pending;
}

describe('forwarding to the platform simulator', () => {
  it('down 10 minutes, then up: every record delivered, none accepted twice', async () => {
    const sim = await startSim();
    await sim.down();
    const t = rig(sim);
    const first = seed(t.store, 40, { prefix: 'a' });
    t.fwd.start();
    await t.advance(5 * 60_000);
    // Ratings keep coming during the outage.
    const more = seed(t.store, 150, { prefix: 'b' });
    t.fwd.wake();
    await t.advance(5 * 60_000);
    expect(t.fwd.status()).toMatchObject({ state: 'offline', pending: 190 });
    expect(t.fwd.status().lastError).toMatch(/ECONNREFUSED/);
    expect(t.fwd.status().nextAttemptAt).not.toBeNull();

    await sim.up();
    // The back-off never exceeds five minutes.
    expect(await t.until(() => pending(t.store) === 0, 5 * 60_000 + 2_000)).toBe(true);
    expect([...sim.accepted.keys()]).toEqual([...first, ...more].map((r) => r.id));
    expect(sim.acceptedTwice()).toEqual([]);
    expect(t.fwd.status()).toMatchObject({ state: 'online', pending: 0, lastError: null });
    expect(rows(t.files).every((r) => r.state === 'delivered')).toBe(true);
  });

  it('flapping every few requests, answers lost after acceptance: all delivered, none accepted twice', async () => {
    const sim = await startSim();
    sim.faults.failEvery = 3;
    sim.faults.resetEvery = 5;
    sim.faults.loseAnswerEvery = 4;
    const t = rig(sim);
    t.fwd.start();
    const all: string[] = [];
    for (let burst = 0; burst < 30; burst++) {
      all.push(...seed(t.store, 7, { prefix: `f${burst}` }).map((r) => r.id));
      t.fwd.wake();
      if (burst % 6 === 2) await sim.down();
      if (burst % 6 === 4) await sim.up();
      await t.advance(3_000, 250);
    }
    await sim.up();
    expect(await t.until(() => pending(t.store) === 0, 20 * 60_000)).toBe(true);
    expect(sim.accepted.size).toBe(all.length);
    expect(new Set(sim.accepted.keys())).toEqual(new Set(all));
    expect(sim.acceptedTwice()).toEqual([]);
    // Lost answers made the terminal send again, and the platform said duplicate.
    expect(sim.answers.some((a) => a.verdict === 'duplicate')).toBe(true);
    expect(rows(t.files).every((r) => r.state === 'delivered')).toBe(true);
  });

  it('a poison record in a batch of 100: 99 delivered, 1 set aside with its reason', async () => {
    const sim = await startSim();
    sim.faults.refuseIds.add('r-0057');
    sim.faults.refuseStatus = 422;
    const t = rig(sim);
    seed(t.store, 100);
    t.fwd.start();
    await t.advance(1_000);
    const all = rows(t.files);
    expect(all.filter((r) => r.state === 'delivered')).toHaveLength(99);
    // The platform's words are sealed at rest, and read back for diagnostics.
    expect(all.find((r) => r.id === 'r-0057')).toMatchObject({
      state: 'rejected',
      reject_code: 'http_422',
      reject_message: null,
    });
    expect(t.store.outbox().rejected()).toMatchObject([
      { id: 'r-0057', code: 'http_422', message: 'E_BATCH: a record in this batch is refused' },
    ]);
    expect(t.fwd.status()).toMatchObject({ state: 'online', pending: 0, rejected: 1 });
    expect(sim.requests.length).toBeLessThanOrEqual(1 + 1 + 2 * 7);
    expect(sim.acceptedTwice()).toEqual([]);
  });

  it('a 差评 without reasons is rejected by the platform: kept with its code, not retried', async () => {
    const sim = await startSim();
    const t = rig(sim);
    seed(t.store, 3, { overrides: (i) => (i === 1 ? { level: 1, reasons: [], comment: '' } : {}) });
    t.fwd.start();
    await t.advance(60_000);
    expect(rows(t.files).map((r) => [r.id, r.state, r.reject_code])).toEqual([
      ['r-0000', 'delivered', null],
      ['r-0001', 'rejected', 'E_BAD_NO_REASON'],
      ['r-0002', 'delivered', null],
    ]);
    expect(sim.verdictsOf('r-0001')).toEqual(['rejected']);
    expect(t.store.outbox().rejected()[0]).toMatchObject({
      id: 'r-0001',
      message: '差评 without evalDetail or writingEvaluation',
    });
  });

  it('401: auth_failed and paused, nothing lost; new credentials on reload resume at once', async () => {
    const sim = await startSim();
    sim.setCredentials(APP_MARK, 'rotated-at-the-platform');
    const t = rig(sim);
    seed(t.store, 5);
    t.fwd.start();
    await t.advance(20 * 60_000, 5_000);
    expect(t.fwd.status()).toMatchObject({ state: 'auth_failed', pending: 5 });
    expect(t.fwd.status().lastError).toMatch(/401/);
    // One try, then the long pause (5 minutes, then 10).
    expect(sim.requests.length).toBeLessThanOrEqual(3);
    expect(rows(t.files).every((r) => r.state === 'pending')).toBe(true);

    t.fwd.reload(
      createReferenceAdapter({ url: sim.url, appMark: APP_MARK, secret: 'rotated-at-the-platform' }),
      5_000,
    );
    await t.advance(10, 10);
    expect(pending(t.store)).toBe(0);
    expect(t.fwd.status().state).toBe('online');
    expect(sim.accepted.size).toBe(5);
  });

  it('obeys Retry-After given in seconds and as an HTTP date', async () => {
    const sim = await startSim();
    const t = rig(sim);
    seed(t.store, 1);
    sim.faults.status = { code: 503, retryAfter: '40', count: 1 };
    t.fwd.start();
    await t.advance(10, 10);
    const failedAt = t.clock.now();
    await t.advance(39_000, 500);
    expect(pending(t.store)).toBe(1);
    await t.advance(2_000, 500);
    expect(pending(t.store)).toBe(0);
    expect(t.clock.now() - failedAt).toBeGreaterThanOrEqual(40_000);

    seed(t.store, 1, { prefix: 'd' });
    sim.faults.status = { code: 429, retryAfter: new Date(t.clock.now() + 90_000).toUTCString(), count: 1 };
    t.fwd.wake();
    await t.advance(10, 10);
    expect(t.fwd.status().state).toBe('offline');
    await t.advance(88_000, 1_000);
    expect(pending(t.store)).toBe(1);
    await t.advance(3_000, 500);
    expect(pending(t.store)).toBe(0);
  });

  it('sends personal fields only for consented records, and erases them once accepted', async () => {
    const sim = await startSim();
    const t = rig(sim);
    seed(t.store, 3, { overrides: (i) => ({ citizen: i === 0 ? null : citizen }) });
    // A rejected record keeps its sealed data: it may be re-queued once the cause is fixed.
    sim.faults.rejectIds.set('r-0002', { code: 'E_X', message: 'no' });
    t.fwd.start();
    await t.advance(1_000);
    expect(sim.accepted.get('r-0000')).not.toHaveProperty('userName');
    expect(sim.accepted.get('r-0000')).not.toHaveProperty('certKey');
    expect(sim.accepted.get('r-0001')).toMatchObject({
      userProp: 1,
      userName: citizen.name,
      certKey: citizen.idNumber,
      mobile: citizen.phone,
    });
    const after = rows(t.files);
    expect(after.map((r) => [r.id, r.state, r.personal_sealed === null])).toEqual([
      ['r-0000', 'delivered', true],
      ['r-0001', 'delivered', true],
      ['r-0002', 'rejected', false],
    ]);
  });

  it('a request that outlasts platform.timeoutSeconds counts as offline and is retried', async () => {
    const sim = await startSim();
    sim.faults.delayMs = 1_500;
    const t = rig(sim, { timeoutMs: 300 });
    seed(t.store, 2);
    t.fwd.start();
    await t.advance(10, 10);
    expect(t.fwd.status()).toMatchObject({ state: 'offline', pending: 2 });
    expect(t.fwd.status().lastError).toMatch(/no answer within 0.3 s/);
    sim.faults.delayMs = 0;
    await t.advance(2_000, 100);
    expect(pending(t.store)).toBe(0);
    // The platform took them in the first time; the retry was answered duplicate.
    expect(sim.verdictsOf('r-0000')).toEqual(['accepted', 'duplicate']);
    expect(sim.acceptedTwice()).toEqual([]);
  });
});
