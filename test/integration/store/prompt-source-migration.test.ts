// Migration 004: who opened each prompt, kept with it. On a real database file as version
// 3 left it, opened the way a terminal opens it.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { LATEST_VERSION, migrate } from '../../../src/store/migrations/index.js';
import { RatingStore } from '../../../src/store/store.js';
import { promptRecord } from '../../helpers/records.js';
import { tempDir } from '../../helpers/temp.js';

const CLERK = '{"id":"0107","name":"林晓"}';

describe('migration 004 prompt source', () => {
  it('keeps api for the prompts of version 3, invite for those the INVITE key opened, and the source of new ones', () => {
    const dir = tempDir();
    const files = { path: join(dir, 'terminal.db'), keyFile: join(dir, 'terminal.key') };
    const old = new Database(files.path);
    old.pragma('journal_mode = WAL');
    expect(migrate(old, 3)).toBe(3);
    const put = old.prepare(
      `INSERT INTO prompts (id, transaction_id, mode, service, departments, clerk, citizen_sealed, status, opened_at, expires_at, ended_at)
       VALUES (@id, @tx, @mode, '{"code":"S","name":"事项"}', '[{"code":"D","name":"部门"}]', @clerk, @sealed, @status, 1, 2, @ended)`,
    );
    const rows = [
      // id, transaction id, mode, clerk, real-name data, status: what version 3 kept.
      ['api-rated', '350521-XK-0001', 'single', CLERK, null, 'rated'],
      ['invite-1', 'HA-0001-20261129-0001', 'single', CLERK, null, 'rated'],
      ['invite-long', 'HA-0001-20261129-12345', 'single', CLERK, null, 'expired'],
      // Shaped like the key's ids, but not the key's prompts: a citizen's data, two
      // departments' mode, no clerk (a kiosk has no key), letters after the counter.
      ['api-citizen', 'HA-0001-20261129-0002', 'single', CLERK, Buffer.from([1, 2, 3]), 'rated'],
      ['api-package', 'HA-0001-20261129-0003', 'package', CLERK, null, 'rated'],
      ['api-kiosk', 'HA-0001-20261129-0004', 'single', null, null, 'rated'],
      ['api-letters', 'HA-0001-20261129-0005A', 'single', CLERK, null, 'rated'],
      ['api-open', 'BIZ-2026-0001', 'single', CLERK, null, 'open'],
    ] as const;
    for (const [id, tx, mode, clerk, sealed, status] of rows)
      put.run({ id, tx, mode, clerk, sealed, status, ended: status === 'open' ? null : 3 });
    old.close();

    const store = RatingStore.open(files);
    const db = new Database(files.path, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    expect(
      Object.fromEntries(db.prepare('SELECT id, source FROM prompts').raw().all() as [string, string][]),
    ).toEqual({
      'api-rated': 'api',
      'invite-1': 'invite',
      'invite-long': 'invite',
      'api-citizen': 'api',
      'api-package': 'api',
      'api-kiosk': 'api',
      'api-letters': 'api',
      'api-open': 'api',
    });
    // Read back with every prompt, and with one a restart picks up.
    expect(store.getPrompt('invite-1')).toMatchObject({ source: 'invite', endedAt: 3 });
    expect(store.recovery().unfinished.map((p) => [p.id, p.source])).toEqual([['api-open', 'api']]);
    store.apply([
      {
        op: 'prompt_open',
        prompt: promptRecord({ id: 'p-gwq', transactionId: 'GWQ-HA-0001-1', source: 'gwq' }),
      },
    ]);
    expect(store.getPrompt('p-gwq')).toMatchObject({ source: 'gwq', endedAt: null });
    // The schema refuses a source the code does not know.
    const rw = new Database(files.path);
    expect(() => rw.prepare(`UPDATE prompts SET source = 'fax' WHERE id = 'p-gwq'`).run()).toThrow(/CHECK/);
    rw.close();
    db.close();
    store.close();
  });
});
