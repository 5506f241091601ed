// What each figure page shows, as data: its tables (the same ones the exports write) and
// its charts' series. The pages draw these and decide nothing; every label is made here.

import { PROMPT_SOURCES, SOURCE_HEADERS } from '../core/hourly-counts.js';
import { levelInfo } from '../core/levels.js';
import type { StoredAlert } from './db/alert-row.js';
import { cstToday, dayText } from './db/days.js';
import {
  type AlertFilter,
  alertChoices,
  alerts,
  bad,
  daily,
  type Group,
  good,
  goodRate,
  groups,
  hoursOfDay,
  nameOf,
  type Reader,
  rated,
  reasons,
  sumOf,
  terminalsOfDay,
  totals,
  ZERO,
} from './db/figures.js';
import type {
  AlertsPage,
  AlertView,
  Cell,
  Chart,
  Column,
  Counts,
  GroupBy,
  ReportPage,
  StatsPage,
  Table,
  TodayPage,
  TodayWindow,
} from './wire/page-types.js';

/** Reason code → its indicator's name (the hall's catalogue, then the national one). */
export type ReasonName = (code: string) => string;

export const GROUP_LABELS: Record<GroupBy, string> = {
  window: '窗口',
  clerk: '工作人员',
  dept: '部门',
  task: '事项',
};

const COUNT_COLUMNS: Column[] = [
  { label: '评价数', kind: 'int' },
  { label: '好评率', kind: 'rate' },
  { label: '好评', kind: 'int' },
  { label: '差评', kind: 'int' },
  ...([5, 4, 3, 2, 1] as const).map((l) => ({ label: levelInfo(l).label, kind: 'int' as const })),
  { label: '放弃评价', kind: 'int' },
  { label: '超时未评', kind: 'int' },
];

function countCells(c: Counts): Cell[] {
  return [rated(c), goodRate(c), good(c), bad(c), c.l5, c.l4, c.l3, c.l2, c.l1, c.declined, c.expired];
}

const SOURCE_COLUMNS: Column[] = SOURCE_HEADERS.map((label) => ({ label, kind: 'int' }));

export function windowLabel(windowNo: string | null): string {
  return windowNo ? `${windowNo} 号窗口` : '（无窗口）';
}

function numericFirst(a: string, b: string): number {
  const na = /^\d+$/.test(a) ? Number(a) : Number.POSITIVE_INFINITY;
  const nb = /^\d+$/.test(b) ? Number(b) : Number.POSITIVE_INFINITY;
  return na !== nb ? na - nb : a < b ? -1 : a > b ? 1 : 0;
}

function groupName(by: GroupBy, g: Group): string {
  if (by === 'window') return windowLabel(g.code);
  if (by === 'clerk')
    return g.code === '' ? '（无工号：自助终端）' : g.name ? `${g.name}（${g.code}）` : g.code;
  if (by === 'dept') return g.name || (g.code === '' ? '（未指定部门）' : g.code);
  return g.name || (g.code === '' ? '（未指定事项）' : g.code);
}

function sortGroups(by: GroupBy, list: Group[]): Group[] {
  return by === 'window'
    ? [...list].sort((a, b) => numericFirst(a.code, b.code))
    : [...list].sort((a, b) => rated(b) - rated(a) || (a.code < b.code ? -1 : 1));
}

function reasonRows(db: Reader, from: number, to: number, reasonName: ReasonName) {
  const list = reasons(db, from, to);
  const all = list.reduce((n, r) => n + r.n, 0);
  return list.map((r, i) => ({
    rank: i + 1,
    code: r.code,
    name: reasonName(r.code),
    n: r.n,
    share: all ? r.n / all : null,
  }));
}

/**
 * A chart of more groups than this (a county's windows) shows the most rated of them, in
 * the table's order: 5 000 bars say nothing to a reader and take a browser a second to draw.
 */
export const CHART_GROUPS = 40;

function charted(list: Group[]): Group[] {
  if (list.length <= CHART_GROUPS) return list;
  const most = new Set(
    [...list].sort((a, b) => rated(b) - rated(a) || (a.code < b.code ? -1 : 1)).slice(0, CHART_GROUPS),
  );
  return list.filter((g) => most.has(g));
}

