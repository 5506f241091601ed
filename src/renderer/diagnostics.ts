// The technicians' screen, over the citizen's: opened by holding the top-left corner
// for 3 s (or Ctrl+Shift+D on a keyboard), then a PIN the engine checks. Citizens do
// not hold an empty corner for 3 s by chance; the PIN keeps out those who do. Without
// a PIN configured there is no corner and no pad at all. It never covers a prompt: a
// prompt that opens closes it, and it does not open while one is on the screen.
import type { UpMessage } from '../core/bridge.js';
import type { DiagnosticsAnswer, DiagnosticsView } from '../core/diagnostics-view.js';
import type { Screen } from '../core/view.js';

const HOLD_MS = 3_000;
const IDLE_CLOSE_MS = 120_000;
/** The screens on which a citizen is being asked something. */
const PROMPT_SCREENS: ReadonlySet<Screen['kind']> = new Set([
  'choose_scope',
  'rate',
  'reasons',
  'indicators',
]);

type Send = (m: UpMessage) => void;

/** The terminal's own reasons for setting a record aside, named; a platform's code as it sent it. */
const LOCAL_CODES: Record<string, string> = {
  unreadable_record: '本机记录已损坏，无法发送',
  unopenable_personal_data: '个人信息无法用本机密钥解开',
};

function codeText(code: string): string {
  const local = LOCAL_CODES[code];
  return local ? `${local}（${code}）` : code;
}
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

/** Ratings given before their service's time: the business system's clock runs ahead of ours. */
function clockSkewText(s: DiagnosticsView['clockSkew']): string {
  if (s.ratings === null) return '—';
  if (s.ratings === 0 || !s.last) return `近 ${s.days} 天无`;
  return `近 ${s.days} 天 ${s.ratings} 条评价早于办件时间（业务系统时钟快于本机），已按办件时间上报 · 最近 ${time(s.last.ratedAt)}，办件时间 ${s.last.serviceTime}`;
}

/** The URL mode: pages received, and the last failure with the gateway's reason. */
function platformPageText(p: NonNullable<DiagnosticsView['platformPage']>): string {
  const failed = p.lastFailure ? ` · 最近失败 ${time(p.lastFailure.at)}：${p.lastFailure.message}` : '';
  return `已获取 ${p.pages}（其中超时后到达 ${p.late}）· 失败 ${p.failures}${failed}`;
}

/** Sounds the browser refused: a kiosk Chromium started without the autoplay flag is silent. */
function soundText(s: DiagnosticsView['sound']): string {
  if (s.refused === 0 || !s.last) return '正常（未发现被拒绝的播放）';
  return `浏览器拒绝播放 ${s.refused} 次（最近 ${s.last.name}，${s.last.reason}，${time(s.last.at)}）· 请用 --autoplay-policy=no-user-gesture-required 启动 Chromium，并检查 assets/sounds/ 的声音文件`;
}

export class DiagnosticsOverlay {
  private readonly root: HTMLElement;
  private pin = '';
  private idleTimer: number | undefined;
  /** The corner to hold, there only once the engine says a PIN is set; while null, nothing opens. */
  private corner: HTMLElement | null = null;
  private promptShown = false;

  constructor(private readonly send: Send) {
    this.root = el('div', undefined, 'overlay');
    this.root.id = 'diagnostics';
    this.root.hidden = true;
    document.body.append(this.root);
    document.addEventListener('keydown', (e) => {
      if (this.corner && e.ctrlKey && e.shiftKey && e.code === 'KeyD') {
        e.preventDefault();
        this.askPin('');
      }
    });
    this.root.addEventListener('pointerdown', () => this.touch());
  }

  get open(): boolean {
    return !this.root.hidden;
  }

  /** Whether `diagnostics.pin` is set, as the engine says on connecting. */
  setEnabled(enabled: boolean): void {
    if (!enabled) {
      this.close();
      this.corner?.remove();
      this.corner = null;
      return;
    }
    if (this.corner) return;
    const corner = el('div', undefined, 'corner');
    corner.setAttribute('aria-hidden', 'true');
    let hold: number | undefined;
    corner.addEventListener('pointerdown', () => {
      window.clearTimeout(hold);
      hold = window.setTimeout(() => this.askPin(''), HOLD_MS);
    });
    for (const end of ['pointerup', 'pointerleave', 'pointercancel']) {
      corner.addEventListener(end, () => window.clearTimeout(hold));
    }
    document.body.append(corner);
    this.corner = corner;
  }

  /** Each screen the engine shows: a prompt takes the screen back from the technician at once. */
  screen(kind: Screen['kind']): void {
    this.promptShown = PROMPT_SCREENS.has(kind);
    if (this.promptShown) this.close();
  }

  answer(a: DiagnosticsAnswer): void {
    // An answer that arrives after the overlay was closed (by 取消 or by a prompt) opens nothing.
    if (!this.open) return;
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
    this.root.classList.remove('pin');
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
    if (!this.corner || this.promptShown) return;
    this.touch();
    this.root.hidden = false;
    this.root.classList.add('pin');
    let entered = '';
    const shown = el('p', '', 'pin-shown');
    const pad = el('div', undefined, 'pin-pad');
    const keyClass: Record<string, string> = { 清除: 'secondary', 确定: 'primary' };
    for (const d of ['1', '2', '3', '4', '5', '6', '7', '8', '9', '清除', '0', '确定']) {
      pad.append(
        this.button(
          d,
          () => {
            if (d === '清除') entered = '';
            else if (d === '确定') {
              this.pin = entered;
              this.send({ type: 'diagnostics_open', pin: entered });
              return;
            } else if (entered.length < 12) entered += d;
            shown.textContent = '●'.repeat(entered.length);
          },
          keyClass[d] ?? '',
        ),
      );
    }
    // Text and 取消 beside the keys in landscape, above them in portrait: the whole pad
    // fits the smallest screen (800×480) without scrolling.
    const text = el('div', undefined, 'pin-text');
    text.append(
      el('h2', '技术人员诊断'),
      el('p', message || '请输入诊断密码', message ? 'pin-error' : ''),
      shown,
      this.button('取消', () => this.close(), 'secondary'),
    );
    this.root.replaceChildren(text, pad);
  }

  private show(v: DiagnosticsView) {
    this.touch();
    this.root.hidden = false;
    this.root.classList.remove('pin');
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
      tr.append(
        el('td', r.transactionId),
        el('td', time(r.ratedAt)),
        el('td', codeText(r.code)),
        el('td', r.message),
      );
      rejected.append(tr);
    }
    this.root.replaceChildren(
      el('h2', `技术人员诊断 · ${v.terminalId}`),
      v.notice ? el('p', v.notice, 'notice') : el('p', ''),
      table([
        [
          '培训模式',
          `${v.training.on ? '是（评价只存本机，不上报）' : '否'} · 培训记录 ${v.training.records ?? '—'} 条`,
        ],
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
        ['时钟偏差', clockSkewText(v.clockSkew)],
        ...(v.platformPage ? [['省评价页面', platformPageText(v.platformPage)] as [string, string]] : []),
        ['声音', soundText(v.sound)],
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
    // The configuration scrolls in its own box: focusable, so a keyboard can scroll it too.
    const config = this.root.querySelector('pre.config') as HTMLElement;
    config.tabIndex = 0;
    config.setAttribute('aria-label', '配置（密钥已隐藏）');
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
