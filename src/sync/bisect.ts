// Finding the records a platform refuses when it refuses a whole request (400, 413,
// 422): the batch is halved until each refused part is a single record, which is set
// aside; every other part is sent on its own, so the rest are still delivered.
// Parts are sent in order, so the oldest records still go first.

export class BatchSplitter<T> {
  private readonly parts: T[][];

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

  /** Every record not yet handled, the current part's included. */
  remaining(): T[] {
    return this.parts.flat();
  }
}