function countsChart(labels: string[], counts: Counts[]): Chart {
  return {
    labels,
    series: [
      { name: '评价数', kind: 'bar', axis: 'count', values: counts.map(rated) },
      { name: '差评', kind: 'bar', axis: 'count', values: counts.map(bad) },
      { name: '好评率', kind: 'line', axis: 'rate', values: counts.map(goodRate) },
    ],
  };
}

// ---------------------------------------------------------------------------------
// 统计

export function statsPage(
  db: Reader,
  from: number,
  to: number,
  by: GroupBy,
  reasonName: ReasonName,
): StatsPage {
  const list = sortGroups(by, groups(db, from, to, by));
  const days = daily(db, from, to);
  const ranked = reasonRows(db, from, to, reasonName);
  const codeLabel =
    by === 'window' ? '窗口号' : by === 'clerk' ? '工号' : by === 'dept' ? '部门编码' : '事项编码';
  const range = `${dayText(from)} 至 ${dayText(to)}`;
  return {
    from: dayText(from),
    to: dayText(to),
    by,
    totals: sumOf(days),
    byGroup: (() => {
      const shown = charted(list);
      const chart = countsChart(
        shown.map((g) => groupName(by, g)),
        shown,
      );
      return shown.length < list.length ? { ...chart, of: list.length } : chart;
    })(),
    trend: countsChart(
      days.map((d) => dayText(d.day)),
      days,
    ),
    reasons: {
      labels: ranked.map((r) => r.name),
      series: [{ name: '次数', kind: 'bar', axis: 'count', values: ranked.map((r) => r.n) }],
    },
    tables: [
      {
        id: 'groups',
        title: `按${GROUP_LABELS[by]}统计（${range}）`,
        columns: [
          { label: GROUP_LABELS[by], kind: 'text' },
          { label: codeLabel, kind: 'text' },
          ...COUNT_COLUMNS,
          ...SOURCE_COLUMNS,
        ],
        rows: list.map((g) => [
          groupName(by, g),
          g.code,
          ...countCells(g),
          ...PROMPT_SOURCES.map((s) => g[s]),
        ]),
      },
      {
        id: 'daily',
        title: `每日趋势（${range}）`,
        columns: [{ label: '日期', kind: 'text' }, ...COUNT_COLUMNS],
        rows: days.map((d) => [dayText(d.day), ...countCells(d)]),
      },
      reasonsTable('reasons', `差评原因排行（${range}）`, ranked),
    ],
  };
}

function reasonsTable(
  id: string,
  title: string,
  ranked: { rank: number; code: string; name: string; n: number; share: number | null }[],
): Table {
  return {
    id,
    title,
    columns: [
      { label: '排名', kind: 'int' },
      { label: '差评原因', kind: 'text' },
      { label: '指标代码', kind: 'text' },
      { label: '次数', kind: 'int' },
      { label: '占比', kind: 'rate' },
    ],
    rows: ranked.map((r) => [r.rank, r.name, r.code, r.n, r.share]),
  };
}

// ---------------------------------------------------------------------------------
// 差评

export function alertView(a: StoredAlert, reasonName: ReasonName): AlertView {
  return {
    eventId: a.eventId,
    at: a.at,
    level: a.level,
    levelLabel: levelInfo(a.level).label,
    reasons: a.reasons === '' ? [] : a.reasons.split(',').map(reasonName),
    window: windowLabel(a.windowNo),
    windowNo: a.windowNo,
    deptCode: a.deptCode,
    deptName: a.deptName,
    taskName: a.taskName,
    clerkId: a.clerkId,
    terminalId: a.terminalId,
    training: a.training,
  };
}

function alertsTable(id: string, title: string, list: AlertView[]): Table {
  return {
    id,
    title,
    columns: [
      { label: '时间', kind: 'text' },
      { label: '窗口', kind: 'text' },
      { label: '评价', kind: 'text' },
      { label: '差评原因', kind: 'text' },
      { label: '部门', kind: 'text' },
      { label: '部门编码', kind: 'text' },
      { label: '事项', kind: 'text' },
      { label: '工号', kind: 'text' },
      { label: '终端', kind: 'text' },
      { label: '培训', kind: 'text' },
    ],
    rows: list.map((a) => [
      a.at,
      a.window,
      a.levelLabel,
      a.reasons.length > 0 ? a.reasons.join('、') : '未选原因',
      a.deptName ?? '',
      a.deptCode ?? '',
      a.taskName ?? '',
      a.clerkId ?? '',
      a.terminalId,
      a.training ? '培训' : '',
    ]),
  };
}

