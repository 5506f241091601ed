// The line at the top of every screen, always reserved (its appearing moves nothing): the
// 培训模式 mark, the keypad-offline note, and in a reasons screen's last 10 s the notice
// that time is running out. The notice takes the note's place on this line rather than
// a place in the footer, where it would squeeze the buttons onto two lines.
import { el, type Words } from './dom.js';
import { LANG_TAG } from './language.js';

/** What the view puts on the line: the training mark, and a note (keypad, training). */
export interface BannerBase {
  training: boolean;
  note: Words | null;
}

/** The last seconds' notice: said once for each `deadline` (screen readers hear it once). */
export interface TimeNotice extends Words {
  deadline: string;
}

export class Banner {
  private base: BannerBase = { training: false, note: null };
  private notice: TimeNotice | null = null;
  private drawn = '';
  private announced: string | null = null;

  constructor(private readonly node: HTMLElement) {}

  /** From each view (render). */
  setBase(base: BannerBase): void {
    this.base = base;
    this.draw();
  }

  /** From the countdown's tick: the notice while the last seconds run, else null. */
  setNotice(notice: TimeNotice | null): void {
    this.notice = notice;
    this.draw();
  }

  /** Drawn again only when it changed: a redraw would make screen readers say it again. */
  private draw(): void {
    const key = JSON.stringify([this.base, this.notice]);
    if (key === this.drawn) return;
    this.drawn = key;
    const { training } = this.base;
    const notice = this.notice;
    const note = notice ?? this.base.note;
    this.node.hidden = note === null && !training;
    const parts: Node[] = [];
    if (training) parts.push(el('strong', { className: 'training-mark', text: '培训模式' }));
    if (notice) {
      const attrs: Record<string, string> = notice.lang === 'zh' ? {} : { lang: LANG_TAG[notice.lang] };
      if (this.announced !== notice.deadline) attrs.role = 'status';
      this.announced = notice.deadline;
      parts.push(el('span', { className: 'ending-note', text: notice.text, attrs }));
    } else if (note) {
      parts.push(
        note.lang === 'zh'
          ? document.createTextNode(note.text)
          : el('span', { attrs: { lang: LANG_TAG[note.lang] }, text: note.text }),
      );
    }
    this.node.replaceChildren(...parts);
  }
}
