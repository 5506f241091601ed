// 统计: any date range, grouped by window, clerk, department or 事项; charts and tables.

import type { StatsData } from '../wire/page-types.js';
import { $ } from './common.js';
import {
  cstDays,
  drawChart,
  drawKpis,
  drawTable,
  keepParams,
  live,
  loadPage,
  pageParams,
  setUpNav,
  throttled,
} from './figures-ui.js';

const from = $('from') as HTMLInputElement;
const to = $('to') as HTMLInputElement;
const by = $('by') as HTMLSelectElement;
const GROUP = { window: '窗口', clerk: '工作人员', dept: '部门', task: '事项' } as const;

function params(): Record<string, string> {
  return { from: from.value, to: to.value, by: by.value };
}

/** `initial`: the page's own query, as the console preloaded its data (the defaults are the console's). */
async function show(initial?: Record<string, string>) {
  const data = await loadPage<StatsData>('stats', initial ?? params(), $('tables'));
  if (!data) return;
  from.value = data.from;
  to.value = data.to;
  by.value = data.by;
  const p = params();
  keepParams(p);
  drawKpis($('kpis'), data.totals);
  const group = GROUP[data.by];
  $('h-groups').textContent = data.byGroup.of
    ? `按${group}：好评率与评价数（评价数最多的 ${data.byGroup.labels.length} 个，共 ${data.byGroup.of} 个，均见下表）`
    : `按${group}：好评率与评价数`;
  drawChart($('chart-groups'), data.byGroup, `按${group}的好评率与评价数`);
  drawChart($('chart-trend'), data.trend, '每日趋势');
  drawChart($('chart-reasons'), data.reasons, '差评原因排行', { horizontal: true });
  $('tables').replaceChildren(...data.tables.map((t) => drawTable(t, 'stats', p, { limit: 500 })));
  document.body.dataset.ready = 'true';
}

function shift(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

for (const button of document.querySelectorAll<HTMLButtonElement>('[data-range]')) {
  button.addEventListener('click', () => {
    const { today, monthStart } = cstDays();
    const range = button.dataset.range;
    if (range === 'month') [from.value, to.value] = [monthStart, today];
    else if (range === 'last-month') {
      const end = shift(monthStart, -1);
      [from.value, to.value] = [`${end.slice(0, 8)}01`, end];
    } else if (range === 'year') [from.value, to.value] = [`${today.slice(0, 4)}-01-01`, today];
    else [from.value, to.value] = [shift(today, -Number(range) + 1), today];
    void show();
  });
}
for (const input of [from, to, by]) input.addEventListener('change', () => void show());

const q = pageParams();
const { today, monthStart } = cstDays();
from.value = q.get('from') ?? monthStart;
to.value = q.get('to') ?? today;
by.value = q.get('by') ?? 'window';
setUpNav();
live(throttled(() => show()));
void show(Object.fromEntries(q));