export function alertsPage(
  db: Reader,
  filter: AlertFilter,
  reasonName: ReasonName,
  reasonCodes: string[],
): AlertsPage {
  const found = alerts(db, filter);
  const list = found.alerts.map((a) => alertView(a, reasonName));
  return {
    from: dayText(filter.from),
    to: dayText(filter.to),
    total: found.total,
    shown: list.length,
    alerts: list,
    choices: { ...alertChoices(db), reasons: reasonCodes.map((code) => ({ code, name: reasonName(code) })) },
    tables: [alertsTable('alerts', `差评（${dayText(filter.from)} 至 ${dayText(filter.to)}）`, list)],
  };
}

// ---------------------------------------------------------------------------------
// 今日

export function todayPage(db: Reader, now: number, reasonName: ReasonName): TodayPage {
  const day = cstToday(now);
  const terminals = terminalsOfDay(db, day);
  const todays = alerts(db, { from: day, to: day }).alerts.map((a) => alertView(a, reasonName));
  const byTerminal = new Map<string, TodayWindow>();
  const clerkName = (id: string) => {
    const name = nameOf(db, 'clerk', id);
    return name ? `${name}（${id}）` : id;
  };
  for (const t of terminals) {
    byTerminal.set(t.terminalId, {
      terminalId: t.terminalId,
      windowNo: t.windowNo,
      window: windowLabel(t.windowNo),
      clerks: t.clerks.map(clerkName),
      counts: t,
      rated: rated(t),
      bad: bad(t),
      rate: goodRate(t),
      sentAt: t.sentAt,
      alerts: [],
    });
  }
  for (const a of todays) {
    let w = byTerminal.get(a.terminalId);
    if (!w) {
      // 差评 from a terminal whose counts have not come yet (the hour is still running).
      w = {
        terminalId: a.terminalId,
        windowNo: a.windowNo ?? '',
        window: a.window,
        clerks: [],
        counts: { ...ZERO },
        rated: 0,
        bad: 0,
        rate: null,
        sentAt: null,
        alerts: [],
      };
      byTerminal.set(a.terminalId, w);
    }
    w.alerts.push(a);
  }
  const windows = [...byTerminal.values()].sort(
    (a, b) => numericFirst(a.windowNo, b.windowNo) || (a.terminalId < b.terminalId ? -1 : 1),
  );
  const hours = hoursOfDay(db, day);
  return {
    day: dayText(day),
    totals: totals(db, day, day),
    windows,
    hours: {
      labels: hours.map((h) => `${String(h.hour).padStart(2, '0')}:00`),
      series: [
        { name: '好评', kind: 'bar', axis: 'count', values: hours.map((h) => h.good) },
        { name: '差评', kind: 'bar', axis: 'count', values: hours.map((h) => h.bad) },
        { name: '未评价', kind: 'bar', axis: 'count', values: hours.map((h) => h.unrated) },
      ],
    },
    tables: [
      {
        id: 'windows',
        title: `今日各窗口（${dayText(day)}，已结束的整点小时）`,
        columns: [
          { label: '窗口', kind: 'text' },
          { label: '终端', kind: 'text' },
          { label: '工作人员', kind: 'text' },
          ...COUNT_COLUMNS,
          { label: '统计截至', kind: 'text' },
        ],
        rows: windows.map((w) => [
          w.window,
          w.terminalId,
          w.clerks.join('、'),
          ...countCells(w.counts),
          w.sentAt ?? '',
        ]),
      },
      alertsTable('today-alerts', `今日差评（${dayText(day)}）`, todays),
    ],
  };
}

// ---------------------------------------------------------------------------------
// 月报

function monthRange(month: string): [number, number] {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const base = y * 10000 + m * 100;
  return [base + 1, base + last];
}

export function previousMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

function rateChange(now: number | null, before: number | null): number | null {
  return now === null || before === null ? null : now - before;
}

