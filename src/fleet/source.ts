// What the fleet reporter reads of the terminal, and nothing more: the reporter is handed
// this, never the engine, so what reaches the bus is visibly limited to these facts.

import type { HourRow } from '../core/hourly-counts.js';
import type { ClerkState, KeypadState, PlatformState, RatingRecord } from '../core/model.js';
import type { QueueCounts } from '../core/summaries.js';

export interface FleetHealth {
  store: 'ok' | 'unavailable';
  keypad: KeypadState;
  platform: PlatformState;
  /** null: the store cannot be read. */
  queue: Pick<QueueCounts, 'pending' | 'rejected'> | null;
}

export interface FleetListener {
  /** Something the state message shows may have changed: the reporter looks again. */
  changed(): void;
  /** Records became final and are committed: the 差评 among them are alerted. */
  final(records: RatingRecord[]): void;
}

export interface FleetSource {
  health(): FleetHealth;
  readonly clerk: ClerkState | null;
  /** When the oldest rating still waiting for the platform was committed; null: none. */
  oldestQueuedAt(): number | null;
  /** The hourly counts of ratings that became final in [from, to); null: the store cannot be read. */
  hourlyCounts(from: number, to: number): HourRow[] | null;
  /** A prompt is on screen and not final yet: rating, scope, reasons, change of level or indicators. */
  promptOpen(): boolean;
  subscribe(listener: FleetListener): () => void;
}
