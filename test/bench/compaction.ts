// The owner's compaction (VACUUM + truncating checkpoint, src/store/compaction.ts) on a
// store of 100 000 delivered records whose personal data the forwarder erased: how long
// it holds the database (a business system's prompt waits that long if it comes then).
// The limit: copying the same database file and fsyncing the copy, the least a rebuild
// of every page can cost on this disk.
import { randomBytes } from 'node:crypto';
import { closeSync, copyFileSync, fsyncSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/store/open.js';
import { RatingStore } from '../../src/store/store.js';
import type { Figure } from './format.js';

const N = 100_000;

export function compactionFigures(): Figure[] {
  const dir = mkdtempSync(join(tmpdir(), 'hcp-compact-'));
  try {
    const path = join(dir, 'terminal.db');
    const keyFile = join(dir, 'terminal.key');
    const { db } = openDatabase(path);
    // Only the records table matters here: no prompt rows behind them.
    db.pragma('foreign_keys = OFF');
    const insert = db.prepare(
      `INSERT INTO records (prompt_id, id, seq, state, body, personal_sealed, rated_at, final_at)
       VALUES (?, 'r', ?, 'pending', ?, ?, 0, 0)`,
    );
    const keys: { promptId: string; id: string }[] = [];
    db.transaction(() => {
      for (let i = 0; i < N; i++) {
        const promptId = randomBytes(16).toString('hex');
        keys.push({ promptId, id: 'r' });
        insert.run(
          promptId,
          i,
          JSON.stringify({ pad: randomBytes(150).toString('base64') }),
          randomBytes(150),
        );
      }
    })();
    db.close();
    const owner = RatingStore.open({ path, keyFile });
    const forwarder = RatingStore.attach({ path, keyFile });
    for (let i = 0; i < N; i += 100) forwarder.outbox().markDelivered(keys.slice(i, i + 100), 1);

    const copyStart = performance.now();
    copyFileSync(path, join(dir, 'copy.db'));
    const fd = openSync(join(dir, 'copy.db'), 'r+');
    fsyncSync(fd);
    closeSync(fd);
    const copyMs = performance.now() - copyStart;

    const r = owner.compact(() => performance.now());
    forwarder.close();
    owner.close();
    return [
      {
        name: `compaction of ${N} erased records (${(r.bytesBefore / 1e6).toFixed(0)} → ${(r.bytesAfter / 1e6).toFixed(0)} MB)`,
        value: r.ms,
        unit: 'ms',
        limit: copyMs,
        limitUnit: 'ms',
        limitWhat: 'copying and fsyncing the same file',
        better: 'lower',
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
