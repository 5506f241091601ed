import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, StoreUnavailableError } from '../../../src/store/open.js';
import { RatingStore } from '../../../src/store/store.js';
import { promptRecord, ratingRecord } from '../../helpers/records.js';
import { tempDir } from '../../helpers/temp.js';
import { fillDisk, mountSmallDisk, type SmallDisk } from '../../helpers/tmpfs.js';

let disk: SmallDisk | null = null;
afterEach(() => {
  disk?.unmount();
  disk = null;
});

describe('a damaged database', () => {
  it('is moved aside, never deleted, and a fresh one started', () => {
    const dir = tempDir();
    const path = join(dir, 'terminal.db');
    writeFileSync(path, 'this is not a database, it was overwritten by something'.repeat(100));
    const store = RatingStore.open({ path, keyFile: join(dir, 'terminal.key') });
    expect(store.movedAside).toMatch(/terminal\.db\.damaged-\d{8}T\d{6}$/);
    expect(readFileSync(store.movedAside as string, 'utf8')).toContain('this is not a database');
    expect(store.integrityCheck()).toBe('ok');
    store.apply([{ op: 'prompt_open', prompt: promptRecord() }]);
    store.close();
    expect(readdirSync(dir).sort()).toEqual(
      expect.arrayContaining(['terminal.db', 'terminal.key', expect.stringMatching(/damaged/)]),
    );
  });

  it('a page-level corruption found by quick_check is moved aside too', () => {
    const dir = tempDir();
    const path = join(dir, 'terminal.db');
    const store = RatingStore.open({ path, keyFile: join(dir, 'terminal.key') });
    store.apply([{ op: 'prompt_open', prompt: promptRecord() }]);
    for (let i = 0; i < 200; i++) {
      store.apply([
        { op: 'records_put', records: [ratingRecord({ id: `r-${i}`, comment: 'x'.repeat(500) })] },
      ]);
    }
    store.close();
    // Scribble over the middle pages, keeping the header valid.
    const bytes = readFileSync(path);
    bytes.fill(0x5a, 4096 * 3, 4096 * 6);
    writeFileSync(path, bytes);
    const again = RatingStore.open({ path, keyFile: join(dir, 'terminal.key') });
    expect(again.movedAside).not.toBeNull();
    expect(again.counts().pending).toBe(0);
    again.close();
  });
});

describe('a full or read-only disk', () => {
  it('refuses a write with a clear reason and keeps what was committed', () => {
    disk = mountSmallDisk(1024);
    const path = join(disk.dir, 'terminal.db');
    const store = RatingStore.open({ path, keyFile: join(disk.dir, 'terminal.key') });
    store.apply([{ op: 'prompt_open', prompt: promptRecord() }]);
    store.apply([{ op: 'records_put', records: [ratingRecord({ id: 'kept' })] }]);
    fillDisk(disk.dir);
    let failure: unknown = null;
    try {
      for (let i = 0; i < 500; i++) {
        store.apply([
          { op: 'records_put', records: [ratingRecord({ id: `r-${i}`, comment: 'y'.repeat(400) })] },
        ]);
      }
    } catch (err) {
      failure = err;
    }
    expect(failure).not.toBeNull();
    expect((failure as { code?: string }).code).toMatch(/SQLITE_FULL|SQLITE_IOERR/);
    expect(store.getPrompt('p-1')?.records.map((r) => r.id)).toContain('kept');
    store.close();
  });

  it('a read-only disk cannot be opened for writing: a message says so', () => {
    disk = mountSmallDisk(1024);
    disk.remount('ro');
    expect(() => openDatabase(join(disk?.dir as string, 'terminal.db'))).toThrow(StoreUnavailableError);
    expect(() => openDatabase(join(disk?.dir as string, 'terminal.db'))).toThrow(/the disk is read-only/);
  });
});

describe('the key file on a full disk', () => {
  it('is not left half-written, so the next start after freeing space makes it afresh', async () => {
    const { existsSync, readdirSync, rmSync } = await import('node:fs');
    const { loadOrCreateKey, KeyFileError } = await import('../../../src/store/seal.js');
    disk = mountSmallDisk(64);
    const filler = fillDisk(disk.dir);
    const key = join(disk.dir, 'terminal.key');
    expect(() => loadOrCreateKey(key)).toThrow(KeyFileError);
    expect(existsSync(key)).toBe(false);
    rmSync(filler);
    expect(loadOrCreateKey(key).key).toHaveLength(32);
    // Nor is a temporary file of the failed attempt left behind.
    expect(readdirSync(disk.dir).filter((n) => n.includes('terminal.key'))).toEqual(['terminal.key']);
  });
});
