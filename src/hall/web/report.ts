// 月报: the printable monthly report for 每月通报, the month before beside it.

import type { ReportData } from '../wire/page-types.js';
import { $ } from './common.js';
import { drawChart, drawKpis, drawTable, live, loadPage, pageParams, setUpNav } from './figures-ui.js';

const month = $('month') as HTMLInputElement;

/** `initial`: the page's own query, as the console preloaded its data. */
async function show(initial?: Record<string, string>) {
  const p = initial ?? (month.value ? { month: month.value } : ({} as Record<string, string>));
  const data = await loadPage<ReportData>('report', p, $('tables'));
  if (!data) return;
  month.value = data.month;
  const [y, m] = data.month.split('-');
  $('title').textContent = `${data.hallId} 好差评月度通报（${y} 年 ${Number(m)} 月）`;
  document.title = `好差评月报 ${data.month} · ${data.hallId}`;
  $('subtitle').textContent = `统计期间：${data.month}；对比：${data.previous}`;
  drawKpis($('kpis'), data.totals.now, data.totals.before);
  drawChart($('chart-depts'), data.depts, '各部门好评率', { print: true });
  drawChart($('chart-trend'), data.trend, '本月每日评价', { print: true });
  $('tables').replaceChildren(...data.tables.map((t) => drawTable(t, 'report', { month: data.month })));
  document.body.dataset.ready = 'true';
}

($('print') as HTMLButtonElement).addEventListener('click', () => print());
month.addEventListener('change', () => void show());
const q = pageParams();
month.value = q.get('month') ?? '';
setUpNav();
live(() => undefined);
void show(Object.fromEntries(q));
