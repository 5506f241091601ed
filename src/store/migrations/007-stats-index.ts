// The hall's hourly counts (src/store/stats-queries.ts) read the ratings that became
// final in an hour and the prompts that ended unrated in it. Without an index both are
// scans of everything the store keeps (a year of a busy window: tens of thousands of
// rows, a few hundred milliseconds on the engine's thread, every hour). Two partial
// indexes keep them to the hour's own rows:
// - records by final_at, only final production records: a draft enters it once, when
//   it becomes final, and a training record never does. One more index page per final
//   record's commit, the price of reading an hour without a scan.
// - prompts by ended_at, only those that ended declined or expired: a rated prompt,
//   the usual case, never touches it.
import type { Migration } from './index.js';

export const statsIndex: Migration = {
  version: 7,
  name: 'stats-index',
  sql: `
    CREATE INDEX records_final ON records (final_at) WHERE final_at IS NOT NULL AND training = 0;
    CREATE INDEX prompts_unrated ON prompts (ended_at) WHERE status IN ('declined', 'expired');
  `,
};
