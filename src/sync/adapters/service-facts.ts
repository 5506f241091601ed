// Facts about the service a rating rates that the real platforms ask for and the
// business system may pass with a prompt (serviceNumber, proStatus, acceptDate,
// serviceTime, taskHandleItem). Until the prompt API and the store carry them, a
// record may hold them as optional fields; every profile reads them here, with the
// contract's defaults, so no adapter repeats those defaults.

import { cstDateTime } from '../../core/cst.js';
import type { RatingRecord } from '../../core/model.js';

export interface ServiceFacts {
  /** Integer ≥ 1; default 1. */
  serviceNumber?: number;
  /** "1", "2" or "3" (已办结, the default). */
  proStatus?: '1' | '2' | '3';
  /** `yyyy-MM-dd HH:mm:ss` UTC+8, or absent. */
  acceptDate?: string;
  /** `yyyy-MM-dd HH:mm:ss` UTC+8; absent: the time the prompt opened. */
  serviceTime?: string;
  taskHandleItem?: string;
}

export type PlatformRecord = RatingRecord & ServiceFacts;

export interface ResolvedServiceFacts {
  serviceNumber: number;
  proStatus: '1' | '2' | '3';
  acceptDate: string;
  serviceTime: string | null;
  taskHandleItem: string | null;
  /**
   * `yyyy-MM-dd HH:mm:ss` UTC+8: when the citizen rated, but never before serviceTime —
   * platforms refuse a rating that precedes its service (the business system's clock
   * ahead of ours); the engine flags such a record `clock_skew`.
   */
  assessTime: string;
}

export function serviceFactsOf(record: RatingRecord): ResolvedServiceFacts {
  const r = record as PlatformRecord;
  const rated = cstDateTime(r.ratedAt);
  const serviceTime = r.serviceTime ?? null;
  return {
    serviceNumber:
      Number.isInteger(r.serviceNumber) && (r.serviceNumber as number) >= 1 ? (r.serviceNumber as number) : 1,
    proStatus: r.proStatus ?? '3',
    acceptDate: r.acceptDate ?? '',
    serviceTime,
    taskHandleItem: r.taskHandleItem ?? null,
    // The fixed-width format compares correctly as text.
    assessTime: serviceTime !== null && serviceTime > rated ? serviceTime : rated,
  };
}
