// What the figure pages share: the token on every address, fetching a page's data,
// drawing a table (with its CSV and XLSX links) and a chart. Every text from the server
// goes in as textContent: names and reasons came from the bus.

import type * as ECharts from 'echarts';
import type { Chart, Counts, Table } from '../wire/page-types.js';
import { $, el } from './common.js';

declare global {
  /** Apache ECharts, loaded by the page from the console (echarts.js), never from a CDN. */
  const echarts: typeof ECharts;
}

const token = new URLSearchParams(location.search).get('token');

/** `path?params` with the page's token, if it has one. */
export function address(path: string, params: Record<string, string> = {}): string {
  const q = new URLSearchParams(params);
  if (token) q.set('token', token);
  const query = q.toString();
  return query ? `${path}?${query}` : path;
}

/** The page's own query (its filters), without the token. */
export function pageParams(): URLSearchParams {
  const q = new URLSearchParams(location.search);
  q.delete('token');
  return q;
}

/** Puts the filters into the address bar, so the page can be bookmarked or shared. */
export function keepParams(params: Record<string, string>): void {
  history.replaceState(null, '', address(location.pathname, params));
}

/** The same request as `wanted`: the same path and the same parameters, in any order. */
function sameRequest(a: URL, b: URL): boolean {
  const sorted = (u: URL) =>
    [...u.searchParams]
      .map(([k, v]) => `${k}=${v}`)
      .sort()
      .join('&');
  return a.pathname === b.pathname && sorted(a) === sorted(b);
}

/**
 * The address to fetch: the page's preloaded one (asked for with the page itself, see the
 * console's server) when it is the same request, so the browser takes the answer already
 * on its way; used once.
 */
function fetchAddress(wanted: string): string {
  const link = document.querySelector<HTMLLinkElement>('link[rel="preload"][as="fetch"]');
  const url = new URL(wanted, location.href);
  if (!link || !sameRequest(new URL(link.href), url)) return wanted;
  link.remove();
  return link.href;
}

export async function load<T>(page: string, params: Record<string, string>): Promise<T> {
  const res = await fetch(fetchAddress(address(`api/${page}`, params)));
  const text = await res.text();
  if (!res.ok) throw new Error(text || `HTTP ${res.status}`);
  return JSON.parse(text) as T;
}

/**
 * A figure page's data for `params` (kept in the address bar): null when it failed, which
 * `errorIn` then says. The page is marked ready again by its caller, once drawn.
 */
export async function loadPage<T extends { hallId: string }>(
  page: string,
  params: Record<string, string>,
  errorIn: HTMLElement,
): Promise<T | null> {
  keepParams(params);
  document.body.dataset.ready = 'false';
  try {
    const data = await load<T>(page, params);
    $('hall').textContent = data.hallId;
    return data;
  } catch (err) {
    failed(errorIn, err);
    return null;
  }
}

