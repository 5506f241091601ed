// The contract's safety net for every real profile: when several single-evaluation
// requests in a row are refused with the same message, the fault is almost surely a
// key, template or setting the message did not name, not the ratings themselves.
// Forwarding then pauses (misconfigured) rather than setting a hall's ratings aside
// one by one.

const SAME_REFUSAL_LIMIT = 3;

export class RefusalStreak {
  private message: string | null = null;
  private count = 0;

  constructor(private readonly limit = SAME_REFUSAL_LIMIT) {}

  /** A single evaluation was refused; true when this makes `limit` in a row alike. */
  refused(message: string): boolean {
    if (message === this.message) this.count++;
    else {
      this.message = message;
      this.count = 1;
    }
    return this.count >= this.limit;
  }

  /** An evaluation got through (accepted or duplicate): the streak is broken. */
  passed(): void {
    this.message = null;
    this.count = 0;
  }
}
