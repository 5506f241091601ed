// What a platform profile must provide: how records become one HTTP request, and
// what the platform's answer means. The forwarder knows nothing of field names,
// signing or status tables; adding a province is one file in adapters/ and one descriptor
// in src/profiles/ (docs/architecture.md).

import type { RatingRecord } from '../core/model.js';

export interface UploadRequest {
  /** POST unless said; a GET carries no body (a token request). */
  method?: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  /** Sent as is, with a Content-Length: never chunked. */
  body: Buffer;
}

export interface UploadResponse {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string | undefined>;
  body: Buffer;
}

export type RecordResult =
  | { status: 'accepted' | 'duplicate' }
  | { status: 'rejected'; code: string; message: string };

/** What one answer means for the records sent with it. */
export type UploadOutcome =
  /** Per-record results; a sent record absent from the map is retried like a 5xx. */
  | { kind: 'results'; results: Map<string, RecordResult> }
  /** The platform refuses the request as a whole: split the batch to find why. */
  | { kind: 'refused'; status: number; message: string }
  | { kind: 'auth_failed'; status: number; message: string }
  | { kind: 'misconfigured'; status: number; message: string }
  /** Try again later; `retryAfterMs` when the platform said when. */
  | { kind: 'transient'; message: string; retryAfterMs: number | null }
  /**
   * Refused on the way by something that is not the platform (a 4xx whose body is not
   * the platform's: a proxy's HTML page, or nothing): nobody judged the records, so none
   * is set aside. `tooLarge` (a 413, a body limit): the batch is halved; else offline.
   */
  | { kind: 'intercepted'; status: number; message: string; tooLarge: boolean };

/**
 * What a probe learned with nothing to send: an upload's outcome, or (`answered`) only
 * that the address answers HTTP, for a profile whose interface has no call that proves
 * the credentials without a rating.
 */
export type ProbeOutcome = UploadOutcome | { kind: 'answered'; status: number };

export interface PlatformAdapter {
  /** The most records one request may carry. */
  readonly maxBatch: number;
  /** `now` is the request time (epoch ms) used in any timestamp and signature. */
  encode(records: readonly RatingRecord[], now: number): UploadRequest;
  decode(response: UploadResponse, sent: readonly RatingRecord[], now: number): UploadOutcome;
  /**
   * Only for a profile whose upload takes more than one HTTP exchange (a gateway token
   * first, fetched anew when refused): it then does the whole exchange through `send`,
   * the forwarder's transport with its deadline. A `send` that throws (no answer) is
   * `offline`, as for any profile.
   */
  exchange?(records: readonly RatingRecord[], now: () => number, send: Send): Promise<UploadOutcome>;
  /**
   * How the forwarder (while nothing is queued) and doctor learn whether the platform is
   * there, through `send`. Absent: an upload of no records, which the reference profile
   * defines for it.
   */
  probe?(now: () => number, send: Send): Promise<ProbeOutcome>;
}

export type Send = (request: UploadRequest) => Promise<UploadResponse>;
