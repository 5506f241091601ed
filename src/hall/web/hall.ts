// The hall console's page. Every text from the bus goes into the page as textContent,
// never as markup: the server has checked shapes, and this is the second line.

interface Clerk {
  id: string;
  name: string;
  status: 'serving' | 'paused';
}
interface State {
  terminalId: string;
  windowNo: string | null;
  mode: 'counter' | 'kiosk';
  version: string;
  clerk: Clerk | null;
  keypad: 'online' | 'offline' | 'none';
  store: 'ok' | 'fault';
  platform: { state: string; queued: number; rejected: number; oldestQueuedAt: string | null };
  prompt: 'open' | 'none';
  training: boolean;
  at: string;
}
interface Entry {
  terminalId: string;
  availability: 'online' | 'offline' | null;
  state: State | null;
  lastSeen: number;
}
interface BadAlert {
  seq: number;
  kind: 'bad_rating';
  terminalId: string;
  receivedAt: number;
  level: 1 | 2;
  reasons: string[];
  windowNo: string | null;
  clerkId: string | null;
  deptCode: string | null;
  taskName: string | null;
  training: boolean;
  at: string;
}
interface FaultAlert {
  seq: number;
  kind: 'store_fault' | 'platform_paused';
  terminalId: string;
  receivedAt: number;
  state: string | null;
  at: string;
}
type Alert = BadAlert | FaultAlert;
type Broker =
  | { state: 'connecting' }
  | { state: 'connected' }
  | { state: 'disconnected'; problem: string | null };
interface Stats {
  accepted: number;
  refused: Record<string, number>;
  terminals: number;
}

/** A terminal silent this long while "online" is marked: three missed 30 s states. */
const STALE_MS = 95_000;
/** An unsent record older than this (by the terminal's own clock) is worth a look. */
const BACKLOG_MS = 60 * 60_000;
const MAX_ALERTS = 200;

const REFUSAL_LABELS: Record<string, string> = {
  topic: '主题不符',
  too_big: '消息过大',
  not_utf8: '非 UTF-8',
  not_json: '非 JSON',
  shape: '字段不符',
  mismatch: '终端或大厅不符',
  too_many: '终端数超限',
};
const PLATFORM_LABELS: Record<string, string> = {
  unconfigured: '未配置',
  online: '在线',
  offline: '离线',
  auth_failed: '认证失败',
  misconfigured: '配置错误',
};
const KEYPAD_LABELS: Record<string, string> = { online: '在线', offline: '离线', none: '无' };

const $ = (id: string) => document.getElementById(id) as HTMLElement;

