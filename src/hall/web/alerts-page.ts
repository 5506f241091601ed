// 差评: every 差评 kept, filtered by date, window, department and reason.

import type { AlertsData } from '../wire/page-types.js';
import { $, el } from './common.js';
import {
  alertCard,
  cstDays,
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
const windowSelect = $('window') as HTMLSelectElement;
const dept = $('dept') as HTMLSelectElement;
const reason = $('reason') as HTMLSelectElement;
const training = $('training') as HTMLInputElement;
/** The list draws at most this many cards; the table and the exports have all of them. */
const CARDS = 200;

function params(): Record<string, string> {
  const p: Record<string, string> = { from: from.value, to: to.value };
  if (windowSelect.value) p.window = windowSelect.value;
  if (dept.value) p.dept = dept.value;
  if (reason.value) p.reason = reason.value;
  if (training.checked) p.training = '1';
  return p;
}

function fill(select: HTMLSelectElement, options: [string, string][], chosen: string) {
  const first = select.options[0] as HTMLOptionElement;
  select.replaceChildren(
    first,
    ...options.map(([value, label]) => {
      const o = el('option', '', label) as HTMLOptionElement;
      o.value = value;
      return o;
    }),
  );
  select.value = options.some(([v]) => v === chosen) ? chosen : '';
}

/** `initial`: the page's own query, as the console preloaded its data (the defaults are the console's). */
async function show(initial?: Record<string, string>) {
  const data = await loadPage<AlertsData>('alerts', initial ?? params(), $('list'));
  if (!data) return;
  from.value = data.from;
  to.value = data.to;
  const p: Record<string, string> = { ...(initial ?? params()), from: data.from, to: data.to };
  keepParams(p);
  fill(
    windowSelect,
    data.choices.windows.map((w) => [w, `${w} 号窗口`]),
    p.window ?? '',
  );
  fill(
    dept,
    data.choices.depts.map((d) => [d.code, d.name || d.code]),
    p.dept ?? '',
  );
  fill(
    reason,
    data.choices.reasons.map((r) => [r.code, `${r.name}（${r.code}）`]),
    p.reason ?? '',
  );
  $('count').textContent =
    data.total === 0
      ? '此条件下没有差评'
      : `共 ${data.total} 条差评${data.total > CARDS ? `，下面列出最新的 ${CARDS} 条` : ''}`;
  $('list').replaceChildren(...data.alerts.slice(0, CARDS).map(alertCard));
  $('tables').replaceChildren(...data.tables.map((t) => drawTable(t, 'alerts', p, { limit: 500 })));
  document.body.dataset.ready = 'true';
}

const q = pageParams();
const { today } = cstDays();
const back = new Date(`${today}T00:00:00Z`);
back.setUTCDate(back.getUTCDate() - 29);
from.value = q.get('from') ?? back.toISOString().slice(0, 10);
to.value = q.get('to') ?? today;
training.checked = q.get('training') === '1';
// The selects get their options with the first answer; the filter is asked for at once.
for (const [select, key] of [
  [windowSelect, 'window'],
  [dept, 'dept'],
  [reason, 'reason'],
] as const) {
  const v = q.get(key);
  if (v) {
    const o = el('option', '', v) as HTMLOptionElement;
    o.value = v;
    select.append(o);
    select.value = v;
  }
}
for (const input of [from, to, windowSelect, dept, reason, training])
  input.addEventListener('change', () => void show());
setUpNav();
live(throttled(() => show()));
void show(Object.fromEntries(q));
