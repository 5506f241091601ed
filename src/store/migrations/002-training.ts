// Training records: ratings a try-out terminal took (terminal.training, or `serve` on its
// built-in defaults). They are kept, marked, and never forwarded, whatever the
// configuration later says.
//
// Earlier versions stored try-out ratings in the production data folder under the
// built-in terminal id DEV-0001, unmarked; they are marked here, so a platform configured
// afterwards never receives them (a made-up 差评 would name a real clerk).
//
// The outbox index gains the flag after the state, so the forwarder's claim (pending,
// not training, by seq) stays one index range, and the prune and counts by state still
// use its prefix.
import { BUILT_IN_TERMINAL_ID } from '../../core/training.js';
import type { Migration } from './index.js';

/** The terminal id of the built-in defaults: every record that carries it was a try-out. */

export const training: Migration = {
  version: 2,
  name: 'training',
  sql: `
    ALTER TABLE records ADD COLUMN training INTEGER NOT NULL DEFAULT 0 CHECK (training IN (0, 1));
    -- CASE, not AND: SQLite may evaluate json_extract first, and it throws on a bad body.
    UPDATE records SET training = 1
      WHERE CASE WHEN json_valid(body) THEN json_extract(body, '$.terminalId') END = '${BUILT_IN_TERMINAL_ID}';
    DROP INDEX records_outbox;
    CREATE INDEX records_outbox ON records (state, training, seq);
  `,
};
