// What the platform answered for each record of a batch, written to the outbox:
// delivered (accepted or a duplicate), set aside (rejected), or not answered for.

import type { Logger } from '../base/logger.js';
import type { RatingRecord } from '../core/model.js';
import { scrubPersonal } from '../core/personal-data.js';
import type { OutboxItem, OutboxStore, RecordKey } from '../store/outbox.js';
import type { RecordResult } from './adapter.js';

export interface AppliedResults {
  /** The sent records the platform did not answer for. */
  missing: RecordKey[];
  /** When records were marked delivered; null if none were. */
  deliveredAt: number | null;
}

/** Marks what the platform answered; returns the sent records it did not answer for. */
export function applyResults(
  outbox: OutboxStore,
  log: Logger,
  records: readonly RatingRecord[],
  results: Map<string, RecordResult>,
  now: () => number,
): AppliedResults {
  const delivered: RecordKey[] = [];
  const missing: RecordKey[] = [];
  for (const r of records) {
    const result = results.get(r.id);
    if (!result) missing.push(keyOf(r));
    else if (result.status === 'rejected') {
      outbox.markRejected(keyOf(r), result.code, scrubPersonal(result.message, [r.citizen]));
      // The platform's message may quote fields; only the code goes to the log.
      log.log('warn', 'record_rejected', { recordId: r.id, code: result.code });
    } else delivered.push(keyOf(r));
  }
  if (delivered.length === 0) return { missing, deliveredAt: null };
  const deliveredAt = now();
  outbox.markDelivered(delivered, deliveredAt);
  return { missing, deliveredAt };
}

export function keyOf(r: RatingRecord): RecordKey {
  return { promptId: r.promptId, id: r.id };
}

export function keysOf(items: readonly OutboxItem[]): RecordKey[] {
  return items.map((i) => keyOf(i.record));
}
