// A clock of its own for a real process (a terminal that must live through a day in a
// test): Debian's libfaketime, preloaded into the process, reads the offset from a file
// this helper writes. The process runs at real speed (its keypad, its screens and its
// timeouts as in a hall) and the test moves its clock forward when hours must pass;
// timers that fall due meanwhile fire then, as after a suspended machine. A missing
// faketime fails with a message naming it.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const LIBFAKETIME = [
  '/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1',
  '/usr/lib/aarch64-linux-gnu/faketime/libfaketimeMT.so.1',
  '/usr/lib/faketime/libfaketimeMT.so.1',
];

/** Debian's libfaketime (the multi-threaded one: Node has threads). */
export function libfaketime(): string {
  const found = LIBFAKETIME.find((p) => existsSync(p));
  if (!found) {
    throw new Error(
      'faketime is not installed (no libfaketimeMT.so.1): apt-get install faketime — this test runs a terminal whose clock passes hours',
    );
  }
  return found;
}

export class ProcessClock {
  private readonly file: string;

  /** A clock reading `startMs` from now on, kept in `dir`. */
  constructor(dir: string, startMs: number) {
    this.file = join(dir, 'faketime');
    this.set(startMs);
  }

  /** The environment that gives a process started with it this clock. */
  env(): Record<string, string> {
    return {
      LD_PRELOAD: libfaketime(),
      FAKETIME_TIMESTAMP_FILE: this.file,
      // Read again at most every second: a move takes effect within one.
      FAKETIME_CACHE_DURATION: '1',
    };
  }

  /**
   * Sets the clock (for processes already running, within a second): only forward, as a
   * clock that passes hours does. The offset is whole seconds from the real time now.
   */
  set(ms: number): void {
    const offset = Math.round((ms - Date.now()) / 1000);
    writeFileSync(this.file, `${offset >= 0 ? '+' : ''}${offset}\n`);
  }
}
