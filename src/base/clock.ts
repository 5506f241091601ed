// Time comes from outside the rules: the engine, the drivers, the forwarder and the fleet
// are handed a Clock (tests hand in a fake one) and never read the system's themselves.
// A Clock is also where timers come from, so fake time moves deadlines too.

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    // A retry or deadline timer must never be what keeps the process alive (an open
    // serial port or server does that on its own).
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};
