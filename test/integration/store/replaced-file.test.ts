// The database file replaced (renamed over) or deleted under a running terminal, on real
// files with the engine on fake time: the fault is on screen and in health at the next
// check (every 2 s) or at the next commit, whichever comes first; no thank-you follows;
// the owner writes what the open file held back to the path, moving the other program's
// file aside; a connection beside it (the forwarder's) stops writing.
import { existsSync, readdirSync, renameSync, rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { STORE_FILE_CHECK_MS } from '../../../src/engine/store-link.js';
import { Terminal } from '../../../src/engine/terminal.js';
import { StoreReplacedError } from '../../../src/store/file-identity.js';
import { RatingStore } from '../../../src/store/store.js';
import { coreConfig, request } from '../../helpers/core-fixture.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { makeLoopDisk } from '../../helpers/loop-disk.js';
import { tempDir } from '../../helpers/temp.js';
import { fillDisk, mountSmallDisk, type SmallDisk } from '../../helpers/tmpfs.js';

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanup.splice(0).reverse()) c();
});

type Swap = 'renamed over' | 'deleted';

function rig(dir = tempDir()) {
  const files = { path: join(dir, 'terminal.db'), keyFile: join(dir, 'terminal.key') };
  const clock = new FakeClock();
  const lines: { event: string; fields: Record<string, unknown> | undefined }[] = [];
  const terminal = new Terminal({
    config: coreConfig({ mode: 'kiosk' }),
    openStore: () => RatingStore.open(files),
    clock,
    log: { log: (_level, event, fields) => lines.push({ event, fields }) },
  });
  terminal.start();
  cleanup.push(() => terminal.stop());
  const rate = (transactionId: string) => {
    terminal.openPrompt(request({ transactionId }), { replace: true });
    terminal.intent({ type: 'rate', level: 5 });
    return terminal.view().screen.kind;
  };
  return { dir, files, clock, terminal, lines, rate };
}

/** Another program's SQLite file renamed over the path, or the path deleted. */
function swap(path: string, how: Swap): void {
  if (how === 'deleted') {
    unlinkSync(path);
    return;
  }
  const other = `${path}.other`;
  const db = new Database(other);
  db.exec(`CREATE TABLE someone_elses (x); INSERT INTO someone_elses VALUES ('kept')`);
  db.close();
  renameSync(other, path);
}

function transactionsIn(path: string): string[] {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare('SELECT body FROM records ORDER BY seq').pluck().all() as string[]).map(
      (b) => JSON.parse(b).transactionId,
    );
  } finally {
    db.close();
  }
}