function compareRows(by: GroupBy, now: Group[], before: Group[]): Cell[][] {
  const prev = new Map(before.map((g) => [g.code, g]));
  const seen = new Set<string>();
  const rows: Cell[][] = [];
  for (const g of sortGroups(by, now)) {
    seen.add(g.code);
    const p = prev.get(g.code);
    rows.push([
      groupName(by, g),
      rated(g),
      goodRate(g),
      bad(g),
      p ? rated(p) : 0,
      p ? goodRate(p) : null,
      p ? bad(p) : 0,
      rateChange(goodRate(g), p ? goodRate(p) : null),
    ]);
  }
  for (const p of sortGroups(by, before)) {
    if (seen.has(p.code)) continue;
    rows.push([groupName(by, p), 0, null, 0, rated(p), goodRate(p), bad(p), null]);
  }
  return rows;
}

const COMPARE_COLUMNS = (what: string): Column[] => [
  { label: what, kind: 'text' },
  { label: '本月评价数', kind: 'int' },
  { label: '本月好评率', kind: 'rate' },
  { label: '本月差评', kind: 'int' },
  { label: '上月评价数', kind: 'int' },
  { label: '上月好评率', kind: 'rate' },
  { label: '上月差评', kind: 'int' },
  { label: '好评率变化', kind: 'rate' },
];

export function reportPage(db: Reader, month: string, reasonName: ReasonName): ReportPage {
  const previous = previousMonth(month);
  const [from, to] = monthRange(month);
  const [pFrom, pTo] = monthRange(previous);
  const days = daily(db, from, to);
  const now = sumOf(days);
  const before = totals(db, pFrom, pTo);
  const deptsNow = groups(db, from, to, 'dept');
  const deptsBefore = groups(db, pFrom, pTo, 'dept');
  const ranked = reasonRows(db, from, to, reasonName);
  const rankedBefore = new Map(reasonRows(db, pFrom, pTo, reasonName).map((r) => [r.code, r.n]));
  const list = alerts(db, { from, to }).alerts.map((a) => alertView(a, reasonName));
  const prevDept = new Map(deptsBefore.map((g) => [g.code, g]));
  const sortedDepts = sortGroups('dept', deptsNow);
  const nowCells = countCells(now);
  const beforeCells = countCells(before);
  const change = nowCells.map((c, i) => {
    const b = beforeCells[i];
    return typeof c === 'number' && typeof b === 'number' ? c - b : null;
  });
  return {
    month,
    previous,
    totals: { now, before },
    depts: {
      labels: sortedDepts.map((g) => groupName('dept', g)),
      series: [
        { name: `${month} 好评率`, kind: 'bar', axis: 'rate', values: sortedDepts.map(goodRate) },
        {
          name: `${previous} 好评率`,
          kind: 'bar',
          axis: 'rate',
          values: sortedDepts.map((g) => {
            const p = prevDept.get(g.code);
            return p ? goodRate(p) : null;
          }),
        },
      ],
    },
    trend: countsChart(
      days.map((d) => dayText(d.day).slice(5)),
      days,
    ),
    tables: [
      {
        id: 'totals',
        title: `总体情况（${month}，上月 ${previous}）`,
        columns: [{ label: '月份', kind: 'text' }, ...COUNT_COLUMNS],
        rows: [
          [month, ...nowCells],
          [previous, ...beforeCells],
          ['变化', ...change],
        ],
      },
      {
        id: 'depts',
        title: `各部门好评率（${month}，上月 ${previous}）`,
        columns: COMPARE_COLUMNS('部门'),
        rows: compareRows('dept', deptsNow, deptsBefore),
      },
      {
        id: 'windows',
        title: `各窗口好评率（${month}，上月 ${previous}）`,
        columns: COMPARE_COLUMNS('窗口'),
        rows: compareRows('window', groups(db, from, to, 'window'), groups(db, pFrom, pTo, 'window')),
      },
      {
        id: 'reasons',
        title: `差评原因（${month}，上月 ${previous}）`,
        columns: [
          { label: '排名', kind: 'int' },
          { label: '差评原因', kind: 'text' },
          { label: '指标代码', kind: 'text' },
          { label: '本月次数', kind: 'int' },
          { label: '上月次数', kind: 'int' },
        ],
        rows: ranked.map((r) => [r.rank, r.name, r.code, r.n, rankedBefore.get(r.code) ?? 0]),
      },
      alertsTable('alerts', `本月差评明细（${month}）`, list),
    ],
  };
}
