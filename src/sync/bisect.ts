// Finding the records a platform refuses when it refuses a whole request (400, 413,
// 422): the batch is halved until each refused part is a single record, which is set
// aside; every other part is sent on its own, so the rest are still delivered. A batch
// too large for a proxy on the way is halved the same way, with nothing set aside.
// Parts are sent in order, so the oldest records still go first.

export class BatchSplitter<T> {
  private parts: T[][];

  constructor(batch: readonly T[]) {
    this.parts = batch.length > 0 ? [[...batch]] : [];
  }

  /** The part to send next; undefined when every part has been handled. */
  current(): readonly T[] | undefined {
    return this.parts[0];
  }

  /** The current part got an answer for its records. */
  done(): void {
    this.parts.shift();
  }

  /**
   * The platform refused the current part. A part of several records is replaced by
   * its two halves; a single record is returned, to be set aside.
   */
  refused(): T | null {
    const part = this.parts.shift();
    if (part === undefined) return null;
    if (part.length === 1) return part[0] as T;
    const mid = Math.ceil(part.length / 2);
    this.parts.unshift(part.slice(0, mid), part.slice(mid));
    return null;
  }

  /**
   * Something on the way refused the current part as too large (a proxy's body limit):
   * every part waiting is cut to at most half its size, so none is sent that large
   * again; nothing is set aside. Returns that size; null for a single record, which
   * cannot be made smaller.
   */
  halve(): number | null {
    const part = this.parts[0];
    if (part === undefined || part.length < 2) return null;
    const max = Math.ceil(part.length / 2);
    this.parts = this.parts.flatMap((p) => {
      const pieces: T[][] = [];
      for (let i = 0; i < p.length; i += max) pieces.push(p.slice(i, i + max));
      return pieces;
    });
    return max;
  }

  /** Every record not yet handled, the current part's included. */
  remaining(): T[] {
    return this.parts.flat();
  }
}
