// When the owner compacts its store (src/engine/compaction-schedule.ts): only when
// personal data was erased since the last compaction (by the forwarder's own attached
// connection, or by the owner ending a prompt), only while no prompt or thank-you is on
// screen, at most once every COMPACT_EVERY_MS, and at start before serving when erasures
// are pending. A compaction that fails (the forwarder holding the lock) is logged once,
// does not stop the terminal, and is tried again later. Real store files; the engine's
// clock moved by hand; the log lines say when a compaction ran.
import { rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import {
  COMPACT_CHECK_MS,
  COMPACT_EVERY_MS,
  COMPACT_RETRY_MS,
} from '../../../src/engine/compaction-schedule.js';
import { jsonLinesLogger } from '../../../src/engine/log.js';
import { Terminal } from '../../../src/engine/terminal.js';
import { RatingStore } from '../../../src/store/store.js';
import { clerk, coreConfig, request } from '../../helpers/core-fixture.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { citizen } from '../../helpers/records.js';
import { fillDisk, mountSmallDisk, type SmallDisk } from '../../helpers/tmpfs.js';
import { type StoreFiles, seed, storeFiles } from '../sync/helpers.js';

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanup.splice(0).reverse()) c();
});

function open(files: StoreFiles): RatingStore {
  const s = RatingStore.open({ path: files.path, keyFile: files.keyFile });
  cleanup.push(() => s.close());
  return s;
}

function attach(files: StoreFiles): RatingStore {
  const s = RatingStore.attach({ path: files.path, keyFile: files.keyFile });
  cleanup.push(() => s.close());
  return s;
}

/** Records carrying a citizen's sealed data, written before the terminal runs. */
function seeded(prefix: string, files: StoreFiles): { promptId: string; id: string }[] {
  const owner = open(files);
  const records = seed(owner, 3, { prefix, overrides: () => ({ citizen }) });
  owner.close();
  return records.map((r) => ({ promptId: r.promptId, id: r.id }));
}

function rig(files: StoreFiles, options: { promptTimeoutMs?: number } = {}) {
  const clock = new FakeClock();
  const lines: Record<string, unknown>[] = [];
  const t = new Terminal({
    config: coreConfig({ promptTimeoutMs: options.promptTimeoutMs ?? 60_000 }),
    openStore: () => RatingStore.open({ path: files.path, keyFile: files.keyFile }),
    clock,
    log: jsonLinesLogger((l) => lines.push(JSON.parse(l))),
  });
  cleanup.push(() => t.stop());
  const compactions = () => lines.filter((l) => l.event === 'store_compacted').length;
  const failures = () => lines.filter((l) => l.event === 'store_compaction_failed');
  return { t, clock, lines, compactions, failures };
}

