// The records a rating stands for, as the store keeps them and the platform receives them.

import { isBad } from './levels.js';
import type { Department, RatingRecord } from './model.js';
import { NO_REASON_NOTE } from './reasons.js';
import { recordFacts } from './service-facts.js';
import type { CoreState, GivenRating, Session } from './state.js';

/** The records a given rating stands for, as the store and the platform see them. */
export function recordsOf(state: CoreState, s: Session, rating: GivenRating): RatingRecord[] {
  const cfg = state.config;
  const noReasons = isBad(rating.level) && rating.final && rating.reasons.length === 0;
  return rating.recordIds.map((id, i) => ({
    id,
    promptId: s.id,
    transactionId: s.transactionId,
    assessNumber: 1,
    channel: cfg.channel,
    level: rating.level,
    reasons: [...rating.reasons],
    comment: noReasons ? NO_REASON_NOTE : '',
    ratedAt: rating.ratedAt,
    areaCode: cfg.areaCode,
    service: s.service,
    department: s.departments[rating.departments[i] as number] as Department,
    clerk: s.clerk,
    scope: rating.scope,
    terminalId: cfg.terminalId,
    windowNo: cfg.windowNo,
    citizen: rating.realName ? s.citizen : null,
    flags: [...rating.flags],
    catalogueVersion: cfg.catalogue.version,
    final: rating.final,
    ...recordFacts(s.facts),
  }));
}
