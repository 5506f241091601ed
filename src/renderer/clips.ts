// The voice prompts' players, one per clip, made at its first use and kept: a new Audio
// for every sound loaded the clip again on the screens' main thread (WebMediaPlayer's
// load took up to ~90 ms there) and left a media player behind for the garbage
// collector at every press, the thank-you screen's slowest frames on a kiosk's small CPU.
const players = new Map<string, HTMLAudioElement>();

/** The clip's player, rewound: playing it again starts it from the beginning. */
export function clip(name: string): HTMLAudioElement {
  let audio = players.get(name);
  if (!audio) {
    audio = new Audio(`/sounds/${name}.wav`);
    players.set(name, audio);
  } else {
    audio.pause();
    audio.currentTime = 0;
  }
  return audio;
}

/**
 * Runs `then` once the next frame is painted (a task after its animation frame), or
 * after 100 ms if no frame comes (a page the browser does not draw).
 */
export function afterPaint(then: () => void): void {
  let done = false;
  const run = () => {
    if (done) return;
    done = true;
    then();
  };
  requestAnimationFrame(() => setTimeout(run, 0));
  setTimeout(run, 100);
}
