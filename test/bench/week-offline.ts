// A week offline, as a busy counter lives it: ratings enter through the real engine
// (Terminal, counter mode, a clerk signed in) into the real store (SQLite file, WAL,
// synchronous=FULL) during the working hours of each simulated day, while the real
// Forwarder, on its own connection as the terminal wires it, finds the reference
// platform simulator first gone (connection refused), then up but answering 503, then
// 503 with Retry-After. Every timer the forwarder sets is recorded on the fake clock.
// After the week the platform answers again and the backlog drains.
//
// The fake clock is moved from one due timer to the next, and each forwarder cycle's
// real I/O (loopback HTTP, SQLite) is awaited before time moves on, so the forwarder
// tries as often as it would in a real week (about one try every 2.5 to 5 minutes).
//
// Shared by the short test (test/integration/sync/week-offline.test.ts) and the soak
// figures (below).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Terminal } from '../../src/engine/terminal.js';
import type { ReferencePlatform } from '../../src/profiles/reference.js';
import { adapterOf } from '../../src/profiles/registry.js';
import { RatingStore } from '../../src/store/store.js';
import { OFFLINE_CAP_MS } from '../../src/sync/backoff.js';
import { Forwarder } from '../../src/sync/forwarder.js';
import { clerk, coreConfig, request } from '../helpers/core-fixture.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { PlatformSim } from '../sim/platform-sim.js';
import type { Figure } from './format.js';
import { benchRecords } from './platforms-build.js';
import { referenceBare } from './platforms-drain.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Monday 2026-11-30 00:00 in UTC+8. */
const WEEK_START = Date.UTC(2026, 10, 29, 16, 0, 0);
const OPENS = 9 * HOUR;
const WORKING = 8 * HOUR;

export interface WeekOptions {
  ratings: number;
  days: number;
  /** A folder for the store; made (and removed) when absent. */
  dir?: string;
  /** Memory samples taken over the week (0: none). */
  memorySamples?: number;
}

export interface WeekResult {
  /** Record ids in the order they became final (the queue's order). */
  made: string[];
  /** Record ids in the order the platform accepted them. */
  accepted: string[];
  acceptedTwice: string[];
  /** Every back-off the forwarder set during the outage, ms. */
  backoffs: number[];
  /** Back-offs set by the kind of outage in force when they were set. */
  backoffsBy: Record<'refused' | '503' | '503 Retry-After', number>;
  /** Requests that reached the simulator while it answered 503. */
  refusedRequests: number;
  pendingBeforeDrain: number;
  /** Real seconds from the first try after the platform came back to the empty queue. */
  drainSeconds: number;
  /** Fake ms from the platform coming back to the first try. */
  firstTryAfterMs: number;
  /** What the store says after the drain. */
  after: { pending: number; rejected: number; delivered: number };
  memory: { rss: number; heapUsed: number }[];
}

/** A full garbage collection, without starting node with --expose-gc. */
function collect(): void {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
}

