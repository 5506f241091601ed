// The console's own database, on real files: its numbered migrations run by the store's
// open helpers, a day replaced whole by its latest message (down too), a day redelivered
// unchanged costing no write, a 差评 kept once by its eventId, and every bound.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Board } from '../../../src/hall/board.js';
import {
  ConsoleDb,
  cstToday,
  DB_FILE,
  dayText,
  MAX_ALERTS_PER_DAY,
  MAX_STAT_TERMINALS,
} from '../../../src/hall/db/console-db.js';
import { groups, totals } from '../../../src/hall/db/figures.js';
import { HALL_LATEST_VERSION, HALL_MIGRATIONS } from '../../../src/hall/db/migrations/index.js';
import { startKeeper } from '../../../src/hall/keeper.js';
import { parseMessage } from '../../../src/hall/messages.js';
import { migrate } from '../../../src/store/migrations/index.js';
import { badRatingEvent, statsPayload } from '../../helpers/hall-console.js';
import { tempDir } from '../../helpers/temp.js';

const NOW = Date.now();
const TODAY = dayText(cstToday(NOW));
const DAY = TODAY;
const day = Number(DAY.replaceAll('-', ''));

function stats(levels: [number, number, number, number, number], over: Record<string, unknown> = {}) {
  return {
    ...statsPayload('HA-0001', DAY, '12', [{ hour: '09', levels, reasons: { '115': levels[4] } }]),
    ...over,
  };
}

describe('the console database', () => {
  it("is made by numbered migrations, 1..n, on a real file, with the console's tables only", () => {
    expect(HALL_MIGRATIONS.map((m) => m.version)).toEqual(HALL_MIGRATIONS.map((_, i) => i + 1));
    const dir = tempDir();
    const db = ConsoleDb.open(dir);
    db.close();
    const file = new Database(join(dir, DB_FILE), { readonly: true });
    expect(file.pragma('user_version', { simple: true })).toBe(HALL_LATEST_VERSION);
    expect(file.pragma('journal_mode', { simple: true })).toBe('wal');
    const tables = file
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
      .pluck()
      .all();
    expect(tables).toEqual(['alerts', 'days', 'dims', 'figure_reasons', 'figures', 'hours', 'settings']);
    // Running them again changes nothing.
    const schema = file.prepare('SELECT sql FROM sqlite_master ORDER BY name').pluck().all();
    file.close();
    const again = new Database(join(dir, DB_FILE));
    expect(migrate(again, undefined, HALL_MIGRATIONS)).toBe(HALL_LATEST_VERSION);
    expect(again.prepare('SELECT sql FROM sqlite_master ORDER BY name').pluck().all()).toEqual(schema);
    again.close();
  });

  it('refuses a database from a newer console, and moves a damaged one aside', () => {
    const dir = tempDir();
    const newer = new Database(join(dir, DB_FILE));
    newer.pragma(`user_version = ${HALL_LATEST_VERSION + 1}`);
    newer.close();
    expect(() => ConsoleDb.open(dir)).toThrow(/newer version of this program/);

    const broken = tempDir();
    writeFileSync(join(broken, DB_FILE), Buffer.alloc(8192, 0x41));
    const db = ConsoleDb.open(broken);
    expect(db.movedAside).toMatch(/hall\.db/);
    expect(db.clientId('350521')).toMatch(/^hcp-hall-350521-[0-9a-f]{8}$/);
    db.close();
  });

  it('keeps its client id once made', () => {
    const dir = tempDir();
    const a = ConsoleDb.open(dir);
    const id = a.clientId('350521');
    a.close();
    const b = ConsoleDb.open(dir);
    expect(b.clientId('350521')).toBe(id);
    b.close();
  });

  it('replaces a day whole by its latest message, counts going down too; the same bytes again write nothing', () => {
    const db = ConsoleDb.open(tempDir());
    expect(db.putStats('HA-0001', stats([3, 1, 0, 1, 2]), 'a', NOW)).toBe('stored');
    expect(totals(db, day, day)).toMatchObject({ l5: 3, l4: 1, l2: 1, l1: 2 });
    expect(db.putStats('HA-0001', stats([3, 1, 0, 1, 2]), 'a', NOW)).toBe('unchanged');
    expect(db.putStats('HA-0001', stats([1, 0, 0, 0, 0]), 'b', NOW)).toBe('stored');
    expect(totals(db, day, day)).toMatchObject({ l5: 1, l4: 0, l2: 0, l1: 0 });
    expect(db.db.prepare('SELECT COUNT(*) FROM figure_reasons').pluck().get()).toBe(0);
    // Hours of one (clerk, department, 事项) are summed into the day's row.
    const two = statsPayload('HA-0001', DAY, '12', [
      { hour: '09', levels: [1, 0, 0, 0, 0] },
      { hour: '10', levels: [2, 0, 0, 0, 1], reasons: { '115': 1 } },
    ]);
    expect(db.putStats('HA-0001', two, 'c', NOW)).toBe('stored');
    expect(db.db.prepare('SELECT COUNT(*) FROM figures').pluck().get()).toBe(1);
    expect(db.db.prepare('SELECT COUNT(*) FROM hours').pluck().get()).toBe(2);
    expect(groups(db, day, day, 'dept')).toMatchObject([
      { code: '11350521MB0000000X', name: '县市场监督管理局', l5: 3, l1: 1 },
    ]);
    db.close();
  });

  it('refuses a day too far from today, and terminals past the bound', () => {
    const db = ConsoleDb.open(tempDir());
    const future = new Date(NOW + 3 * 86_400_000 + 8 * 3600_000).toISOString().slice(0, 10);
    expect(db.putStats('HA-0001', { ...stats([1, 0, 0, 0, 0]), day: future }, 'x', NOW)).toBe('day');
    expect(db.putStats('HA-0001', { ...stats([1, 0, 0, 0, 0]), day: '2019-01-01' }, 'x', NOW)).toBe('day');
    db.batch(() => {
      for (let i = 0; i < MAX_STAT_TERMINALS; i++)
        db.putStats(`T-${i}`, { ...stats([0, 0, 0, 0, 0]), rows: [] }, 'd', NOW);
    });
    expect(db.putStats('T-new', stats([1, 0, 0, 0, 0]), 'e', NOW)).toBe('too_many');
    expect(db.putStats('T-7', stats([1, 0, 0, 0, 0]), 'e', NOW)).toBe('stored');
    db.close();
  });

  it('keeps a 差评 once by its eventId, and at most a bound a terminal a day', () => {
    const db = ConsoleDb.open(tempDir());
    const e = badRatingEvent() as never;
    expect('stored' in db.putAlert('HA-0001', e, NOW)).toBe(true);
    expect(db.putAlert('HA-0001', e, NOW)).toEqual({ duplicate: true });
    db.batch(() => {
      for (let i = 1; i < MAX_ALERTS_PER_DAY; i++) db.putAlert('HA-0001', badRatingEvent() as never, NOW);
    });
    expect(db.putAlert('HA-0001', badRatingEvent() as never, NOW)).toEqual({ tooMany: true });
    expect(db.putAlert('HA-0001', e, NOW)).toEqual({ duplicate: true });
    expect('stored' in db.putAlert('HA-0002', badRatingEvent() as never, NOW)).toBe(true);
    expect(db.recentAlerts(3).map((a) => a.terminalId)).toEqual(['HA-0002', 'HA-0001', 'HA-0001']);
    db.close();
  });
});

