// Rows this program did not write, on a real database: the record row's codec says why a
// row is unreadable instead of throwing, start-up recovery sets such drafts aside and ends
// such prompts while picking up the rest, the queries leave them out, and a recovery that
// could not be read at start is read again once the store answers.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { STORE_PROBE_MS } from '../../../src/engine/store-link.js';
import { Terminal } from '../../../src/engine/terminal.js';
import { decodeRecord, encodeRecord } from '../../../src/store/record-row.js';
import { createSealer } from '../../../src/store/seal.js';
import { RatingStore } from '../../../src/store/store.js';
import { coreConfig } from '../../helpers/core-fixture.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { citizen, promptRecord, ratingRecord } from '../../helpers/records.js';
import { tempDir } from '../../helpers/temp.js';

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanup.splice(0).reverse()) c();
});

const sealer = createSealer(randomBytes(32));
const row = (body: string, personal: Buffer | null = null, state = 'pending') => ({
  prompt_id: 'p-row',
  id: 'r-row',
  state,
  body,
  personal_sealed: personal,
});

describe('the record row codec', () => {
  it('gives back what it was given, the row’s own key winning over the body’s', () => {
    const record = ratingRecord({ citizen, final: false, serviceTime: '2026-12-01 09:00:00' });
    const cols = encodeRecord(record, sealer);
    expect(cols.body).not.toContain(citizen.name);
    expect(decodeRecord({ ...row(cols.body, cols.personal_sealed, 'draft') }, sealer)).toEqual({
      readable: true,
      record: { ...record, id: 'r-row', promptId: 'p-row' },
      personalUnopenable: false,
    });
    // Without the sealer the citizen stays sealed.
    const plain = decodeRecord(row(cols.body, cols.personal_sealed), null);
    expect(plain.readable && plain.record.citizen).toBeNull();
  });

  it.each([
    ['cut short', '{"id":"r-1","level":', /not JSON/],
    ['not an object', '[1,2,3]', /not a rating record \(not an object\)/],
    ['null', 'null', /not an object/],
    ['a level no program wrote', JSON.stringify({ ...body(), level: 7 }), /\(level\)/],
    ['reasons that are not strings', JSON.stringify({ ...body(), reasons: [1] }), /\(reasons\)/],
    ['no department', JSON.stringify({ ...body(), department: null }), /\(department\)/],
    ['a serviceTime that is a number', JSON.stringify({ ...body(), serviceTime: 5 }), /\(serviceTime\)/],
  ])('never throws on a body %s, and says why without quoting it', (_what, text, why) => {
    const decoded = decodeRecord(row(text), sealer);
    expect(decoded.readable).toBe(false);
    if (decoded.readable) return;
    expect(decoded.why).toMatch(why);
    expect(decoded.why).not.toContain(text);
  });

  it('personal data another key sealed: the record, without its citizen, flagged', () => {
    const other = createSealer(randomBytes(32)).seal(JSON.stringify(citizen));
    const decoded = decodeRecord(row(JSON.stringify(body()), other), sealer);
    expect(decoded).toMatchObject({ readable: true, personalUnopenable: true, record: { citizen: null } });
  });
});

function body() {
  const { citizen: _c, final: _f, ...rest } = ratingRecord();
  return rest;
}

function storeWith(setup: (db: Database.Database) => void) {
  const dir = tempDir();
  const files = { path: join(dir, 'terminal.db'), keyFile: join(dir, 'terminal.key') };
  const store = RatingStore.open(files);
  store.apply([{ op: 'prompt_open', prompt: promptRecord({ id: 'p-1', transactionId: 'TX-1' }) }]);
  store.apply([
    {
      op: 'records_put',
      records: [
        ratingRecord({ id: 'good', promptId: 'p-1', level: 1, final: false }),
        ratingRecord({ id: 'bad', promptId: 'p-1', level: 1, final: false }),
        ratingRecord({ id: 'sent', promptId: 'p-1', level: 5, final: true }),
      ],
    },
  ]);
  store.close();
  const db = new Database(files.path);
  setup(db);
  db.close();
  return files;
}

describe('start-up recovery and the queries over unreadable rows', () => {
  it('sets the unreadable draft aside, ends an unreadable prompt, and picks up everything else', () => {
    const files = storeWith((db) => {
      db.prepare(`UPDATE records SET body = '{"truncated' WHERE id = 'bad'`).run();
      db.prepare(`UPDATE records SET body = 'garbage' WHERE id = 'sent'`).run();
      db.prepare(
        `INSERT INTO prompts (id, transaction_id, mode, service, departments, status, opened_at, expires_at)
         VALUES ('p-bad', 'TX-B', 'single', '{not json', '[]', 'open', 1, 9e15)`,
      ).run();
      db.prepare(
        `INSERT INTO settings (key, value) VALUES ('clerk', '{"id":'), ('invite_seq', 'many')`,
      ).run();
    });
    const store = RatingStore.open(files);
    cleanup.push(() => store.close());
    const heard: string[] = [];
    store.onSetAside((n) => heard.push(`${n.id}:${n.code}`));
    const facts = store.recovery(5_000);
    expect(facts.drafts.map((r) => r.id)).toEqual(['good']);
    expect(facts.unfinished.map((p) => p.id)).toEqual(['p-1']);
    expect(facts.unreadablePrompts).toEqual(['p-bad']);
    expect(facts.clerk).toBeNull();
    expect(facts.inviteSeq).toBe(0);
    expect(heard).toEqual(['bad:unreadable_record']);
    expect(store.counts()).toMatchObject({ draft: 1, rejected: 1 });
    expect(store.getPrompt('p-bad')).toMatchObject({ status: 'expired', endedAt: 5_000 });
    // A second look finds nothing new to set aside.
    store.recovery(6_000);
    expect(heard).toHaveLength(1);
    // The queries leave unreadable records out instead of throwing.
    expect(store.getPrompt('p-1')?.records.map((r) => r.id)).toEqual(['good']);
    expect(store.clockSkew(0)).toEqual({ ratings: 0, last: null });
    // The claim sets the final one aside and goes on; diagnostics list both.
    expect(store.outbox().claim(10, 1, 1_000)).toEqual([]);
    expect(heard).toEqual(['bad:unreadable_record', 'sent:unreadable_record']);
    expect(
      store
        .outbox()
        .rejected()
        .map((r) => [r.id, r.code, r.transactionId]),
    ).toEqual([
      ['bad', 'unreadable_record', ''],
      ['sent', 'unreadable_record', ''],
    ]);
    // Sending them again cannot work: they stay set aside.
    expect(store.outbox().requeueRejected()).toBe(0);
  });

  it('a recovery that could not be read at start (the database busy) is read once the store answers', () => {
    const files = storeWith((db) => {
      db.prepare(`UPDATE records SET body = 'garbage' WHERE id = 'bad'`).run();
    });
    // Another program holds the write lock: setting the draft aside waits out busy_timeout.
    const holder = new Database(files.path);
    holder.pragma('busy_timeout = 0');
    holder.exec('BEGIN IMMEDIATE');
    const clock = new FakeClock();
    const terminal = new Terminal({
      config: coreConfig({ mode: 'kiosk' }),
      openStore: () => RatingStore.open(files),
      clock,
    });
    cleanup.push(() => terminal.stop());
    terminal.start();
    expect(terminal.health().store).toBe('unavailable');
    holder.exec('COMMIT');
    holder.close();
    clock.advance(STORE_PROBE_MS);
    expect(terminal.health()).toMatchObject({ store: 'ok', queue: { draft: 0, pending: 2, rejected: 1 } });
  }, 30_000);
});
