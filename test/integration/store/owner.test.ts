// One owner for the database file: the Terminal's RatingStore.open checks, repairs,
// migrates and moves it aside; the forwarder only attaches. An attached connection
// never creates, checks, migrates or moves a file — so it can never move aside a
// database the owner holds open, nor make a key the owner did not.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/base/logger.js';
import { startForwarding } from '../../../src/engine/forwarding.js';
import { Terminal } from '../../../src/engine/terminal.js';
import { StoreUnavailableError } from '../../../src/store/open.js';
import { KeyFileError } from '../../../src/store/seal.js';
import { RatingStore } from '../../../src/store/store.js';
import { coreConfig } from '../../helpers/core-fixture.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { tempDir } from '../../helpers/temp.js';
import { openStore, seed, storeFiles } from '../sync/helpers.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

describe('attaching to a store', () => {
  it('before its owner opened it: refused, and nothing is created', () => {
    const files = storeFiles(join(tempDir(), 'data'));
    expect(() => RatingStore.attach(files)).toThrow(KeyFileError);
    expect(existsSync(files.dir)).toBe(false);
    // A key file there, but no database yet.
    mkdirSync(files.dir);
    writeFileSync(files.keyFile, `${Buffer.alloc(32, 5).toString('base64')}\n`);
    expect(() => RatingStore.attach(files)).toThrow(StoreUnavailableError);
    expect(readdirSync(files.dir)).toEqual(['terminal.key']);
  });

  it('to a damaged database: refused, and the file stays where its owner will find it', () => {
    const files = storeFiles();
    openStore(files).close();
    writeFileSync(files.path, 'this is not a database, it is a damaged file of some length');
    expect(() => RatingStore.attach(files)).toThrow(StoreUnavailableError);
    expect(readdirSync(files.dir).filter((n) => n.includes('damaged'))).toEqual([]);
    // The owner moves it aside, and then the attach works.
    const owner = openStore(files);
    expect(owner.movedAside).toMatch(/terminal\.db\.damaged-/);
    const attached = RatingStore.attach(files);
    attached.close();
    owner.close();
  });

  it('to a database not yet migrated to this program’s schema: refused, never migrated here', () => {
    const files = storeFiles();
    openStore(files).close();
    const db = new Database(files.path);
    db.pragma('user_version = 0');
    db.close();
    expect(() => RatingStore.attach(files)).toThrow(/has not opened it yet/);
    const check = new Database(files.path, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(0);
    check.close();
  });

  it('sees and forwards what the owner commits, on its own connection', () => {
    const files = storeFiles();
    const owner = openStore(files);
    const attached = RatingStore.attach(files);
    seed(owner, 3);
    expect(
      attached
        .outbox()
        .claim(10, 1, 1_000)
        .map((i) => i.record.id),
    ).toEqual(['r-0000', 'r-0001', 'r-0002']);
    attached.close();
    owner.close();
  });
});

describe('the forwarding', () => {
  it('attaches to the Terminal’s store and does not open one of its own', async () => {
    const files = storeFiles(join(tempDir(), 'data'));
    // The Terminal has not started: the forwarding must not make the files itself.
    const terminal = new Terminal({
      config: coreConfig({ mode: 'kiosk' }),
      openStore: () => openStore(files),
    });
    const forwarding = startForwarding(
      { platform: null, store: { path: files.path, keyFile: files.keyFile, retentionDays: 90 } },
      terminal,
      silentLogger,
    );
    cleanup.push(() => forwarding.stop());
    expect(existsSync(files.dir)).toBe(false);
    expect(forwarding.status()).toMatchObject({ state: 'unconfigured', pending: 0 });
  });

  it('says once that it cannot attach yet, not at every try, and when it could', () => {
    const files = storeFiles(join(tempDir(), 'data'));
    const clock = new FakeClock();
    const lines: string[] = [];
    const log = { log: (_level: string, event: string) => void lines.push(event) };
    const terminal = new Terminal({
      config: coreConfig({ mode: 'kiosk' }),
      openStore: () => openStore(files),
    });
    const forwarding = startForwarding(
      { platform: null, store: { path: files.path, keyFile: files.keyFile, retentionDays: 90 } },
      terminal,
      log,
      { clock },
    );
    cleanup.push(() => forwarding.stop());
    // Tried every 30 s for five minutes while the owner has not opened the store.
    clock.advance(5 * 60_000);
    expect(lines.filter((e) => e === 'forwarder_store_open_failed')).toEqual(['forwarder_store_open_failed']);
    openStore(files).close();
    clock.advance(30_000);
    expect(lines.filter((e) => e === 'forwarder_store_opened')).toEqual(['forwarder_store_opened']);
  });
});