describe('the keeper', () => {
  const read = (topic: string, payload: unknown) =>
    parseMessage(
      'hcp',
      '350521',
      `hcp/350521/${topic}`,
      Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)),
    );

  it('batches days into one write, ignores a cleared day, and raises each 差评 once', async () => {
    const db = ConsoleDb.open(tempDir());
    const board = new Board((_l, c) => c);
    const alerts: string[] = [];
    let figures = 0;
    const keeper = startKeeper(db, board, {
      alert: (a) => alerts.push(a.kind === 'bad_rating' ? a.eventId : a.kind),
      figures: () => figures++,
      failed: (p) => {
        throw new Error(p);
      },
    });
    keeper.take(read(`HA-0001/stats/${DAY}`, stats([2, 0, 0, 0, 0])));
    keeper.take(read(`HA-0002/stats/${DAY}`, { ...stats([1, 0, 0, 0, 0]), terminalId: 'HA-0002' }));
    expect(totals(db, day, day).l5).toBe(0); // not yet written: batched
    keeper.flush();
    expect(totals(db, day, day).l5).toBe(3);
    expect(figures).toBe(1);
    keeper.take(read(`HA-0001/stats/${DAY}`, ''));
    keeper.flush();
    expect(totals(db, day, day).l5).toBe(3);
    const e = badRatingEvent();
    keeper.takeNow(read('HA-0001/events', e));
    keeper.takeNow(read('HA-0001/events', e));
    expect(alerts).toEqual([e.eventId]);
    expect(board.duplicates).toBe(1);
    expect(board.refusals.shape).toBe(0);
    db.close();
  });

  it('throws when the database does not take a 差评, so that it is not acknowledged', () => {
    const db = ConsoleDb.open(tempDir());
    const problems: string[] = [];
    const keeper = startKeeper(db, new Board((_l, c) => c), {
      alert: () => undefined,
      figures: () => undefined,
      failed: (p) => problems.push(p),
    });
    db.db.exec(
      "CREATE TRIGGER no_alerts BEFORE INSERT ON alerts BEGIN SELECT RAISE(ABORT, 'disk trouble'); END",
    );
    expect(() => keeper.takeNow(read('HA-0001/events', badRatingEvent()))).toThrow(/disk trouble/);
    expect(problems).toEqual(['the database refused a write (SQLITE_CONSTRAINT_TRIGGER)']);
    db.close();
  });
});
