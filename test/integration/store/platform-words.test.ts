// The platform's words about a record on a real database: sealed at rest, erased with the
// personal data on delivery (or when the record is sent again), and read back only with
// that record's personal data blanked in whatever spelling the platform used.
import { existsSync, readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { citizen, promptRecord, ratingRecord } from '../../helpers/records.js';
import { openStore, storeFiles } from '../sync/helpers.js';

const NOW = 1_790_000_000_000;
const QUOTING = '证件号码 350521 19900101 1234 与姓名 陈 美 英 不符，请核对 138.1234.5678';

function clearTextOnDisk(path: string, text: string): boolean {
  return [path, `${path}-wal`].some((f) => existsSync(f) && readFileSync(f).includes(Buffer.from(text)));
}

function words(path: string) {
  const db = new Database(path, { readonly: true });
  try {
    return db
      .prepare('SELECT id, reject_message, reject_message_sealed, last_error, last_error_sealed FROM records')
      .all() as Record<string, unknown>[];
  } finally {
    db.close();
  }
}

function seedRealName() {
  const files = storeFiles();
  const store = openStore(files);
  store.apply([{ op: 'prompt_open', prompt: promptRecord({ id: 'p-1', citizen }) }]);
  store.apply([
    {
      op: 'records_put',
      records: [
        ratingRecord({ id: 'r-1', promptId: 'p-1', citizen }),
        ratingRecord({ id: 'r-2', promptId: 'p-1', citizen }),
      ],
    },
  ]);
  return { files, store, outbox: store.outbox() };
}

describe("a platform's words about a record", () => {
  it('a refusal quoting the citizen reformatted: sealed at rest, listed with every form blanked', () => {
    const { files, store, outbox } = seedRealName();
    outbox.claim(10, NOW, 10_000);
    // As the platform wrote it: the store does not rely on the forwarder's scrub.
    outbox.markRejected({ promptId: 'p-1', id: 'r-1' }, 'E_CERT', QUOTING);
    expect(outbox.rejected()).toEqual([
      {
        promptId: 'p-1',
        id: 'r-1',
        transactionId: 'TX-1',
        ratedAt: 2_000,
        code: 'E_CERT',
        message: '证件号码 [redacted] 与姓名 [redacted] 不符，请核对 [redacted]',
      },
    ]);
    expect(clearTextOnDisk(files.path, '与姓名')).toBe(false);
    expect(words(files.path).find((w) => w.id === 'r-1')).toMatchObject({ reject_message: null });
    // Sent again: the words go, and the erase is counted for the next compaction.
    store.compact();
    expect(outbox.requeueRejected()).toBe(1);
    expect(words(files.path).find((w) => w.id === 'r-1')?.reject_message_sealed).toBeNull();
    store.close();
  });

  it('the last failure: sealed, and erased with the personal data on delivery', () => {
    const { files, store, outbox } = seedRealName();
    outbox.claim(10, NOW, 10_000);
    outbox.release(
      [
        { promptId: 'p-1', id: 'r-1' },
        { promptId: 'p-1', id: 'r-2' },
      ],
      `HTTP 500: ${QUOTING}`,
    );
    expect(
      words(files.path).every((w) => w.last_error === null && Buffer.isBuffer(w.last_error_sealed)),
    ).toBe(true);
    expect(clearTextOnDisk(files.path, '与姓名')).toBe(false);
    store.compact();
    expect(store.compactionPending()).toBe(false);
    outbox.claim(10, NOW + 20_000, 10_000);
    outbox.markDelivered([{ promptId: 'p-1', id: 'r-1' }], NOW + 20_001);
    const after = words(files.path);
    expect(after.find((w) => w.id === 'r-1')?.last_error_sealed).toBeNull();
    expect(after.find((w) => w.id === 'r-2')?.last_error_sealed).not.toBeNull();
    expect(store.compactionPending()).toBe(true);
    store.close();
  });
});
