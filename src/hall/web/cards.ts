// The terminals' cards: one per terminal, updated in place, in window order. Every text
// from the bus goes in as textContent, never as markup.

import type { Entry } from '../wire/page-types.js';
import { $, el, PLATFORM_LABELS } from './common.js';

/** A terminal silent this long while "online" is marked: three missed 30 s states. */
const STALE_MS = 95_000;
/** An unsent record older than this (by the terminal's own clock) is worth a look. */
const BACKLOG_MS = 60 * 60_000;
const KEYPAD_LABELS: Record<string, string> = { online: '在线', offline: '离线', none: '无' };

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

export function setServerClock(serverMs: number) {
  clockOffset = serverMs - Date.now();
}
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

export function upsert(entries: Entry[], remove: string[]) {
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

export function clearCards() {
  for (const card of cards.values()) card.root.remove();
  cards.clear();
}

/** Silence shows only with time passing: redraws the "久无消息" marks. */
export function refreshCards() {
  const now = serverNow();
  for (const card of cards.values()) fill(card, card.entry, now);
  summarise();
}

($('only-problems') as HTMLInputElement).addEventListener('change', (e) => {
  grid.classList.toggle('only-problems', (e.target as HTMLInputElement).checked);
});
