// The figure pages' data and exports, over GET: /api/{today,stats,alerts,report} answer
// JSON, /export/{page}.csv?table=ID and /export/{page}.xlsx the same tables as files.
// Every parameter is checked; a wrong one is a 400 that says what is expected.

import type { ServerResponse } from 'node:http';
import type { ConsoleDb } from './db/console-db.js';
import { cstToday, dayNumber } from './db/console-db.js';
import { type AlertFilter, GROUPINGS, type GroupBy } from './db/figures.js';
import {
  alertsPage,
  previousMonth,
  type ReasonName,
  reportPage,
  statsPage,
  type Table,
  todayPage,
} from './pages-data.js';
import { isCalendarDay } from './stats-message.js';
import { tableCsv, tablesXlsx } from './table-export.js';

export interface FiguresSource {
  db: ConsoleDb;
  reasonName: ReasonName;
  /** The catalogue's 差评 codes (levels 2 and 1), for the 差评 page's filter. */
  reasonCodes: string[];
  hallId: string;
  now?: () => number;
}

class BadQuery extends Error {}

const PAGES = ['today', 'stats', 'alerts', 'report'] as const;
type PageName = (typeof PAGES)[number];

function day(q: URLSearchParams, key: string, fallback: number): number {
  const v = q.get(key);
  if (v === null || v === '') return fallback;
  if (!isCalendarDay(v)) throw new BadQuery(`${key}：日期应为 yyyy-MM-dd，例如 2026-11-01`);
  return dayNumber(v);
}

function text(q: URLSearchParams, key: string): string | undefined {
  const v = q.get(key);
  if (v === null || v === '') return undefined;
  if (v.length > 200) throw new BadQuery(`${key}：过长`);
  return v;
}

function monthOf(dayNum: number): string {
  const s = String(dayNum);
  return `${s.slice(0, 4)}-${s.slice(4, 6)}`;
}

function range(q: URLSearchParams, defaultFrom: number, today: number): [number, number] {
  const from = day(q, 'from', defaultFrom);
  const to = day(q, 'to', today);
  if (from > to) throw new BadQuery('起始日期晚于结束日期');
  return [from, to];
}

function build(
  source: FiguresSource,
  page: PageName,
  q: URLSearchParams,
): { data: { tables: Table[] }; name: string } {
  const now = source.now?.() ?? Date.now();
  const today = cstToday(now);
  const { db, reasonName } = source;
  if (page === 'today') return { data: todayPage(db, now, reasonName), name: `今日-${today}` };
  if (page === 'stats') {
    const [from, to] = range(q, Math.floor(today / 100) * 100 + 1, today);
    const by = (q.get('by') ?? 'window') as GroupBy;
    if (!GROUPINGS.includes(by)) throw new BadQuery('by：应为 window、clerk、dept 或 task');
    return { data: statsPage(db, from, to, by, reasonName), name: `统计-${from}-${to}-${by}` };
  }
  if (page === 'alerts') {
    const back = new Date(
      Date.UTC(Math.floor(today / 10000), (Math.floor(today / 100) % 100) - 1, (today % 100) - 29),
    );
    const [from, to] = range(q, Number(back.toISOString().slice(0, 10).replaceAll('-', '')), today);
    const filter: AlertFilter = {
      from,
      to,
      windowNo: text(q, 'window'),
      deptCode: text(q, 'dept'),
      reason: text(q, 'reason'),
      training: q.get('training') === '1',
    };
    return { data: alertsPage(db, filter, reasonName, source.reasonCodes), name: `差评-${from}-${to}` };
  }
  const month = q.get('month') || previousMonth(monthOf(today));
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new BadQuery('month：月份应为 yyyy-MM，例如 2026-11');
  return { data: reportPage(db, month, reasonName), name: `月报-${month}` };
}

function send(res: ServerResponse, code: number, type: string, body: Buffer | string, head = false) {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(code, { 'Content-Type': type, 'Content-Length': bytes.length });
  res.end(head ? undefined : bytes);
}

function attachment(name: string): string {
  // RFC 6266: an ASCII fallback and the UTF-8 name.
  return `attachment; filename="hall-${name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/**
 * Answers a figures request (the caller has checked the token): true when the path was
 * one of ours.
 */
export async function answerFigures(
  source: FiguresSource,
  url: URL,
  res: ServerResponse,
  head: boolean,
): Promise<boolean> {
  const api = /^\/api\/(today|stats|alerts|report)$/.exec(url.pathname);
  const file = /^\/export\/(today|stats|alerts|report)\.(csv|xlsx)$/.exec(url.pathname);
  if (!api && !file) return false;
  const page = (api?.[1] ?? file?.[1]) as PageName;
  let built: ReturnType<typeof build>;
  try {
    built = build(source, page, url.searchParams);
  } catch (err) {
    if (!(err instanceof BadQuery)) throw err;
    send(res, 400, 'text/plain; charset=utf-8', err.message, head);
    return true;
  }
  if (api) {
    send(
      res,
      200,
      'application/json; charset=utf-8',
      JSON.stringify({ hallId: source.hallId, ...built.data }),
      head,
    );
    return true;
  }
  const tables = built.data.tables;
  const wanted = url.searchParams.get('table');
  const chosen = wanted === null ? tables : tables.filter((t) => t.id === wanted);
  if (chosen.length === 0 || (file?.[2] === 'csv' && chosen.length !== 1)) {
    send(
      res,
      400,
      'text/plain; charset=utf-8',
      `table：应为 ${tables.map((t) => t.id).join('、')} 之一${file?.[2] === 'csv' ? '（CSV 一次导出一张表）' : ''}`,
      head,
    );
    return true;
  }
  const name = `${source.hallId}-${built.name}${wanted ? `-${wanted}` : ''}`;
  if (file?.[2] === 'csv') {
    res.setHeader('Content-Disposition', attachment(`${name}.csv`));
    send(res, 200, 'text/csv; charset=utf-8', tableCsv(chosen[0] as Table), head);
  } else {
    res.setHeader('Content-Disposition', attachment(`${name}.xlsx`));
    send(
      res,
      200,
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      await tablesXlsx(chosen),
      head,
    );
  }
  return true;
}
