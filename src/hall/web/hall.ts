// The hall console's page: the stream from the console's server, the 差评 list and its
// sound. Every text from the bus goes into the page as textContent, never as markup: the
// server has checked shapes, and this is the second line.

import type { Alert, Broker, Entry, Stats } from '../wire/page-types.js';
import { clearCards, refreshCards, setServerClock, upsert } from './cards.js';
import { $, el, PLATFORM_LABELS } from './common.js';
import { setUpNav } from './figures-ui.js';

const MAX_ALERTS = 200;

const REFUSAL_LABELS: Record<string, string> = {
  topic: '主题不符',
  too_big: '消息过大',
  not_utf8: '非 UTF-8',
  not_json: '非 JSON',
  shape: '字段不符',
  mismatch: '终端、大厅或日期不符',
  day: '日期不合理',
  too_many: '终端数超限',
};

// ---------------------------------------------------------------------------------
// Alerts and their sound

const alertList = $('alerts');
const soundButton = $('sound') as HTMLButtonElement;
const audio = new Audio('alert.wav');
audio.preload = 'auto';
let rings = 0;

function setSound(on: boolean) {
  soundButton.textContent = on ? '提示音：已开启' : '点击开启提示音';
  soundButton.className = on ? 'sound on' : 'sound off';
}

function ring() {
  // Counted on the page, so a test can tell an alarm from a silent (training) alert.
  document.body.dataset.rings = String(++rings);
  audio.currentTime = 0;
  // Browsers refuse sound until someone has touched the page (or the kiosk allows it).
  audio.play().then(
    () => setSound(true),
    () => setSound(false),
  );
}

soundButton.addEventListener('click', () => {
  audio.currentTime = 0;
  audio.play().then(
    () => setSound(true),
    () => setSound(false),
  );
});

function alertItem(alert: Alert): HTMLElement {
  const item = el('li', 'alert');
  item.dataset.seq = String(alert.seq);
  const head = el('div', 'alert-head');
  const body = el('div', 'alert-body');
  if (alert.kind === 'bad_rating') {
    item.classList.add(alert.training ? 'alert-training' : 'alert-bad');
    head.append(el('span', 'alert-kind', alert.level === 1 ? '差评 · 非常不满意' : '差评 · 不满意'));
    if (alert.training) head.append(el('span', 'tag-training', '培训'));
    head.append(el('span', 'alert-window', alert.windowNo ? `${alert.windowNo} 号窗口` : '自助终端'));
    body.append(el('div', 'alert-reasons', alert.reasons.length > 0 ? alert.reasons.join('、') : '未选原因'));
    const facts: string[] = [];
    if (alert.taskName) facts.push(`事项：${alert.taskName}`);
    // The department by its name (the contract's deptName); an older terminal's by its code.
    if (alert.deptName || alert.deptCode) facts.push(`部门：${alert.deptName || alert.deptCode}`);
    if (alert.clerkId) facts.push(`工号：${alert.clerkId}`);
    facts.push(`终端：${alert.terminalId}`);
    body.append(el('div', 'alert-facts', facts.join(' · ')));
  } else {
    item.classList.add('alert-fault');
    head.append(
      el(
        'span',
        'alert-kind',
        alert.kind === 'store_fault'
          ? '故障 · 存储'
          : `故障 · 平台暂停（${PLATFORM_LABELS[alert.state ?? ''] ?? ''}）`,
      ),
    );
    body.append(el('div', 'alert-facts', `终端：${alert.terminalId}`));
  }
  head.append(el('time', 'alert-time', alert.at.slice(5)));
  item.append(head, body);
  return item;
}

function addAlerts(alerts: Alert[], live: boolean) {
  // Oldest first in, so the newest ends on top.
  for (const alert of [...alerts].reverse()) {
    const item = alertItem(alert);
    if (live) item.classList.add('fresh');
    alertList.prepend(item);
    if (live && alert.kind === 'bad_rating' && !alert.training) ring();
  }
  while (alertList.children.length > MAX_ALERTS) alertList.lastElementChild?.remove();
  $('no-alerts').hidden = alertList.children.length > 0;
}

// ---------------------------------------------------------------------------------
// The stream

function showBroker(b: Broker) {
  const pill = $('broker');
  if (b.state === 'connected') {
    pill.textContent = '已连接消息服务器';
    pill.className = 'pill pill-ok';
  } else if (b.state === 'connecting') {
    pill.textContent = '正在连接消息服务器…';
    pill.className = 'pill pill-wait';
  } else {
    pill.textContent = `消息服务器未连接${b.problem ? `：${b.problem}` : ''}`;
    pill.className = 'pill pill-bad';
  }
}

function showStats(stats: Stats) {
  const refused = Object.values(stats.refused).reduce((a, b) => a + b, 0);
  $('n-refused').textContent = String(refused);
  const parts = Object.entries(stats.refused)
    .filter(([, n]) => n > 0)
    .map(([reason, n]) => `${REFUSAL_LABELS[reason] ?? reason} ${n}`);
  $('refused-detail').textContent = parts.length > 0 ? `（${parts.join('，')}）` : '';
  document.body.dataset.refused = String(refused);
  document.body.dataset.accepted = String(stats.accepted);
  document.body.dataset.duplicates = String(stats.duplicates ?? 0);
}

function showStore(problem: string | null) {
  const node = $('store');
  node.hidden = problem === null;
  node.textContent = problem ? `数据库：${problem}` : '';
}

function connect() {
  const token = new URLSearchParams(location.search).get('token');
  const source = new EventSource(token ? `events?token=${encodeURIComponent(token)}` : 'events');
  source.addEventListener('snapshot', (e) => {
    const data = JSON.parse((e as MessageEvent<string>).data) as {
      hallId: string;
      broker: Broker;
      stats: Stats;
      terminals: Entry[];
      alerts: Alert[];
      now: number;
      storeProblem: string | null;
    };
    setServerClock(data.now);
    showStore(data.storeProblem);
    $('hall').textContent = data.hallId;
    document.title = `大厅终端监控 · ${data.hallId}`;
    clearCards();
    alertList.replaceChildren();
    upsert(data.terminals, []);
    addAlerts(data.alerts, false);
    showBroker(data.broker);
    showStats(data.stats);
    document.body.dataset.ready = 'true';
  });
  source.addEventListener('terminals', (e) => {
    const data = JSON.parse((e as MessageEvent<string>).data) as { upsert: Entry[]; remove: string[] };
    upsert(data.upsert, data.remove);
  });
  source.addEventListener('alert', (e) =>
    addAlerts([JSON.parse((e as MessageEvent<string>).data) as Alert], true),
  );
  source.addEventListener('store', (e) =>
    showStore((JSON.parse((e as MessageEvent<string>).data) as { problem: string | null }).problem),
  );
  source.addEventListener('stats', (e) => showStats(JSON.parse((e as MessageEvent<string>).data) as Stats));
  source.addEventListener('broker', (e) =>
    showBroker(JSON.parse((e as MessageEvent<string>).data) as Broker),
  );
  source.addEventListener('error', () => {
    if (source.readyState === EventSource.CLOSED) {
      showBroker({ state: 'disconnected', problem: '与监控服务的连接已断开，请刷新页面' });
    } else {
      $('broker').textContent = '与监控服务的连接中断，正在重连…';
      $('broker').className = 'pill pill-wait';
    }
  });
}

setInterval(refreshCards, 15_000);

setSound(false);
setUpNav();
// The 差评 list scrolls in its own box: reachable by keyboard too.
(document.querySelector('.alerts-panel') as HTMLElement).tabIndex = 0;
connect();
