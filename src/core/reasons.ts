// The reasons catalogue: what a citizen may say is wrong with a 差评. Its codes travel
// to the platform as `evalDetail`, so the catalogue is versioned and each record keeps
// the version it was rated under.

import type { Level } from './levels.js';

export interface Reason {
  code: string;
  label: string;
}

export interface ReasonsCatalogue {
  version: string;
  /** Reasons offered for each 差评 level (1 and 2); good levels offer none. */
  levels: { 1: readonly Reason[]; 2: readonly Reason[] };
}

export function reasonsFor(catalogue: ReasonsCatalogue, level: Level): readonly Reason[] {
  return level === 1 || level === 2 ? catalogue.levels[level] : [];
}

/** The contract's honest note for a 差评 finalised with no reason chosen. */
export const NO_REASON_NOTE = '未选择差评原因';

/** At most this many reasons per level: they must fit one screen as big targets. */
export const MAX_REASONS_PER_LEVEL = 8;
