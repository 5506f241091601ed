// The technicians' screen, over the citizen's: opened by holding the top-left corner
// for 3 s (or Ctrl+Shift+D on a keyboard), then a PIN the engine checks. Citizens do
// not hold an empty corner for 3 s by chance; the PIN keeps out those who do.
import type { UpMessage } from '../core/bridge.js';
import type { DiagnosticsAnswer, DiagnosticsView } from '../core/diagnostics-view.js';

const HOLD_MS = 3_000;
const IDLE_CLOSE_MS = 120_000;

type Send = (m: UpMessage) => void;

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  text?: string,
  className?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function time(ms: number | null): string {
  return ms === null ? '—' : new Date(ms).toLocaleString('zh-CN', { hour12: false });
}

export class DiagnosticsOverlay {
  private readonly root: HTMLElement;
  private pin = '';
  private idleTimer: number | undefined;

  constructor(private readonly send: Send) {
    this.root = el('div', undefined, 'overlay');
    this.root.id = 'diagnostics';
    this.root.hidden = true;
    document.body.append(this.root);
    const corner = el('div', undefined, 'corner');
    corner.setAttribute('aria-hidden', 'true');
    let hold: number | undefined;
    corner.addEventListener('pointerdown', () => {
      hold = window.setTimeout(() => this.askPin(''), HOLD_MS);
    });
    for (const end of ['pointerup', 'pointerleave', 'pointercancel']) {
      corner.addEventListener(end, () => window.clearTimeout(hold));
    }
    document.body.append(corner);
    document.addEventListener('keydown', (e) => {
      if (e.ctrlKey && e.shiftKey && e.code === 'KeyD') {
        e.preventDefault();
        this.askPin('');
      }
    });
    this.root.addEventListener('pointerdown', () => this.touch());
  }

  get open(): boolean {
    return !this.root.hidden;
  }

  answer(a: DiagnosticsAnswer): void {
    if (a.type === 'diagnostics') this.show(a.view);
    else {
      const why =
        a.reason === 'disabled'
          ? '诊断页面未启用（diagnostics.pin）'
          : a.reason === 'locked'
            ? `错误次数过多，请 ${a.retryInSeconds} 秒后再试`
            : '密码错误';
      this.askPin(why);
    }
  }

  private touch() {
    window.clearTimeout(this.idleTimer);
    this.idleTimer = window.setTimeout(() => this.close(), IDLE_CLOSE_MS);
  }

  private close() {
    this.pin = '';
    this.root.hidden = true;
    this.root.replaceChildren();
    window.clearTimeout(this.idleTimer);
  }

  private button(label: string, onClick: () => void, className = ''): HTMLButtonElement {
    const b = el('button', label, className);
    b.type = 'button';
    b.addEventListener('click', onClick);
    return b;
  }

  private askPin(message: string) {
    this.touch();
    this.root.hidden = false;
    let entered = '';
    const shown = el('p', '', 'pin-shown');
    const pad = el('div', undefined, 'pin-pad');
    for (const d of ['1', '2', '3', '4', '5', '6', '7', '8', '9', '清除', '0', '确定']) {
      pad.append(
        this.button(d, () => {
          if (d === '清除') entered = '';
          else if (d === '确定') {
            this.pin = entered;
            this.send({ type: 'diagnostics_open', pin: entered });
            return;
          } else if (entered.length < 12) entered += d;
          shown.textContent = '●'.repeat(entered.length);
        }),
      );
    }
    this.root.replaceChildren(
      el('h2', '技术人员诊断'),
      el('p', message || '请输入诊断密码', message ? 'pin-error' : ''),
      shown,
      pad,
      this.button('取消', () => this.close(), 'secondary'),
    );
  }

  private show(v: DiagnosticsView) {
    this.touch();
    this.root.hidden = false;
    const table = (rows: [string, string][]) => {
      const t = el('table');
      for (const [k, val] of rows) {
        const tr = el('tr');
        tr.append(el('th', k), el('td', val));
        t.append(tr);
      }
      return t;
    };
    const rejected = el('table', undefined, 'rejected');
    for (const r of v.rejected) {
      const tr = el('tr');
      tr.append(el('td', r.transactionId), el('td', time(r.ratedAt)), el('td', r.code), el('td', r.message));
      rejected.append(tr);
    }
    this.root.replaceChildren(
      el('h2', `技术人员诊断 · ${v.terminalId}`),
      v.notice ? el('p', v.notice, 'notice') : el('p', ''),
      table([
        [
          '评价器',
          `${v.keypad.driver} · ${v.keypad.state}${v.keypad.fault ? ` · ${v.keypad.fault}` : ''} · ${v.keypad.path ?? '—'}${v.keypad.portOpen ? '（已打开）' : ''}`,
        ],
        [
          '评价器型号',
          v.keypad.hello
            ? `${v.keypad.hello.model} / ${v.keypad.hello.firmware} / ${v.keypad.hello.serialNo}`
            : '—',
        ],
        ['存储', `${v.store.state}${v.store.message ? ` · ${v.store.message}` : ''} · ${v.store.path}`],
        ['密钥文件', v.store.keyFault ?? '正常'],
        ['平台', `${v.platform.state} · 待发送 ${v.platform.pending} · 被拒 ${v.platform.rejected}`],
        ['最近送达', time(v.platform.lastDeliveryAt)],
        ['最近错误', v.platform.lastError ?? '—'],
        ['下次重试', time(v.platform.nextAttemptAt)],
        [
          '版本',
          `app ${v.versions.app} · node ${v.versions.node}${v.versions.electron ? ` · electron ${v.versions.electron}` : ''}`,
        ],
      ]),
      el('h3', `被平台拒收的记录（${v.rejected.length}）`),
      rejected,
      el('h3', '配置（密钥已隐藏）'),
      el('pre', JSON.stringify(v.config, null, 2), 'config'),
      el('div', undefined, 'row'),
    );
    const row = this.root.lastElementChild as HTMLElement;
    row.append(
      this.button(
        '重新发送被拒记录',
        () => this.send({ type: 'diagnostics_retry', pin: this.pin }),
        'primary',
      ),
      this.button('刷新', () => this.send({ type: 'diagnostics_open', pin: this.pin })),
      this.button('关闭', () => this.close(), 'secondary'),
    );
  }
}
