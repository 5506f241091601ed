// The figures' own thread: a real worker thread on a real database file, answering what the
// console's main thread would have answered itself, byte for byte; bounded in what may wait
// for it; and a thread that cannot open the database answers 500 in words, never a crash.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConsoleDb, DB_FILE } from '../../../src/hall/db/console-db.js';
import { cstToday, dayText } from '../../../src/hall/db/days.js';
import { answerFigures } from '../../../src/hall/figures-api.js';
import { type Figures, MAX_WAITING, startFiguresThread } from '../../../src/hall/figures-thread.js';
import { badRatingEvent, statsPayload } from '../../helpers/hall-console.js';
import { tempDir } from '../../helpers/temp.js';

const NOW = Date.now();
const DAY = dayText(cstToday(NOW));
const threads: Figures[] = [];
afterEach(async () => {
  for (const t of threads.splice(0)) await t.close();
});

function filled(): { dir: string; db: ConsoleDb } {
  const dir = tempDir('hcp-figures-thread-');
  const db = ConsoleDb.open(dir);
  for (let w = 1; w <= 5; w++)
    db.putStats(
      `T-${w}`,
      statsPayload(`T-${w}`, DAY, String(w), [
        { hour: '09', levels: [w, 1, 0, 1, 0], reasons: { '207': 1 } },
      ]),
      `d${w}`,
      NOW,
    );
  db.putAlert('T-1', badRatingEvent({ at: `${DAY} 09:10:00` }) as never, NOW);
  return { dir, db };
}

function thread(dir: string): Figures {
  const t = startFiguresThread({
    dbPath: join(dir, DB_FILE),
    hallId: '350521',
    reasonNames: [['207', '没有提供材料样本']],
    reasonCodes: ['207'],
  });
  threads.push(t);
  return t;
}

const url = (path: string) => new URL(path, 'http://127.0.0.1/');

describe("the figures' thread", () => {
  it('answers as the main thread would, pages and files alike', async () => {
    const { dir, db } = filled();
    const t = thread(dir);
    const source = {
      db: db.db,
      reasonName: (c: string) => (c === '207' ? '没有提供材料样本' : c),
      reasonCodes: ['207'],
      hallId: '350521',
    };
    for (const path of [
      `/api/stats?from=${DAY}&to=${DAY}&by=dept`,
      `/api/alerts?from=${DAY}&to=${DAY}`,
      `/export/stats.csv?from=${DAY}&to=${DAY}&table=groups`,
      '/api/stats?from=2026-13-01',
    ]) {
      const [there, here] = [await t.answer(url(path)), await answerFigures(source, url(path))];
      expect(there && { ...there, body: Buffer.from(there.body).toString('utf8') }, path).toEqual(
        here && { ...here, body: Buffer.from(here.body).toString('utf8') },
      );
    }
    const xlsx = await t.answer(url(`/export/stats.xlsx?from=${DAY}&to=${DAY}`));
    expect(xlsx?.status).toBe(200);
    expect(
      Buffer.from(xlsx?.body ?? [])
        .subarray(0, 2)
        .toString('latin1'),
    ).toBe('PK');
    expect(await t.answer(url('/api/nothing'))).toBeNull();
    db.close();
  });

  it('tells those beyond what may wait to come back, and answers the others', async () => {
    const { dir, db } = filled();
    const t = thread(dir);
    const asked = Array.from({ length: MAX_WAITING + 8 }, () =>
      t.answer(url(`/api/stats?from=${DAY}&to=${DAY}`)),
    );
    const statuses = (await Promise.all(asked)).map((r) => r?.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(MAX_WAITING);
    expect(statuses.filter((s) => s === 503)).toHaveLength(8);
    db.close();
  });

  it('answers 500 in words when it cannot read the database, and tries again at the next request', async () => {
    const t = thread(tempDir('hcp-figures-none-'));
    for (let i = 0; i < 2; i++) {
      const r = await t.answer(url(`/api/stats?from=${DAY}&to=${DAY}`));
      expect(r?.status).toBe(500);
      expect(Buffer.from(r?.body ?? []).toString('utf8')).toMatch(
        /^读取统计数据失败：cannot read the database .*hall\.db/,
      );
    }
  });
});
