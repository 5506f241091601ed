// The figure pages' data and exports, over GET: /api/{today,stats,alerts,report} answer
// JSON, /export/{page}.csv?table=ID and /export/{page}.xlsx the same tables as files.
// Every parameter is checked; a wrong one is a 400 that says what is expected. The answer
// is made whole (status, type, bytes) so that it can be made on the figures' own thread
// (figures-thread.ts) and only sent by the server.

import { cstToday, dayNumber } from './db/days.js';
import { type AlertFilter, GROUPINGS, type Reader } from './db/figures.js';
import {
  alertsPage,
  previousMonth,
  type ReasonName,
  reportPage,
  statsPage,
  todayPage,
} from './pages-data.js';
import { tableCsv, tablesXlsx } from './table-export.js';
import type { GroupBy, Table } from './wire/page-types.js';
import { isCalendarDay } from './wire/stats-message.js';

export interface FiguresSource {
  db: Reader;
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

/** An answer to a figures request, ready to send. */
export interface FiguresReply {
  status: number;
  type: string;
  body: Uint8Array;
  /** Content-Disposition, for a file. */
  disposition?: string;
}

const TEXT = 'text/plain; charset=utf-8';

function reply(status: number, type: string, body: Uint8Array | string, disposition?: string): FiguresReply {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return { status, type, body: bytes, ...(disposition ? { disposition } : {}) };
}

function attachment(name: string): string {
  // RFC 6266: an ASCII fallback and the UTF-8 name.
  return `attachment; filename="hall-${name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** Whether a path is one of the figures' (the caller checks the token before asking). */
export function isFiguresPath(pathname: string): boolean {
  return /^\/(api\/(today|stats|alerts|report)|export\/(today|stats|alerts|report)\.(csv|xlsx))$/.test(
    pathname,
  );
}

/** Answers a figures request: null when the path is not one of ours. */
export async function answerFigures(source: FiguresSource, url: URL): Promise<FiguresReply | null> {
  const api = /^\/api\/(today|stats|alerts|report)$/.exec(url.pathname);
  const file = /^\/export\/(today|stats|alerts|report)\.(csv|xlsx)$/.exec(url.pathname);
  if (!api && !file) return null;
  const page = (api?.[1] ?? file?.[1]) as PageName;
  let built: ReturnType<typeof build>;
  try {
    built = build(source, page, url.searchParams);
  } catch (err) {
    if (!(err instanceof BadQuery)) throw err;
    return reply(400, TEXT, err.message);
  }
  if (api) {
    return reply(
      200,
      'application/json; charset=utf-8',
      JSON.stringify({ hallId: source.hallId, ...built.data }),
    );
  }
  const tables = built.data.tables;
  const wanted = url.searchParams.get('table');
  const chosen = wanted === null ? tables : tables.filter((t) => t.id === wanted);
  if (chosen.length === 0 || (file?.[2] === 'csv' && chosen.length !== 1)) {
    return reply(
      400,
      TEXT,
      `table：应为 ${tables.map((t) => t.id).join('、')} 之一${file?.[2] === 'csv' ? '（CSV 一次导出一张表）' : ''}`,
    );
  }
  const name = `${source.hallId}-${built.name}${wanted ? `-${wanted}` : ''}`;
  if (file?.[2] === 'csv')
    return reply(200, 'text/csv; charset=utf-8', tableCsv(chosen[0] as Table), attachment(`${name}.csv`));
  return reply(
    200,
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    await tablesXlsx(chosen),
    attachment(`${name}.xlsx`),
  );
}