/** The navigation keeps the token; the current page is marked. */
export function setUpNav(): void {
  for (const a of document.querySelectorAll<HTMLAnchorElement>('nav.nav a')) {
    const target = a.getAttribute('href') ?? './';
    a.href = address(target);
    const here = location.pathname.replace(/^\//, '') || './';
    if (target === here || (target === './' && here === './')) a.setAttribute('aria-current', 'page');
  }
}

export function rated(c: Counts): number {
  return c.l5 + c.l4 + c.l3 + c.l2 + c.l1;
}

export function percent(rate: number | null): string {
  return rate === null ? '—' : `${(rate * 100).toFixed(1)}%`;
}

function cellText(value: string | number | null, kind: string): string {
  if (value === null) return '—';
  if (kind === 'rate' && typeof value === 'number') return percent(value);
  return String(value);
}

/**
 * A table with its title and its export links. `page` and `params` make the links: the
 * same query gives the same table as a file.
 */
export function drawTable(
  table: Table,
  page: string,
  params: Record<string, string>,
  options: { limit?: number } = {},
): HTMLElement {
  const section = el('section', 'figure-table');
  section.dataset.table = table.id;
  const head = el('div', 'table-head');
  const title = el('h2', 'table-title', table.title);
  const titleId = `t-${page}-${table.id}`;
  title.id = titleId;
  const links = el('div', 'exports');
  for (const [format, label] of [
    ['csv', '导出 CSV'],
    ['xlsx', '导出 Excel'],
  ] as const) {
    const a = el('a', 'export', label) as HTMLAnchorElement;
    a.href = address(`export/${page}.${format}`, { ...params, table: table.id });
    a.setAttribute('download', '');
    a.setAttribute('aria-label', `${label}：${table.title}`);
    links.append(a);
  }
  head.append(title, links);
  const wrap = el('div', 'table-wrap');
  // A table wider than a phone scrolls sideways in its own box, reachable by keyboard.
  wrap.tabIndex = 0;
  wrap.setAttribute('role', 'region');
  wrap.setAttribute('aria-labelledby', titleId);
  const t = document.createElement('table');
  const thead = document.createElement('thead');
  const hr = document.createElement('tr');
  for (const c of table.columns) {
    const th = el('th', c.kind === 'text' ? '' : 'num', c.label);
    th.setAttribute('scope', 'col');
    hr.append(th);
  }
  thead.append(hr);
  const tbody = document.createElement('tbody');
  const rows = options.limit ? table.rows.slice(0, options.limit) : table.rows;
  for (const row of rows) {
    const tr = document.createElement('tr');
    row.forEach((value, i) => {
      const kind = table.columns[i]?.kind ?? 'text';
      tr.append(el('td', kind === 'text' ? '' : 'num', cellText(value, kind)));
    });
    tbody.append(tr);
  }
  t.append(thead, tbody);
  wrap.append(t);
  section.append(head, wrap);
  if (table.rows.length === 0) section.append(el('p', 'empty', '此范围内没有数据'));
  else if (rows.length < table.rows.length)
    section.append(el('p', 'hint', `显示前 ${rows.length} 行，共 ${table.rows.length} 行；导出文件含全部`));
  return section;
}

const charts = new Map<HTMLElement, ECharts.ECharts>();
const PALETTE = ['#2f6fb0', '#c62828', '#1f8a4c', '#b86e00', '#6a3fb5'];

/**
 * A chart of `data` in `node`: bars and lines, counts on the left axis, rates (%) on the
 * right. The container says in words what it shows (ECharts' aria description).
 */
export function drawChart(
  node: HTMLElement,
  data: Chart,
  title: string,
  options: { print?: boolean; horizontal?: boolean } = {},
): void {
  let chart = charts.get(node);
  if (!chart) {
    chart = echarts.init(node, undefined, {
      renderer: 'canvas',
      // Sharp when printed (the 月报 goes to paper).
      devicePixelRatio: options.print ? 3 : window.devicePixelRatio,
    });
    charts.set(node, chart);
  }
  const hasRate = data.series.some((s) => s.axis === 'rate');
  const hasCount = data.series.some((s) => s.axis === 'count');
  // Names (departments, reasons) wrap under their bar; many dates turn instead.
  const many = data.labels.length > 10;
  const slot = Math.max(40, (node.clientWidth - 80) / Math.max(1, data.labels.length) - 6);
  const category = {
    type: 'category' as const,
    data: data.labels,
    axisLabel: options.horizontal
      ? { width: Math.min(220, node.clientWidth * 0.4), overflow: 'break' as const, fontSize: 12 }
      : many
        ? { interval: 'auto' as const, rotate: 35, fontSize: 12 }
        : { interval: 0, width: slot, overflow: 'break' as const, fontSize: 12 },
    ...(options.horizontal ? { inverse: true } : {}),
  };
  const valueAxes = [
    ...(hasCount ? [{ type: 'value' as const, name: '次数', minInterval: 1 }] : []),
    ...(hasRate
      ? [
          {
            type: 'value' as const,
            name: '好评率',
            min: 0,
            max: 100,
            axisLabel: { formatter: '{value}%' },
            splitLine: { show: !hasCount },
          },
        ]
      : []),
  ];
  chart.setOption(
    {
      animation: false,
      color: PALETTE,
      aria: { enabled: true, label: { description: `${title}：${describe(data)}` } },
      textStyle: { fontFamily: 'Noto Sans CJK SC, sans-serif' },
      tooltip: { trigger: 'axis' },
      legend: { top: 0, textStyle: { fontSize: 13 } },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: options.horizontal ? valueAxes : category,
      yAxis: options.horizontal ? category : valueAxes,
      series: data.series.map((s) => ({
        name: s.name,
        type: s.kind,
        [options.horizontal ? 'xAxisIndex' : 'yAxisIndex']: s.axis === 'rate' && hasCount ? 1 : 0,
        data: s.values.map((v) => {
          if (v === null) return null;
          const value = s.axis === 'rate' ? Math.round(v * 1000) / 10 : v;
          // A low rate's bar has no room for its label inside: above it, in the text's colour.
          return s.axis === 'rate' && s.kind === 'bar' && value < 15
            ? { value, label: { position: 'top', color: '#1d2733' } }
            : value;
        }),
        connectNulls: true,
        barMaxWidth: 36,
        label:
          (s.axis === 'rate' && s.kind === 'bar' && data.labels.length <= 8) || options.horizontal
            ? {
                show: true,
                position: options.horizontal ? 'right' : 'inside',
                formatter: s.axis === 'rate' ? '{c}%' : '{c}',
              }
            : undefined,
      })),
    },
    true,
  );
}

function describe(data: Chart): string {
  if (data.labels.length === 0) return '没有数据';
  const first = data.series[0];
  const parts = data.labels.slice(0, 12).map((label, i) => `${label} ${first?.values[i] ?? '—'}`);
  return `${first?.name ?? ''}：${parts.join('，')}${data.labels.length > 12 ? '……' : ''}（详见下表）`;
}

addEventListener('resize', () => {
  for (const chart of charts.values()) chart.resize();
});
addEventListener('beforeprint', () => {
  for (const chart of charts.values()) chart.resize();
});

/** The hall's id, the broker's and the database's state at the top; a callback on news. */
export function live(onNews: () => void): void {
  const source = new EventSource(address('events', { only: 'figures' }));
  const pill = $('broker');
  const store = $('store');
  const showStore = (problem: string | null) => {
    store.hidden = problem === null;
    store.textContent = problem ? `数据库：${problem}` : '';
  };
  const showBroker = (b: { state: string; problem?: string | null }) => {
    pill.textContent =
      b.state === 'connected'
        ? '已连接消息服务器'
        : b.state === 'connecting'
          ? '正在连接消息服务器…'
          : '消息服务器未连接';
    pill.className = `pill ${b.state === 'connected' ? 'pill-ok' : b.state === 'connecting' ? 'pill-wait' : 'pill-bad'}`;
  };
  source.addEventListener('hello', (e) => {
    const d = JSON.parse((e as MessageEvent<string>).data) as {
      hallId: string;
      broker: { state: string };
      storeProblem: string | null;
    };
    $('hall').textContent = d.hallId;
    showBroker(d.broker);
    showStore(d.storeProblem);
  });
  source.addEventListener('broker', (e) => showBroker(JSON.parse((e as MessageEvent<string>).data)));
  source.addEventListener('store', (e) => showStore(JSON.parse((e as MessageEvent<string>).data).problem));
  source.addEventListener('figures', onNews);
  source.addEventListener('alert', onNews);
}

/** Shows a failed load where the figures would be, in words. */
export function failed(where: HTMLElement, err: unknown): void {
  where.replaceChildren(
    el('p', 'error', `读取数据失败：${err instanceof Error ? err.message : String(err)}`),
  );
}

/** The CST date today and the first of this month, for the forms' defaults. */
export function cstDays(): { today: string; monthStart: string } {
  const d = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
  return { today: d, monthStart: `${d.slice(0, 8)}01` };
}

/** The headline figures: 评价数, 好评率, 差评, 未评价; `before` adds last month's beside them. */
export function drawKpis(node: HTMLElement, c: Counts, before?: Counts): void {
  const all = rated(c);
  const rate = all === 0 ? null : (c.l5 + c.l4 + c.l3) / all;
  const items: [string, string, string | null][] = [
    ['评价数', String(all), before ? String(rated(before)) : null],
    [
      '好评率',
      percent(rate),
      before
        ? percent(rated(before) === 0 ? null : (before.l5 + before.l4 + before.l3) / rated(before))
        : null,
    ],
    ['差评', String(c.l2 + c.l1), before ? String(before.l2 + before.l1) : null],
    ['未评价', String(c.declined + c.expired), before ? String(before.declined + before.expired) : null],
  ];
  node.replaceChildren(
    ...items.map(([label, value, was]) => {
      const box = el('div', 'kpi');
      box.append(el('span', 'kpi-label', label), el('b', 'kpi-value', value));
      if (was !== null) box.append(el('span', 'kpi-before', `上月 ${was}`));
      return box;
    }),
  );
}

/** One 差评 as a card: level, window, reasons, and the department by its name. */
export function alertCard(a: {
  at: string;
  levelLabel: string;
  window: string;
  reasons: string[];
  deptName: string | null;
  deptCode: string | null;
  taskName: string | null;
  clerkId: string | null;
  terminalId: string;
  training: boolean;
}): HTMLElement {
  const item = el('li', `alert ${a.training ? 'alert-training' : 'alert-bad'}`);
  const head = el('div', 'alert-head');
  head.append(el('span', 'alert-kind', `差评 · ${a.levelLabel}`));
  if (a.training) head.append(el('span', 'tag-training', '培训'));
  head.append(el('span', 'alert-window', a.window), el('time', 'alert-time', a.at));
  const facts: string[] = [];
  if (a.deptName || a.deptCode) facts.push(`部门：${a.deptName || a.deptCode}`);
  if (a.taskName) facts.push(`事项：${a.taskName}`);
  if (a.clerkId) facts.push(`工号：${a.clerkId}`);
  facts.push(`终端：${a.terminalId}`);
  item.append(
    head,
    el('div', 'alert-reasons', a.reasons.length > 0 ? a.reasons.join('、') : '未选原因'),
    el('div', 'alert-facts', facts.join(' · ')),
  );
  return item;
}

/** Reloads at most every few seconds however often news comes. */
export function throttled(fn: () => Promise<void>, ms = 3_000): () => void {
  let timer: number | null = null;
  let running = false;
  return () => {
    if (timer !== null) return;
    timer = window.setTimeout(async () => {
      timer = null;
      if (running) return;
      running = true;
      try {
        await fn();
      } finally {
        running = false;
      }
    }, ms);
  };
}
