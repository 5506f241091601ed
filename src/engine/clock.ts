// Time and ids come from outside the rules; tests hand in their own.
import { randomUUID } from 'node:crypto';

import type { Clock } from '../core/outer-ports.js';

export type { Clock } from '../core/outer-ports.js';

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export const newUuid = (): string => randomUUID();
