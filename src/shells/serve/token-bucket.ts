// How many messages a peer may send: `burst` at once, then `perSecond` on average.
export interface TokenBucket {
  /** Spends one message; false when none is left. */
  take(): boolean;
}

export function tokenBucket(burst: number, perSecond: number, now: () => number): TokenBucket {
  let tokens = burst;
  let last = now();
  return {
    take() {
      const t = now();
      tokens = Math.min(burst, tokens + ((t - last) / 1000) * perSecond);
      last = t;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}
