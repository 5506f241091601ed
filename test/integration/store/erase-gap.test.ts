// Found by the durability soak: the erase after delivery relied on secure_delete, which
// zeroes a deleted cell and a freed page but not the unused middle of a page (between
// its cell pointers and its cell content). A leaf rebuilt by a split keeps old bytes
// there, copies of cells among them, and erasing the record later does not reach them.
// The owner's compaction (VACUUM + truncating checkpoint, src/store/compaction.ts)
// rebuilds every page. Here: records inserted in random prompt order (as uuids come),
// every citizen's sealed data erased by the forwarder's own connection and code
// (Outbox.markDelivered), then the owner compacts, and no sealed blob is left in the
// database file or its WAL. The same workload without the compaction leaves blobs
// behind, so the check is known to be able to fail. Seeded: the same pages every run.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/store/open.js';
import { RatingStore } from '../../../src/store/store.js';
import { type StoreFiles, storeFiles } from '../sync/helpers.js';

const SEED = 2;
const N = 3_000;
const BATCH = 50;

/** mulberry32: the same ids and bytes, so the same page splits, every run. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Seeded {
  files: StoreFiles;
  sealed: Buffer[];
  keys: { promptId: string; id: string }[];
}

/** The workload, written on the database before the terminal's own connections open it. */
function seedStore(): Seeded {
  const files = storeFiles();
  const { db } = openDatabase(files.path);
  // Only the records table matters here: no prompt rows behind them.
  db.pragma('foreign_keys = OFF');
  const random = seeded(SEED);
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256)));
  const insert = db.prepare(
    `INSERT INTO records (prompt_id, id, seq, state, body, personal_sealed, rated_at, final_at)
     VALUES (?, ?, ?, 'pending', ?, ?, 0, 0)`,
  );
  const sealed: Buffer[] = [];
  const keys: { promptId: string; id: string }[] = [];
  for (let i = 0; i < N; i++) {
    const blob = bytes(150);
    sealed.push(blob);
    const promptId = bytes(8).toString('hex');
    keys.push({ promptId, id: `r-${i}` });
    insert.run(promptId, `r-${i}`, i, '{}'.padEnd(300, ' '), blob);
  }
  db.close();
  return { files, sealed, keys };
}

/** Delivered in batches, on the forwarder's attached connection, as the forwarder does. */
function deliverAll(s: Seeded): { owner: RatingStore; forwarder: RatingStore } {
  const owner = RatingStore.open({ path: s.files.path, keyFile: s.files.keyFile });
  const forwarder = RatingStore.attach({ path: s.files.path, keyFile: s.files.keyFile });
  for (let i = 0; i < s.keys.length; i += BATCH) {
    forwarder.outbox().markDelivered(s.keys.slice(i, i + BATCH), 1);
  }
  return { owner, forwarder };
}

function left(s: Seeded): Buffer[] {
  const raw = Buffer.concat(
    [s.files.path, `${s.files.path}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f)),
  );
  return s.sealed.filter((b) => raw.includes(b));
}

describe('erasing personal data: old cell copies in rebuilt pages', () => {
  it('without the compaction, copies of erased sealed data are left in the unused middle of pages', () => {
    const s = seedStore();
    const { owner, forwarder } = deliverAll(s);
    expect(owner.compactionPending()).toBe(true);
    forwarder.close();
    owner.close();
    // The check below is the one that must find nothing after a compaction.
    expect(left(s).length).toBeGreaterThan(0);
  });

  it(`after the forwarder erased ${N} records' sealed data and the owner compacted, none of it is left`, () => {
    const s = seedStore();
    const { owner, forwarder } = deliverAll(s);
    const before = statSync(s.files.path).size;
    // The forwarder's connection stays open through the compaction, as in a running terminal.
    const result = owner.compact();
    expect(owner.compactionPending()).toBe(false);
    expect(left(s)).toEqual([]);
    // Free pages are gone: the rebuilt file has none, and it is no larger than before.
    expect(owner.integrityCheck()).toBe('ok');
    // The connection keeps the settings a power cut and an erase depend on.
    expect(owner.durability()).toEqual({ journalMode: 'wal', synchronous: 'FULL', secureDelete: true });
    expect(owner.freePages()).toBe(0);
    expect(result.bytesAfter).toBeLessThanOrEqual(result.bytesBefore);
    expect(statSync(s.files.path).size).toBeLessThanOrEqual(before);
    // The forwarder's connection keeps working on the rebuilt database.
    expect(forwarder.outbox().counts()).toEqual({ pending: 0, rejected: 0 });
    forwarder.close();
    owner.close();
    expect(left(s)).toEqual([]);
  });
});
