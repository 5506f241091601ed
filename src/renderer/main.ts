// The screens' entry: connects to the engine, draws each view, reports touches and
// keyboard-wedge keypad keys, and ticks the visible countdowns.
import type { DownMessage } from '../core/bridge.js';
import type { ViewState } from '../core/view.js';
import { DiagnosticsOverlay } from './diagnostics.js';
import { EN, LanguageChoice } from './language.js';
import { render } from './render.js';
import { connect } from './transport.js';

const root = document.getElementById('app') as HTMLElement;
const banner = document.getElementById('banner') as HTMLElement;
let clockOffset = 0;
let hidCodes = new Set<string>();

const transport = connect(onMessage, (connected) => {
  document.body.dataset.connected = String(connected);
});
const diagnostics = new DiagnosticsOverlay((m) => transport.send(m));
let lastView: ViewState | null = null;
// The citizen's 中文/English: a toggle draws the same view again in the other language.
const language = new LanguageChoice(() => {
  if (lastView) draw(lastView);
});

function draw(view: ViewState) {
  render(view, root, banner, (intent) => transport.send({ type: 'intent', intent }), language);
  diagnostics.screen(view.screen.kind);
  tick();
}

function onMessage(m: DownMessage) {
  switch (m.type) {
    case 'view':
      // Deadlines are in the engine's time; the screen counts down in its own.
      clockOffset = m.view.now - Date.now();
      lastView = m.view;
      draw(m.view);
      return;
    case 'hid_keys':
      hidCodes = new Set(m.keys.flat());
      return;
    case 'diagnostics_enabled':
      diagnostics.setEnabled(m.enabled);
      return;
    case 'diagnostics':
    case 'diagnostics_refused':
      diagnostics.answer(m);
      return;
    case 'sound': {
      const audio = new Audio(`/sounds/${m.name}.wav`);
      audio.volume = Math.max(0, Math.min(1, m.volume / 100));
      // A refused play (no autoplay without a user gesture, a missing clip) is told to the
      // engine, so technicians see in diagnostics why the terminal is silent.
      void audio.play().catch((err: unknown) => {
        const reason = err instanceof Error ? err.name : 'Error';
        transport.send({ type: 'sound_refused', name: m.name, reason: reason.slice(0, 64) });
      });
      return;
    }
  }
}

/** The deadline whose last seconds were already announced: said once, not at every redraw. */
let warnedDeadline: string | undefined;

function tick() {
  const now = Date.now() + clockOffset;
  for (const node of root.querySelectorAll<HTMLElement>('[data-deadline]')) {
    const left = Math.max(0, Math.ceil((Number(node.dataset.deadline) - now) / 1000));
    const en = node.lang === 'en';
    node.textContent = en ? `${left} ${EN.seconds}` : `${left} 秒`;
    const warnAt = Number(node.dataset.warnAt);
    if (left > 0 && left <= warnAt) {
      node.classList.add('ending');
      if (warnedDeadline !== node.dataset.deadline) {
        warnedDeadline = node.dataset.deadline;
        // Announced by the banner's status line, which screen readers already follow.
        const note = document.createElement('p');
        note.className = 'ending-note';
        note.setAttribute('role', 'status');
        note.textContent = en ? EN.ending(warnAt) : `还剩 ${warnAt} 秒，按任意键可延长`;
        node.before(note);
      }
    }
  }
}
setInterval(tick, 250);

// Keypad keys always go to the engine: the technicians' overlay never covers a prompt,
// so a key pressed while it is up has nothing to rate and the engine ignores it.
document.addEventListener('keydown', (e) => {
  if (!hidCodes.has(e.code) || e.repeat) return;
  e.preventDefault();
  transport.send({ type: 'hid_key', code: e.code });
});
