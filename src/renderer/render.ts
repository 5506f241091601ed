// Draws a view state. A pure function of the view: it decides nothing, it shows what
// the engine says and reports what was touched.
import type { Intent } from '../core/events.js';
import type { Screen, ViewState } from '../core/view.js';

type Send = (intent: Intent) => void;

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { className?: string; text?: string; attrs?: Record<string, string> } = {},
  ...children: (Node | null)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.text !== undefined) node.textContent = props.text;
  for (const [k, v] of Object.entries(props.attrs ?? {})) node.setAttribute(k, v);
  for (const c of children) if (c) node.append(c);
  return node;
}

function button(label: string, onClick: () => void, className = '', keyHint?: number): HTMLButtonElement {
  const b = el('button', { className, attrs: { type: 'button', 'aria-label': label } });
  b.append(el('span', { text: label }));
  if (keyHint !== undefined)
    b.append(el('span', { className: 'key', text: `按键 ${keyHint}`, attrs: { 'aria-hidden': 'true' } }));
  b.addEventListener('click', onClick);
  return b;
}

/** The engine's QR SVG, parsed as an image document: no markup of it becomes HTML. */
function qrBlock(qr: { svg: string }, caption: string): HTMLElement {
  const doc = new DOMParser().parseFromString(qr.svg, 'image/svg+xml');
  const svg = doc.documentElement;
  const box = el('figure', { className: 'qr' });
  if (svg.nodeName === 'svg') {
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', caption);
    box.append(document.importNode(svg, true));
  }
  box.append(el('figcaption', { text: caption }));
  return box;
}

function countdown(deadline: number): HTMLElement {
  return el('p', { className: 'countdown', attrs: { 'data-deadline': String(deadline) } });
}

export function renderScreen(screen: Screen, send: Send): HTMLElement[] {
  switch (screen.kind) {
    case 'idle': {
      const status =
        screen.clerkStatus === 'paused'
          ? el('h1', { text: '暂停服务' })
          : screen.clerkStatus === 'absent'
            ? el('h1', { text: '暂无工作人员' })
            : el('h1', { text: '欢迎光临' });
      const clerk = screen.clerk
        ? el(
            'div',
            { className: 'clerk' },
            screen.clerk.photo ? el('img', { attrs: { src: screen.clerk.photo, alt: '' } }) : null,
            el('div', { text: `${screen.clerk.name}  工号 ${screen.clerk.id}` }),
            el('div', { className: 'muted', text: screen.clerk.department }),
            screen.clerk.stars !== null
              ? el('div', {
                  text: '★'.repeat(screen.clerk.stars),
                  attrs: { 'aria-label': `${screen.clerk.stars} 星` },
                })
              : null,
          )
        : null;
      const nodes: HTMLElement[] = clerk ? [status, clerk] : [status];
      if (screen.staticQr) nodes.push(qrBlock(screen.staticQr, '扫码评价本大厅'));
      return nodes;
    }
    case 'choose_scope':
      return [
        el('h1', { text: '请选择评价方式' }),
        el('h2', { text: `${screen.service}：${screen.departments.join('、')}` }),
        el(
          'div',
          { className: 'row' },
          ...screen.options.map((o) =>
            button(o.label, () => send({ type: 'choose_scope', scope: o.scope }), '', o.position),
          ),
        ),
        button('不评价', () => send({ type: 'decline' }), 'secondary'),
        countdown(screen.deadline),
      ];
    case 'rate': {
      const who =
        screen.subject.step !== null
          ? `${screen.subject.departments.join('、')}（第 ${screen.subject.step.index} / ${screen.subject.step.total} 个部门）`
          : screen.subject.departments.join('、');
      const nodes: HTMLElement[] = [
        el('h1', { text: screen.changingFrom !== null ? '请重新选择评价' : '请您对本次服务进行评价' }),
        el('h2', { text: `${screen.service} · ${who}` }),
        el(
          'div',
          { className: 'row' },
          ...screen.buttons.map((b) => {
            const node = button(
              b.label,
              () => send({ type: 'rate', level: b.level }),
              `level ${b.verdict}`,
              b.position,
            );
            node.dataset.level = String(b.level);
            return node;
          }),
        ),
      ];
      if (screen.realName) {
        const input = el('input', { attrs: { type: 'checkbox' } });
        input.checked = screen.realName.on;
        const realName = screen.realName;
        input.addEventListener('change', () => send({ type: 'real_name', on: !realName.on }));
        nodes.push(
          el(
            'label',
            { className: 'switch' },
            input,
            el('span', { text: `实名评价（${realName.maskedName}）` }),
          ),
        );
      }
      if (screen.qr) nodes.push(qrBlock(screen.qr, '扫码评价'));
      const row = el('div', { className: 'row' });
      if (screen.canDecline) row.append(button('不评价', () => send({ type: 'decline' }), 'secondary'));
      if (screen.changingFrom !== null)
        row.append(button('返回', () => send({ type: 'back_to_reasons' }), 'secondary'));
      nodes.push(row, countdown(screen.deadline));
      return nodes;
    }
    case 'reasons':
      return [
        el('h1', { text: '请选择不满意的原因' }),
        el('h2', { text: `${screen.levelLabel} · ${screen.subject.join('、')}` }),
        el(
          'div',
          { className: 'row' },
          ...screen.reasons.map((r, i) => {
            const b = button(
              r.label,
              () => send({ type: 'toggle_reason', code: r.code }),
              `reason${i === screen.cursor ? ' cursor' : ''}`,
            );
            b.setAttribute('aria-pressed', String(r.selected));
            return b;
          }),
        ),
        el(
          'div',
          { className: 'row' },
          button('返回修改', () => send({ type: 'change_level' }), 'secondary', 4),
          button('提交', () => send({ type: 'submit_reasons' }), '', 5),
        ),
        el('p', {
          className: 'muted',
          text: screen.keyHints.map((h) => `按键${h.position} ${h.label}`).join('　'),
        }),
        countdown(screen.deadline),
      ];
    case 'thanks':
      return [el('p', { className: 'thanks', text: '谢谢您的评价' })];
    case 'fault':
      return [el('p', { className: 'fault', text: screen.message })];
  }
}

export function render(view: ViewState, root: HTMLElement, banner: HTMLElement, send: Send): void {
  banner.hidden = view.keypadBanner === null;
  banner.textContent = view.keypadBanner ?? '';
  root.dataset.screen = view.screen.kind;
  root.replaceChildren(...renderScreen(view.screen, send));
}
