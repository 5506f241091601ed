// What the store answers about prompts and the queue, as every floor above it reads it
// (the engine, the local API, the fleet): plain data, with no store behind it.

import type { PromptSource, PromptStatus, RatingRecord } from './model.js';

export interface PromptSummary {
  id: string;
  transactionId: string;
  status: PromptStatus;
  source: PromptSource;
  openedAt: number;
  expiresAt: number;
  /** When it left the screen; null while it is not final. */
  endedAt: number | null;
  /** Final and draft records of this prompt, without personal data. */
  records: RatingRecord[];
}

/** Records meant for a platform, by state; training records are not among them. */
export interface QueueCounts {
  /** Of `pending`: ratings still on their reasons or indicators screen. */
  draft: number;
  /**
   * Waiting for the platform, counted from the rating's commit: drafts included, so the
   * count rises at the press for a 差评 as for a 好评 (a rise only once the reasons were
   * done would tell them apart).
   */
  pending: number;
  delivered: number;
  rejected: number;
}

/** Ratings flagged `clock_skew` (given before their service's time) since some moment. */
export interface ClockSkewSummary {
  ratings: number;
  /** The latest of them: which prompt, when rated, and the serviceTime it was sent at. */
  last: { promptId: string; ratedAt: number; serviceTime: string } | null;
}
