// Says the terminal's clips one after another: each starts when the one before ended.
// A new list replaces whatever is still being said, so a press during the reading of
// the choices stops it and the thanks is heard at once.

/** Told when the browser would not play a clip: shown to technicians in diagnostics. */
export type Refused = (name: string, reason: string) => void;

import { clip } from './clips.js';

export class Voice {
  private audio: HTMLAudioElement | null = null;
  /** Which list is being said: players are reused (clips.ts), so an old play's answer is told apart by its turn. */
  private turn = 0;
  private queue: string[] = [];
  private volume = 1;

  constructor(private readonly refused: Refused) {}

  /** `volume`: 0–100 (`ui.volume`). An empty list only stops what is being said. */
  say(clips: readonly string[], volume: number): void {
    this.stop();
    this.volume = Math.max(0, Math.min(1, volume / 100));
    this.queue = [...clips];
    this.next();
  }

  private stop(): void {
    this.turn++;
    const audio = this.audio;
    this.audio = null;
    this.queue = [];
    audio?.pause();
  }

  private next(): void {
    const name = this.queue.shift();
    if (name === undefined) {
      this.audio = null;
      return;
    }
    const audio = clip(name);
    audio.volume = this.volume;
    this.audio = audio;
    const turn = ++this.turn;
    // Whichever of these comes first moves on; the rest find a later turn and do nothing.
    const onward = () => {
      if (this.turn === turn) this.next();
    };
    // Handlers as properties, not listeners: the player is kept, and a listener per play would pile up.
    audio.onended = onward;
    // A clip that is missing or unreadable (a hall without a recording of that reason) is
    // skipped: the rest of the list is still said.
    audio.onerror = onward;
    audio.play().catch((err: unknown) => {
      const reason = (err instanceof Error ? err.name : 'Error').slice(0, 64);
      if (this.turn !== turn && reason === 'AbortError') return; // replaced by a newer list
      this.refused(name, reason);
      // Without autoplay every clip is refused alike: one report for the list is enough.
      if (reason === 'NotAllowedError') {
        if (this.turn === turn) this.stop();
        return;
      }
      onward();
    });
  }
}
