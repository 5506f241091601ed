// "Erased" means overwritten: once the platform accepted a record, its sealed personal
// data is in neither the database file nor its WAL, not even in free pages or in old
// frames. Checked on the raw bytes of both files, with the owner's and the
// forwarder's connections open (as in a running terminal) and after they close.
import { existsSync, readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { Citizen } from '../../../src/core/model.js';
import { RatingStore } from '../../../src/store/store.js';
import { promptRecord, ratingRecord } from '../../helpers/records.js';
import { type StoreFiles, storeFiles } from '../sync/helpers.js';

const N = 20;

function citizenNo(i: number): Citizen {
  return {
    name: `测试市民${i}号`,
    idNumber: `35052119900101${String(1000 + i)}`,
    phone: `139000${String(10000 + i)}`,
    type: 1,
  };
}

function rawBytes(files: StoreFiles): Buffer {
  return Buffer.concat(
    [files.path, `${files.path}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f)),
  );
}

/** The sealed values as they are in the database right now, read by a plain connection. */
function sealedNow(files: StoreFiles): Buffer[] {
  const db = new Database(files.path, { readonly: true });
  try {
    return [
      ...(db
        .prepare('SELECT citizen_sealed FROM prompts WHERE citizen_sealed IS NOT NULL')
        .pluck()
        .all() as Buffer[]),
      ...(db
        .prepare('SELECT personal_sealed FROM records WHERE personal_sealed IS NOT NULL')
        .pluck()
        .all() as Buffer[]),
    ];
  } finally {
    db.close();
  }
}

function leftovers(bytes: Buffer, sealed: Buffer[], citizens: Citizen[]): string[] {
  const found: string[] = [];
  sealed.forEach((blob, i) => {
    if (bytes.includes(blob)) found.push(`sealed blob ${i}`);
  });
  for (const c of citizens) {
    for (const value of [c.name, c.idNumber, c.phone]) {
      if (bytes.includes(Buffer.from(value, 'utf8'))) found.push(`plaintext ${value}`);
    }
  }
  return found;
}

describe('erasing personal data', () => {
  it(`after delivery not one of ${N} sealed blobs, nor its plaintext, is left in the database or its WAL`, () => {
    const files = storeFiles();
    const owner = RatingStore.open(files);
    const forwarder = RatingStore.attach(files);
    const citizens = Array.from({ length: N }, (_, i) => citizenNo(i));
    const sealed: Buffer[] = [];
    for (let i = 0; i < N; i++) {
      const citizen = citizens[i] as Citizen;
      const promptId = `p-${i}`;
      owner.apply([
        { op: 'prompt_open', prompt: promptRecord({ id: promptId, transactionId: `TX-${i}`, citizen }) },
      ]);
      // Every fourth citizen declines: only the prompt ever held their data.
      if (i % 4 !== 3) {
        owner.apply([
          {
            op: 'records_put',
            records: [
              ratingRecord({ id: `r-${i}`, promptId, transactionId: `TX-${i}`, citizen, final: true }),
            ],
          },
        ]);
      }
      sealed.push(...sealedNow(files));
      owner.apply([
        { op: 'prompt_end', id: promptId, status: i % 4 === 3 ? 'declined' : 'rated', at: 3_000 + i },
      ]);
      // The Terminal's idle work after each step.
      owner.checkpointIfDue();
    }
    const unique = [...new Map(sealed.map((b) => [b.toString('hex'), b])).values()];
    expect(unique.length).toBe(N + (N * 3) / 4);
    // Before delivery the records' sealed data is there (the check can see it).
    expect(leftovers(rawBytes(files), unique, citizens).length).toBeGreaterThan(0);

    // The forwarder delivers in batches of five.
    const outbox = forwarder.outbox();
    for (
      let batch = outbox.claim(5, 10_000, 60_000);
      batch.length > 0;
      batch = outbox.claim(5, 10_000, 60_000)
    ) {
      outbox.markDelivered(
        batch.map((item) => ({ promptId: item.record.promptId, id: item.record.id })),
        11_000,
      );
    }
    expect(owner.counts()).toMatchObject({ pending: 0, delivered: (N * 3) / 4 });
    expect(leftovers(rawBytes(files), unique, citizens)).toEqual([]);

    forwarder.close();
    owner.close();
    expect(leftovers(rawBytes(files), unique, citizens)).toEqual([]);
  });
});

describe('every connection the store opens', () => {
  it('has WAL journaling, synchronous FULL and secure_delete: the owner’s and an attached one', () => {
    const files = storeFiles();
    const owner = RatingStore.open(files);
    const attached = RatingStore.attach(files);
    for (const store of [owner, attached]) {
      expect(store.durability()).toEqual({ journalMode: 'wal', synchronous: 'FULL', secureDelete: true });
    }
    attached.close();
    owner.close();
  });
});
