// 今日: each window's counts so far (the hours finished), its 好评率 and its 差评.

import type { TodayData } from '../wire/page-types.js';
import { $, el } from './common.js';
import {
  alertCard,
  drawChart,
  drawKpis,
  drawTable,
  failed,
  live,
  load,
  percent,
  setUpNav,
  throttled,
} from './figures-ui.js';

async function show() {
  let data: TodayData;
  try {
    data = await load<TodayData>('today', {});
  } catch (err) {
    failed($('windows'), err);
    return;
  }
  $('hall').textContent = data.hallId;
  $('day').textContent = data.day;
  drawKpis($('kpis'), data.totals);
  drawChart($('chart-hours'), data.hours, '今日各小时评价');
  $('no-windows').hidden = data.windows.length > 0;
  $('windows').replaceChildren(
    ...data.windows.map((w) => {
      const card = el('article', 'window-card');
      card.dataset.terminal = w.terminalId;
      const head = el('div', 'window-head');
      head.append(el('span', 'window', w.window), el('span', 'term-id', w.terminalId));
      const figures = el('div', 'window-figures');
      figures.append(
        el('span', 'fig', `评价 ${w.rated}`),
        el('span', 'fig rate', `好评率 ${percent(w.rate)}`),
        el('span', w.bad > 0 ? 'fig bad' : 'fig', `差评 ${w.bad}`),
      );
      card.append(head, figures);
      if (w.clerks.length > 0) card.append(el('div', 'window-clerks', `工作人员：${w.clerks.join('、')}`));
      card.append(
        el(
          'div',
          'window-through',
          w.sentAt ? `统计截至 ${w.sentAt.slice(11, 13)}:00` : '本小时的统计尚未收到',
        ),
      );
      if (w.alerts.length > 0) {
        const list = el('ol', 'alerts');
        list.setAttribute('aria-label', `${w.window}今日差评`);
        list.append(...w.alerts.map(alertCard));
        card.append(list);
      }
      return card;
    }),
  );
  $('tables').replaceChildren(...data.tables.map((t) => drawTable(t, 'today', {})));
  document.body.dataset.ready = 'true';
}

setUpNav();
live(throttled(show));
void show();
// The day turns at midnight and the hour's counts come a minute after it: look again.
setInterval(() => void show(), 5 * 60_000);