function el(tag: string, className: string, text?: string): HTMLElement {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** `yyyy-MM-dd HH:mm:ss` (UTC+8) of a terminal → milliseconds, for comparing two of them. */
function cstMillis(text: string): number {
  return Date.parse(`${text.replace(' ', 'T')}+08:00`);
}

/** The console's clock, shown in UTC+8 like the terminals' times. */
function cstClock(ms: number): string {
  const d = new Date(ms + 8 * 3600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

// ---------------------------------------------------------------------------------
// Terminals

interface Card {
  root: HTMLElement;
  windowNo: HTMLElement;
  id: HTMLElement;
  badge: HTMLElement;
  training: HTMLElement;
  clerk: HTMLElement;
  keypad: HTMLElement;
  store: HTMLElement;
  platform: HTMLElement;
  prompt: HTMLElement;
  seen: HTMLElement;
  entry: Entry;
  sortKey: string;
  problem: boolean;
}

const cards = new Map<string, Card>();
/** The console server's clock minus this device's: a phone's clock may be minutes off. */
let clockOffset = 0;
const serverNow = () => Date.now() + clockOffset;
const grid = $('terminals');

function line(card: HTMLElement, label: string): HTMLElement {
  const row = el('div', 'row');
  row.append(el('span', 'label', label));
  const value = el('span', 'value');
  row.append(value);
  card.append(row);
  return value;
}

function makeCard(entry: Entry): Card {
  const root = el('article', 'card');
  root.dataset.terminal = entry.terminalId;
  const head = el('div', 'card-head');
  const windowNo = el('span', 'window');
  const badge = el('span', 'badge');
  const training = el('span', 'tag-training', '培训');
  head.append(windowNo, training, badge);
  const id = el('div', 'term-id');
  root.append(head, id);
  const card: Card = {
    root,
    windowNo,
    id,
    badge,
    training,
    clerk: line(root, '人员'),
    keypad: line(root, '评价器'),
    store: line(root, '存储'),
    platform: line(root, '平台'),
    prompt: line(root, '评价'),
    seen: line(root, '最后消息'),
    entry,
    sortKey: '',
    problem: false,
  };
  return card;
}

function sortKeyOf(entry: Entry): string {
  const w = entry.state?.windowNo ?? '';
  // Windows in number order (2 before 10), then by terminal id; no window last.
  const num = /^\d+$/.test(w) ? w.padStart(8, '0') : w === '' ? '\uffff' : `~${w}`;
  return `${num}\u0000${entry.terminalId}`;
}

function setValue(node: HTMLElement, text: string, tone: '' | 'ok' | 'bad' | 'warn' | 'muted') {
  node.textContent = text;
  node.className = tone ? `value ${tone}` : 'value';
}

function fill(card: Card, entry: Entry, now: number) {
  card.entry = entry;
  const s = entry.state;
  card.windowNo.textContent = s?.windowNo
    ? `${s.windowNo} 号窗口`
    : s?.mode === 'kiosk'
      ? '自助终端'
      : '窗口未知';
  card.id.textContent = s ? `${entry.terminalId} · v${s.version}` : entry.terminalId;
  card.training.hidden = !s?.training;

  const problems: string[] = [];
  if (!s) {
    for (const v of [card.clerk, card.keypad, card.store, card.platform, card.prompt])
      setValue(v, '—', 'muted');
  } else {
    setValue(
      card.clerk,
      s.clerk
        ? `${s.clerk.name}（${s.clerk.id}）${s.clerk.status === 'serving' ? '服务中' : '暂停'}`
        : s.mode === 'kiosk'
          ? '自助'
          : '未登录',
      s.clerk?.status === 'paused' ? 'muted' : '',
    );
    setValue(card.keypad, KEYPAD_LABELS[s.keypad] ?? s.keypad, s.keypad === 'offline' ? 'bad' : '');
    if (s.keypad === 'offline') problems.push('评价器离线');
    setValue(card.store, s.store === 'ok' ? '正常' : '故障', s.store === 'ok' ? '' : 'bad');
    if (s.store !== 'ok') problems.push('存储故障');
    const p = s.platform;
    let platform = PLATFORM_LABELS[p.state] ?? p.state;
    if (p.queued > 0) platform += ` · 待上报 ${p.queued}`;
    if (p.rejected > 0) platform += ` · 被拒 ${p.rejected}`;
    let tone: '' | 'bad' | 'warn' = '';
    if (p.state === 'auth_failed' || p.state === 'misconfigured') tone = 'bad';
    else if (p.state === 'offline' || p.rejected > 0) tone = 'warn';
    if (p.oldestQueuedAt !== null && cstMillis(s.at) - cstMillis(p.oldestQueuedAt) > BACKLOG_MS) {
      platform += ` · 最早 ${p.oldestQueuedAt.slice(5, 16)}`;
      tone = tone || 'warn';
    }
    if (tone) problems.push('平台');
    setValue(card.platform, platform, tone);
    setValue(card.prompt, s.prompt === 'open' ? '评价中' : '空闲', s.prompt === 'open' ? 'ok' : 'muted');
  }

  const stale = entry.availability === 'online' && now - entry.lastSeen > STALE_MS;
  setValue(card.seen, `${cstClock(entry.lastSeen)}${stale ? '（久无消息）' : ''}`, stale ? 'warn' : 'muted');
  if (entry.availability === 'offline') {
    card.badge.textContent = '离线';
    card.badge.className = 'badge badge-offline';
  } else if (entry.availability === 'online') {
    card.badge.textContent = problems.length > 0 ? '异常' : '在线';
    card.badge.className = problems.length > 0 ? 'badge badge-warn' : 'badge badge-online';
  } else {
    card.badge.textContent = '未知';
    card.badge.className = 'badge badge-unknown';
  }
  card.problem = entry.availability !== 'online' || problems.length > 0 || stale;
  card.root.className = `card${entry.availability === 'offline' ? ' offline' : ''}${
    card.problem && entry.availability === 'online' ? ' warn' : ''
  }${s?.training ? ' training' : ''}${card.problem ? ' problem' : ''}`;
}

function placeAll() {
  const sorted = [...cards.values()].sort((a, b) =>
    a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0,
  );
  const fragment = document.createDocumentFragment();
  for (const card of sorted) fragment.append(card.root);
  grid.append(fragment);
}

function upsert(entries: Entry[], remove: string[]) {
  const now = serverNow();
  let reorder = false;
  for (const id of remove) {
    cards.get(id)?.root.remove();
    cards.delete(id);
  }
  for (const entry of entries) {
    let card = cards.get(entry.terminalId);
    if (!card) {
      card = makeCard(entry);
      cards.set(entry.terminalId, card);
      reorder = true;
    }
    fill(card, entry, now);
    const key = sortKeyOf(entry);
    if (key !== card.sortKey) {
      card.sortKey = key;
      reorder = true;
    }
  }
  if (reorder) placeAll();
  summarise();
}

function summarise() {
  let online = 0;
  let offline = 0;
  let problem = 0;
  let training = 0;
  for (const card of cards.values()) {
    if (card.entry.availability === 'online') online++;
    if (card.entry.availability === 'offline') offline++;
    if (card.problem && card.entry.availability === 'online') problem++;
    if (card.entry.state?.training) training++;
  }
  $('n-all').textContent = String(cards.size);
  $('n-online').textContent = String(online);
  $('n-offline').textContent = String(offline);
  $('n-problem').textContent = String(problem);
  $('n-training').textContent = String(training);
  $('no-terminals').hidden = cards.size > 0;
}

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
    if (alert.deptCode) facts.push(`部门：${alert.deptCode}`);
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
    };
    clockOffset = data.now - Date.now();
    $('hall').textContent = data.hallId;
    document.title = `大厅终端监控 · ${data.hallId}`;
    for (const card of cards.values()) card.root.remove();
    cards.clear();
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

($('only-problems') as HTMLInputElement).addEventListener('change', (e) => {
  grid.classList.toggle('only-problems', (e.target as HTMLInputElement).checked);
});

// Silence shows only with time passing: re-check the "久无消息" marks now and then.
setInterval(() => {
  const now = serverNow();
  for (const card of cards.values()) fill(card, card.entry, now);
  summarise();
}, 15_000);

setSound(false);
connect();
