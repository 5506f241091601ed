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
  DB_FILE,
  MAX_ALERTS_PER_DAY,
  MAX_STAT_TERMINALS,
} from '../../../src/hall/db/console-db.js';
import { cstToday, dayText } from '../../../src/hall/db/days.js';
import { groups, totals } from '../../../src/hall/db/figures.js';
import { HALL_LATEST_VERSION, HALL_MIGRATIONS } from '../../../src/hall/db/migrations/index.js';
import { startKeeper } from '../../../src/hall/keeper.js';
import { parseMessage } from '../../../src/hall/wire/messages.js';
import { migrate } from '../../../src/store/migrations/index.js';
import { badRatingEvent, seeded, statsPayload } from '../../helpers/hall-console.js';
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
    expect(tables).toEqual([
      'alerts',
      'day_groups',
      'day_reasons',
      'days',
      'dims',
      'figure_reasons',
      'figures',
      'hours',
      'settings',
    ]);
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
    expect(totals(db.db, day, day)).toMatchObject({ l5: 3, l4: 1, l2: 1, l1: 2 });
    expect(db.putStats('HA-0001', stats([3, 1, 0, 1, 2]), 'a', NOW)).toBe('unchanged');
    expect(db.putStats('HA-0001', stats([1, 0, 0, 0, 0]), 'b', NOW)).toBe('stored');
    expect(totals(db.db, day, day)).toMatchObject({ l5: 1, l4: 0, l2: 0, l1: 0 });
    expect(db.db.prepare('SELECT COUNT(*) FROM figure_reasons').pluck().get()).toBe(0);
    // Hours of one (clerk, department, 事项) are summed into the day's row.
    const two = statsPayload('HA-0001', DAY, '12', [
      { hour: '09', levels: [1, 0, 0, 0, 0] },
      { hour: '10', levels: [2, 0, 0, 0, 1], reasons: { '115': 1 } },
    ]);
    expect(db.putStats('HA-0001', two, 'c', NOW)).toBe('stored');
    expect(db.db.prepare('SELECT COUNT(*) FROM figures').pluck().get()).toBe(1);
    expect(db.db.prepare('SELECT COUNT(*) FROM hours').pluck().get()).toBe(2);
    expect(groups(db.db, day, day, 'dept')).toMatchObject([
      { code: '11350521MB0000000X', name: '县市场监督管理局', l5: 3, l1: 1 },
    ]);
    db.close();
  });

  it("keeps each day's sums per group equal to its terminals' rows, as days are replaced up and down", () => {
    const db = ConsoleDb.open(tempDir());
    const rand = seeded(7);
    const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)] as T;
    const days = [DAY, dayText(cstToday(NOW - 86_400_000))];
    for (let round = 0; round < 300; round++) {
      const terminal = pick(['HA-0001', 'HA-0002', 'HA-0003', 'HA-0004']);
      // Rows come and go: clerks, departments and 事项 of a day change between its messages.
      const rows = Array.from({ length: Math.floor(rand() * 4) }, () => ({
        hour: pick(['09', '10', '11']),
        clerkId: pick(['0427', '0511', '']),
        deptCode: pick(['D-1', 'D-2', '']),
        taskCode: pick(['T-1', 'T-2']),
        levels: [0, 0, 0, 0, 0].map(() => Math.floor(rand() * 3)) as [number, number, number, number, number],
        reasons: rand() < 0.5 ? { [pick(['115', '207'])]: 1 + Math.floor(rand() * 2) } : {},
        expired: Math.floor(rand() * 2),
      }));
      const unique = [
        ...new Map(rows.map((r) => [`${r.hour}/${r.clerkId}/${r.deptCode}/${r.taskCode}`, r])).values(),
      ];
      const payload = statsPayload(terminal, pick(days), pick(['7', '12']), unique);
      db.putStats(terminal, payload, `digest-${round}`, NOW);
    }
    // Summed afresh from the figures rows, the way the pages summed them before day_groups.
    const recount = (column: string) =>
      db.db
        .prepare(
          `SELECT '${column}' AS kind, day, ${column} AS dim, COUNT(*) AS rows, SUM(l5) AS l5, SUM(l4) AS l4,
             SUM(l3) AS l3, SUM(l2) AS l2, SUM(l1) AS l1, SUM(declined) AS declined, SUM(expired) AS expired,
             SUM(src_api) AS src_api, SUM(src_gwq) AS src_gwq, SUM(src_invite) AS src_invite
           FROM figures GROUP BY day, ${column} ORDER BY day, dim`,
        )
        .all();
    for (const kind of ['window', 'clerk', 'dept', 'task']) {
      expect(
        db.db.prepare('SELECT * FROM day_groups WHERE kind = ? ORDER BY day, dim').all(kind),
        kind,
      ).toEqual(recount(kind));
    }
    expect(db.db.prepare('SELECT day, reason, rows, n FROM day_reasons ORDER BY day, reason').all()).toEqual(
      db.db
        .prepare(
          'SELECT day, reason, COUNT(*) AS rows, SUM(n) AS n FROM figure_reasons GROUP BY day, reason ORDER BY day, reason',
        )
        .all(),
    );
    expect(db.db.prepare('SELECT COUNT(*) FROM day_groups').pluck().get()).toBeGreaterThan(10);
    db.close();
  });

  it('fills the sums per group from the days kept before it had them (migration 2)', () => {
    const dir = tempDir();
    const db = ConsoleDb.open(dir);
    for (const [i, t] of ['HA-0001', 'HA-0002'].entries())
      db.putStats(t, { ...stats([3, 1, i, 1, 2]), terminalId: t }, `d${i}`, NOW);
    const before = db.db.prepare('SELECT * FROM day_groups ORDER BY kind, day, dim').all();
    const reasonsBefore = db.db.prepare('SELECT * FROM day_reasons').all();
    db.db.exec('DROP TABLE day_groups; DROP TABLE day_reasons; PRAGMA user_version = 1;');
    db.close();
    const again = ConsoleDb.open(dir);
    expect(again.db.prepare('SELECT * FROM day_groups ORDER BY kind, day, dim').all()).toEqual(before);
    expect(again.db.prepare('SELECT * FROM day_reasons').all()).toEqual(reasonsBefore);
    expect(groups(again.db, day, day, 'window')).toMatchObject([{ code: '12', l5: 6, l3: 1, l1: 4 }]);
    again.close();
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
    expect(totals(db.db, day, day).l5).toBe(0); // not yet written: batched
    keeper.flush();
    expect(totals(db.db, day, day).l5).toBe(3);
    expect(figures).toBe(1);
    keeper.take(read(`HA-0001/stats/${DAY}`, ''));
    keeper.flush();
    expect(totals(db.db, day, day).l5).toBe(3);
    const e = badRatingEvent();
    keeper.takeNow(read('HA-0001/events', e));
    keeper.takeNow(read('HA-0001/events', e));
    expect(alerts).toEqual([e.eventId]);
    expect(board.duplicates).toBe(1);
    expect(board.refusals.shape).toBe(0);
    db.close();
  });

  it('knows a day sent again byte for byte without reading it, and reads any other bytes', () => {
    const db = ConsoleDb.open(tempDir());
    const board = new Board((_l, c) => c);
    const keeper = startKeeper(db, board, {
      alert: () => undefined,
      figures: () => undefined,
      failed: (p) => {
        throw new Error(p);
      },
    });
    const bytes = Buffer.from(JSON.stringify(stats([2, 0, 0, 0, 0])));
    const topic = `hcp/350521/HA-0001/stats/${DAY}`;
    expect(parseMessage('hcp', '350521', topic, bytes, keeper.knows)).toMatchObject({
      message: { kind: 'stats' },
    });
    keeper.take(parseMessage('hcp', '350521', topic, bytes, keeper.knows));
    keeper.flush();
    expect(keeper.counts).toEqual({ stored: 1, unchanged: 0 });
    // At a reconnect: the same bytes are known by their digest, and cost neither a parse nor a write.
    const again = parseMessage('hcp', '350521', topic, bytes, keeper.knows);
    expect(again).toEqual({
      ok: true,
      message: { kind: 'stats_unchanged', terminalId: 'HA-0001', day: DAY },
    });
    keeper.take(again);
    expect(keeper.counts).toEqual({ stored: 1, unchanged: 1 });
    // Other bytes, another terminal's topic, or a hostile payload are read and checked as ever.
    const other = Buffer.from(JSON.stringify(stats([3, 0, 0, 0, 0])));
    expect(parseMessage('hcp', '350521', topic, other, keeper.knows)).toMatchObject({
      message: { kind: 'stats' },
    });
    expect(parseMessage('hcp', '350521', `hcp/350521/HA-0002/stats/${DAY}`, bytes, keeper.knows)).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(totals(db.db, day, day).l5).toBe(2);
    // Other bytes waiting in the batch: the kept bytes arriving after them are the day's again.
    keeper.take(parseMessage('hcp', '350521', topic, other, keeper.knows));
    keeper.take(parseMessage('hcp', '350521', topic, bytes, keeper.knows));
    keeper.flush();
    expect(totals(db.db, day, day).l5).toBe(2);
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