/** A small deterministic jitter source, so a run's retries can be replayed. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

export async function runWeek(options: WeekOptions): Promise<WeekResult> {
  const own = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'hcp-week-'));
  const files = { path: join(dir, 'terminal.db'), keyFile: join(dir, 'terminal.key') };
  const clock = new FakeClock(WEEK_START);
  const sim = await PlatformSim.start({ appMark: 'HA-APP', secret: 'sim-secret-密钥', maxSkewMs: null });
  await sim.down();
  let outage: keyof WeekResult['backoffsBy'] = 'refused';

  const terminal = new Terminal({
    config: coreConfig({ mode: 'counter', channel: 4 }),
    openStore: () => RatingStore.open(files),
    clock,
  });
  terminal.start();
  terminal.signIn(clerk);
  const fwdStore = RatingStore.attach(files);
  const platform: ReferencePlatform = {
    url: sim.url,
    profile: 'reference',
    appMark: 'HA-APP',
    secret: 'sim-secret-密钥',
    channel: 4,
    timeoutSeconds: 10,
  };
  const backoffs: number[] = [];
  const backoffsBy = { refused: 0, '503': 0, '503 Retry-After': 0 };
  let backingOff = false;
  let fwd: Forwarder | null = null;
  fwd = new Forwarder({
    outbox: fwdStore.outbox(),
    adapter: adapterOf(platform),
    timeoutMs: platform.timeoutSeconds * 1000,
    random: seeded(16),
    // The forwarder's own view of the clock: every timer it sets is seen here. It has
    // set nextAttemptAt just before, so a back-off is told from an idle poll or a wake.
    clock: {
      now: () => clock.now(),
      setTimeout: (fn, ms) => {
        if (backingOff && fwd?.status().nextAttemptAt != null) {
          backoffs.push(ms);
          backoffsBy[outage]++;
        }
        return clock.setTimeout(fn, ms);
      },
      clearTimeout: (h) => clock.clearTimeout(h),
    },
  });
  const forwarder = fwd;
  const unsubscribe = terminal.subscribe({ forward: () => forwarder.wake() });

  /** Moves the fake clock to `target`, timer by timer, letting each forwarder cycle finish. */
  const runUntil = async (target: number, stop: () => boolean = () => false) => {
    for (;;) {
      await forwarder.settled();
      if (stop()) return;
      const next = clock.pending()[0];
      if (next === undefined || clock.now() + next > target) {
        clock.advance(target - clock.now());
        await forwarder.settled();
        return;
      }
      clock.advance(next);
    }
  };

  const made: string[] = [];
  const memory: WeekResult['memory'] = [];
  const perDay = Math.ceil(options.ratings / options.days);
  const sampleEvery = options.memorySamples
    ? Math.max(1, Math.floor(options.ratings / options.memorySamples))
    : 0;
  let drainSeconds = 0;
  /** Requests taken out of the simulator's log. */
  let dropped = 0;
  let firstTryAfterMs = 0;
  let pendingBeforeDrain = 0;
  try {
    backingOff = true;
    forwarder.start();
    for (let day = 0; day < options.days; day++) {
      // Down (refused) for the first three days, then a gateway answering 503 (the last
      // two days with Retry-After).
      if (day === 3 && outage === 'refused') {
        await sim.up();
        outage = '503';
        sim.faults.status = { code: 503, count: Number.MAX_SAFE_INTEGER };
      }
      if (day === 5 && outage === '503') {
        outage = '503 Retry-After';
        sim.faults.status = { code: 503, retryAfter: '120', count: Number.MAX_SAFE_INTEGER };
      }
      const today = Math.min(perDay, options.ratings - made.length);
      for (let k = 0; k < today; k++) {
        await runUntil(WEEK_START + day * DAY + OPENS + Math.floor((k * WORKING) / today));
        const i = made.length;
        const opened = terminal.openPrompt(request({ transactionId: `W-${i}` }));
        if (!opened.ok) throw new Error(`week: prompt ${i} refused: ${opened.message}`);
        // One in ten is a 差评 with its reason, final once the reasons are submitted.
        if (i % 10 === 9) {
          terminal.intent({ type: 'rate', level: 2 });
          terminal.intent({ type: 'toggle_reason', code: '207' });
          terminal.intent({ type: 'submit_reasons' });
        } else {
          terminal.intent({ type: 'rate', level: (3 + (i % 3)) as 3 | 4 | 5 });
        }
        const record = terminal.getPrompt(opened.promptId as string)?.records[0];
        if (!record?.final) throw new Error(`week: rating ${i} is not final`);
        made.push(record.id);
        if (sampleEvery && i % sampleEvery === 0) {
          // The simulator shares this process: its log of the week's refused requests
          // (each naming up to 100 records, megabytes by the end) is not the terminal's.
          dropped += sim.requests.splice(0).length;
          // After a full collection: the live heap, not the garbage of the last minutes.
          collect();
          const m = process.memoryUsage();
          memory.push({ rss: m.rss, heapUsed: m.heapUsed });
        }
      }
    }
    await runUntil(WEEK_START + options.days * DAY);
    const refusedRequests = dropped + sim.requests.length;
    pendingBeforeDrain = fwdStore.outbox().counts().pending;

    // The platform is back.
    sim.faults.status = null;
    const back = clock.now();
    backingOff = false;
    const firstTry = new Promise<number>((resolve) => {
      void sim.nextRequest().then(() => resolve(clock.now()));
    });
    const drained = () => fwdStore.outbox().counts().pending === 0;
    // Timer by timer until the first try: whatever back-off was in force runs out, and
    // that try's cycle sends batch after batch until the queue is empty.
    let t0 = process.hrtime.bigint();
    while (dropped + sim.requests.length === refusedRequests && clock.now() <= back + OFFLINE_CAP_MS) {
      const next = clock.pending()[0] ?? OFFLINE_CAP_MS;
      t0 = process.hrtime.bigint();
      clock.advance(next);
      await forwarder.settled();
    }
    await runUntil(back + DAY, drained);
    drainSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    firstTryAfterMs = (await firstTry) - back;

    const outbox = fwdStore.outbox();
    const counts = outbox.counts();
    return {
      made,
      accepted: sim.answers.filter((a) => a.verdict === 'accepted').map((a) => a.recordId),
      acceptedTwice: sim.acceptedTwice(),
      backoffs,
      backoffsBy,
      refusedRequests,
      pendingBeforeDrain,
      drainSeconds,
      firstTryAfterMs,
      after: { ...counts, delivered: fwdStore.counts().delivered },
      memory,
    };
  } finally {
    unsubscribe();
    await forwarder.stop();
    fwdStore.close();
    terminal.stop();
    await sim.close();
    if (own) rmSync(dir, { recursive: true, force: true });
  }
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/** The soak figures: 3 000 ratings over 7 simulated days offline. */
export async function weekOfflineFigures(): Promise<Figure[]> {
  const w = await runWeek({ ratings: 3_000, days: 7, memorySamples: 200 });
  // The same number of ratings through the bare loop of the drain figures (JSON + HMAC,
  // a loopback POST to a fresh simulator, no store): the drain's own limit.
  const bare = await referenceBare(benchRecords(w.made.length, 'wk'));
  const lost = w.made.filter((id) => !w.accepted.includes(id)).length;
  const outOfOrder = w.accepted.findIndex((id, i) => w.made[i] !== id);
  if (lost > 0 || w.acceptedTwice.length > 0 || outOfOrder >= 0 || w.after.pending > 0) {
    throw new Error(
      `week: ${lost} lost, ${w.acceptedTwice.length} accepted twice, first out of order at ${outOfOrder}, ${w.after.pending} still pending`,
    );
  }
  const q = Math.max(1, Math.floor(w.memory.length / 4));
  const first = w.memory.slice(0, q);
  const last = w.memory.slice(-q);
  const maxBackoff = Math.max(...w.backoffs);
  return [
    {
      name: `week offline: ${w.made.length} ratings over 7 days, 0 lost, oldest first, none twice; backlog drained`,
      value: w.made.length / w.drainSeconds,
      unit: 'ratings/s',
      limit: bare,
      limitUnit: 'ratings/s',
      limitWhat: `bare loop: the same number of RECORDs, JSON + HMAC-SHA256, loopback POST, no store (took ${w.drainSeconds.toFixed(2)} s, first try ${Math.round(w.firstTryAfterMs / 1000)} s after the platform came back)`,
      better: 'higher',
    },
    {
      name: `week offline: longest back-off of ${w.backoffs.length} (refused ${w.backoffsBy.refused}, 503 ${w.backoffsBy['503']}, 503 Retry-After ${w.backoffsBy['503 Retry-After']})`,
      value: maxBackoff / 1000,
      unit: 's',
      limit: OFFLINE_CAP_MS / 1000,
      limitUnit: 's',
      limitWhat: 'the back-off cap (contract: 5 minutes)',
      better: 'lower',
    },
    {
      name: 'week offline: RSS, last quarter of the week (mean)',
      value: mean(last.map((m) => m.rss)) / 2 ** 20,
      unit: 'MiB',
      limit: mean(first.map((m) => m.rss)) / 2 ** 20,
      limitUnit: 'MiB',
      limitWhat: 'the first quarter (flat: ratio ≥ 0.9)',
      better: 'lower',
    },
    {
      name: 'week offline: JS heap live after a full GC, last quarter of the week (mean)',
      value: mean(last.map((m) => m.heapUsed)) / 2 ** 20,
      unit: 'MiB',
      limit: mean(first.map((m) => m.heapUsed)) / 2 ** 20,
      limitUnit: 'MiB',
      limitWhat: 'the first quarter (flat: ratio ≥ 0.9)',
      better: 'lower',
    },
  ];
}