describe('the owner compacts its store after erasures', () => {
  it('at start, before serving, when the forwarder erased personal data in the last run', () => {
    const files = storeFiles();
    const keys = seeded('a', files);
    const owner = open(files);
    const forwarder = attach(files);
    forwarder.outbox().markDelivered(keys, 1);
    forwarder.close();
    owner.close();

    const r = rig(files);
    r.t.start();
    expect(r.compactions()).toBe(1);
    const check = attach(files);
    expect(check.compactionPending()).toBe(false);
  });

  it('never without erasures, however long the terminal is idle', () => {
    const files = storeFiles();
    seeded('a', files);
    const r = rig(files);
    r.t.start();
    r.clock.advance(3 * COMPACT_EVERY_MS);
    expect(r.compactions()).toBe(0);
    expect(r.clock.pending()).toContain(COMPACT_CHECK_MS - ((3 * COMPACT_EVERY_MS) % COMPACT_CHECK_MS));
  });

  it('not while a prompt is open, not more often than the interval, and once idle again', () => {
    const files = storeFiles();
    const keys = seeded('a', files);
    const r = rig(files, { promptTimeoutMs: 2 * COMPACT_EVERY_MS });
    r.t.start();
    expect(r.compactions()).toBe(0);
    const forwarder = attach(files);
    r.t.signIn(clerk);

    // A prompt stays open past the interval while the forwarder erases: no compaction.
    expect(r.t.openPrompt(request({ citizen })).ok).toBe(true);
    forwarder.outbox().markDelivered(keys, r.clock.now());
    r.clock.advance(COMPACT_EVERY_MS + COMPACT_CHECK_MS);
    expect(r.compactions()).toBe(0);

    // Rated: the thank-you is on screen (no compaction), then the terminal is idle.
    r.t.intent({ type: 'rate', level: 5 });
    expect(r.compactions()).toBe(0);
    r.clock.advance(COMPACT_CHECK_MS);
    expect(r.compactions()).toBe(1);
    expect(forwarder.compactionPending()).toBe(false);

    // The prompt's own sealed citizen was erased when it ended, by the owner: that counts
    // too, but the next compaction waits for the interval.
    r.t.openPrompt(request({ transactionId: 'TX-2', citizen }));
    r.t.intent({ type: 'rate', level: 5 });
    r.clock.advance(COMPACT_CHECK_MS);
    expect(forwarder.compactionPending()).toBe(true);
    r.clock.advance(COMPACT_EVERY_MS - 3 * COMPACT_CHECK_MS);
    expect(r.compactions()).toBe(1);
    r.clock.advance(3 * COMPACT_CHECK_MS);
    expect(r.compactions()).toBe(2);
    expect(forwarder.compactionPending()).toBe(false);
  });

  it('a compaction the forwarder keeps from running is logged once, never stops the terminal, and is tried again', () => {
    const files = storeFiles();
    const keys = seeded('a', files);
    const r = rig(files);
    r.t.start();
    r.t.signIn(clerk);
    attach(files).outbox().markDelivered(keys, 1);

    // Another connection holds the write lock past busy_timeout: SQLITE_BUSY, twice.
    const holder = new Database(files.path);
    cleanup.push(() => holder.close());
    holder.exec('BEGIN IMMEDIATE');
    r.clock.advance(COMPACT_EVERY_MS);
    expect(r.failures()).toHaveLength(1);
    expect(String(r.failures()[0]?.message)).toMatch(/the forwarder held the database/);
    r.clock.advance(COMPACT_RETRY_MS);
    expect(r.failures()).toHaveLength(1);
    expect(r.compactions()).toBe(0);
    // The terminal still serves.
    holder.exec('COMMIT');
    expect(r.t.openPrompt(request({ transactionId: 'TX-3' })).ok).toBe(true);
    r.t.intent({ type: 'rate', level: 5 });
    expect(r.t.health().store).toBe('ok');

    r.clock.advance(COMPACT_RETRY_MS);
    expect(r.compactions()).toBe(1);
    expect(r.lines.some((l) => l.event === 'store_compaction_recovered')).toBe(true);
  });

  it('a full disk fails it with nothing changed, logged once; it runs once there is room', () => {
    const small: SmallDisk = mountSmallDisk(2048);
    cleanup.push(() => small.unmount());
    const files = storeFiles(small.dir);
    const keys = seeded('a', files);
    const r = rig(files);
    r.t.start();
    attach(files).outbox().markDelivered(keys, 1);

    const filler = fillDisk(small.dir);
    r.clock.advance(COMPACT_EVERY_MS);
    r.clock.advance(COMPACT_RETRY_MS);
    expect(r.failures()).toHaveLength(1);
    expect(String(r.failures()[0]?.message)).toMatch(/the disk is full/);
    expect(r.compactions()).toBe(0);
    expect(r.t.health().store).toBe('ok');

    rmSync(filler);
    r.clock.advance(COMPACT_RETRY_MS);
    expect(r.compactions()).toBe(1);
    expect(attach(files).compactionPending()).toBe(false);
  });
});