describe('a database file swapped under the running terminal', () => {
  for (const how of ['renamed over', 'deleted'] as const) {
    it(`${how}: the fault shows within ${STORE_FILE_CHECK_MS} ms without any commit, and the ratings are written back`, () => {
      const t = rig();
      expect(t.rate('TX-1')).toBe('thanks');
      expect(t.rate('TX-2')).toBe('thanks');
      t.clock.advance(10_000);
      swap(t.files.path, how);
      t.clock.advance(STORE_FILE_CHECK_MS);
      expect(t.terminal.health()).toMatchObject({ store: 'unavailable' });
      expect(t.terminal.view().screen.kind).toBe('fault');
      const message = t.terminal.health().storeMessage as string;
      expect(message).toContain(how === 'deleted' ? 'was deleted' : 'was replaced by another file');
      expect(message).toContain(`written back to ${t.files.path}`);
      expect(message).toContain('Restart the terminal');
      // No thank-you from now on: the prompt is refused, nothing is kept anywhere.
      expect(t.terminal.openPrompt(request({ transactionId: 'TX-3' }), { replace: true })).toMatchObject({
        ok: false,
        code: 'store_unavailable',
      });
      expect(t.terminal.view().screen.kind).toBe('fault');
      // Still failing at every later check, and logged once, not every 2 s.
      t.clock.advance(60_000);
      expect(t.terminal.health().store).toBe('unavailable');
      expect(t.lines.filter((l) => l.event === 'store_failed')).toHaveLength(1);

      // What the terminal acknowledged is at the path again; the other file is kept aside.
      expect(transactionsIn(t.files.path)).toEqual(['TX-1', 'TX-2']);
      const aside = readdirSync(t.dir).filter((n) => n.startsWith('terminal.db.replaced-'));
      if (how === 'deleted') expect(aside).toEqual([]);
      else {
        expect(aside).toHaveLength(1);
        expect(message).toContain(join(t.dir, aside[0] as string));
        const other = new Database(join(t.dir, aside[0] as string), { readonly: true });
        expect(other.prepare('SELECT x FROM someone_elses').pluck().get()).toBe('kept');
        other.close();
      }
      // A restart carries on with them.
      t.terminal.stop();
      const again = RatingStore.open(t.files);
      expect(again.counts()).toMatchObject({ pending: 2 });
      expect(again.integrityCheck()).toBe('ok');
      again.close();
    });

    it(`${how}: a press before the next check gets no thank-you`, () => {
      const t = rig();
      expect(t.rate('TX-1')).toBe('thanks');
      t.clock.advance(5_000);
      t.terminal.openPrompt(request({ transactionId: 'TX-2' }), { replace: true });
      swap(t.files.path, how);
      // Well before the periodic check: the commit itself finds the file gone.
      t.clock.advance(10);
      t.terminal.intent({ type: 'rate', level: 1 });
      expect(t.terminal.view().screen.kind).toBe('fault');
      expect(t.terminal.health().store).toBe('unavailable');
      t.terminal.stop();
      // The press that got no thank-you left no record.
      expect(transactionsIn(t.files.path)).toEqual(['TX-1']);
    });
  }

  // A disk failing under the terminal answers EIO for every path (an xfs shut down does):
  // that says nothing about the file having been replaced. It is a store fault from the
  // next check on, and nothing is moved aside or written back — the disk is the fault.
  it('a failing disk (xfs shut down: every stat answers EIO) is a store fault at the next check, never a replaced file', () => {
    const disk = makeLoopDisk(320, 'xfs');
    cleanup.push(() => disk.destroy());
    const t = rig(disk.dir);
    expect(t.rate('TX-1')).toBe('thanks');
    disk.cut();
    t.clock.advance(STORE_FILE_CHECK_MS);
    expect(t.terminal.health().store).toBe('unavailable');
    expect(t.terminal.view().screen.kind).toBe('fault');
    const message = t.terminal.health().storeMessage as string;
    expect(message).toContain(`cannot look at the database ${t.files.path}`);
    expect(message).not.toMatch(/replaced|deleted|written back/);
    t.clock.advance(60_000);
    expect(t.terminal.health().store).toBe('unavailable');
    t.terminal.stop();
    disk.remount();
    expect(readdirSync(disk.dir).filter((n) => /\.(replaced|old-wal)-|\.saving-/.test(n))).toEqual([]);
    const again = RatingStore.open(t.files);
    expect(again.counts()).toMatchObject({ pending: 1 });
    again.close();
  });

  it("a connection beside the owner's (the forwarder's) writes nothing after the swap, and what it wrote before is kept", () => {
    const t = rig();
    t.rate('TX-1');
    t.rate('TX-2');
    const forwarder = RatingStore.attach(t.files);
    cleanup.push(() => forwarder.close());
    const [first] = forwarder.outbox().claim(1, t.clock.now(), 60_000);
    forwarder
      .outbox()
      .markDelivered([{ promptId: first?.record.promptId ?? '', id: first?.record.id ?? '' }], 1);
    const [second] = forwarder.outbox().claim(1, t.clock.now(), 60_000);
    swap(t.files.path, 'renamed over');
    const key = { promptId: second?.record.promptId ?? '', id: second?.record.id ?? '' };
    expect(() => forwarder.outbox().markDelivered([key], 2)).toThrow(StoreReplacedError);
    expect(() => forwarder.outbox().claim(10, t.clock.now(), 1)).toThrow(/restart the terminal/);
    t.clock.advance(STORE_FILE_CHECK_MS);
    expect(t.terminal.health().store).toBe('unavailable');
    forwarder.close();
    t.terminal.stop();
    const again = RatingStore.open(t.files);
    // The first delivered, the second still to send (the platform answers a repeat as a duplicate).
    expect(again.counts()).toMatchObject({ delivered: 1, pending: 1 });
    again.close();
  });

  it('a disk too full for the copy: the fault says not to stop the terminal, and the copy is made once there is room', () => {
    let disk: SmallDisk | null = mountSmallDisk(2048);
    cleanup.push(() => disk?.unmount());
    const t = rig(disk.dir);
    for (let i = 0; i < 20; i++) expect(t.rate(`TX-${i}`)).toBe('thanks');
    unlinkSync(t.files.path);
    const filler = fillDisk(disk.dir);
    t.clock.advance(STORE_FILE_CHECK_MS);
    expect(t.terminal.health().store).toBe('unavailable');
    expect(t.terminal.health().storeMessage).toMatch(
      /could not be written back yet \(the disk is full.*do not stop/,
    );
    expect(existsSync(t.files.path)).toBe(false);
    rmSync(filler);
    t.clock.advance(STORE_FILE_CHECK_MS);
    expect(t.terminal.health().storeMessage).toContain('written back');
    t.terminal.stop();
    expect(transactionsIn(t.files.path)).toHaveLength(20);
    disk.unmount();
    disk = null;
  });
});
