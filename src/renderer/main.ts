// The screens' entry: connects to the engine, draws each view, reports touches and
// keyboard-wedge keypad keys, and ticks the visible countdowns.
import type { DownMessage } from '../core/bridge.js';
import type { ViewState } from '../core/view.js';
import { Banner, type TimeNotice } from './banner.js';
import { afterPaint } from './clips.js';
import { DiagnosticsOverlay } from './diagnostics.js';
import { EN, LanguageChoice } from './language.js';
import { render } from './render.js';
import { connect } from './transport.js';
import { Voice } from './voice.js';

const root = document.getElementById('app') as HTMLElement;
const banner = new Banner(document.getElementById('banner') as HTMLElement);
let clockOffset = 0;
let hidCodes = new Set<string>();

const transport = connect(onMessage, (connected) => {
  document.body.dataset.connected = String(connected);
});
const diagnostics = new DiagnosticsOverlay((m) => transport.send(m));
// A refused play (no autoplay without a user gesture, a missing clip) is told to the
// engine, so technicians see in diagnostics why the terminal is silent.
const voice = new Voice((name, reason) => transport.send({ type: 'sound_refused', name, reason }));
/** After the reasons screen's longest time a key no longer extends it: the note must not say so. */
let extendable = true;
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
      extendable = m.view.screen.kind !== 'reasons' || m.view.screen.extendable;
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
    case 'sound':
      // The screen the sound goes with (sent just before it) is painted first: a clip's
      // seek and start on this thread never hold back the thank-you.
      afterPaint(() => voice.say(m.clips, m.volume));
      return;
  }
}

/** What the last seconds' notice says: whether a key, or only a touch, still gives time. */
function endingText(en: boolean, seconds: number): string {
  if (!extendable) return en ? EN.endingFinal(seconds) : `还剩 ${seconds} 秒，到时自动提交`;
  if (lastView?.keys === false) return en ? EN.endingTouch(seconds) : `还剩 ${seconds} 秒，点选原因可延长`;
  return en ? EN.ending(seconds) : `还剩 ${seconds} 秒，按任意键可延长`;
}

function tick() {
  const now = Date.now() + clockOffset;
  let notice: TimeNotice | null = null;
  for (const node of root.querySelectorAll<HTMLElement>('[data-deadline]')) {
    const left = Math.max(0, Math.ceil((Number(node.dataset.deadline) - now) / 1000));
    const en = node.lang === 'en';
    node.textContent = en ? `${left} ${EN.seconds}` : `${left} 秒`;
    const warnAt = Number(node.dataset.warnAt);
    if (left > 0 && left <= warnAt) {
      node.classList.add('ending');
      // Said once for each deadline, on the banner's line: a redraw with the same
      // deadline (a key once the time is capped) keeps it as it is.
      notice = {
        text: endingText(en, warnAt),
        lang: en ? 'en' : 'zh',
        deadline: node.dataset.deadline ?? '',
      };
    }
  }
  banner.setNotice(notice);
}
setInterval(tick, 250);

// Keypad keys always go to the engine: the technicians' overlay never covers a prompt,
// so a key pressed while it is up has nothing to rate and the engine ignores it.
document.addEventListener('keydown', (e) => {
  if (!hidCodes.has(e.code) || e.repeat) return;
  e.preventDefault();
  transport.send({ type: 'hid_key', code: e.code });
});
