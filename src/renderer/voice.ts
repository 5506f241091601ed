// Says the terminal's clips one after another: each starts when the one before ended.
// A new list replaces whatever is still being said, so a press during the reading of
// the choices stops it and the thanks is heard at once.

/** Told when the browser would not play a clip: shown to technicians in diagnostics. */
export type Refused = (name: string, reason: string) => void;

export class Voice {
  private audio: HTMLAudioElement | null = null;
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
    const audio = new Audio(`/sounds/${name}.wav`);
    audio.volume = this.volume;
    this.audio = audio;
    // Whichever of these comes first moves on; the rest find another clip current and do nothing.
    const onward = () => {
      if (this.audio === audio) this.next();
    };
    audio.addEventListener('ended', onward);
    // A clip that is missing or unreadable (a hall without a recording of that reason) is
    // skipped: the rest of the list is still said.
    audio.addEventListener('error', onward);
    audio.play().catch((err: unknown) => {
      const reason = (err instanceof Error ? err.name : 'Error').slice(0, 64);
      if (this.audio !== audio && reason === 'AbortError') return; // replaced by a newer list
      this.refused(name, reason);
      // Without autoplay every clip is refused alike: one report for the list is enough.
      if (reason === 'NotAllowedError') {
        if (this.audio === audio) this.stop();
        return;
      }
      onward();
    });
  }
}
