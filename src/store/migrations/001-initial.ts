// The first schema: prompts, rating records (the outbox), and small settings.
//
// Every b-tree page a rating touches is written to the WAL and fsynced with its
// commit, and makes checkpoints come sooner. So a rating touches three pages: its
// prompt's row, its record's row (clustered by prompt, so a prompt's records are
// read together) and the outbox index. Nothing else is indexed on columns that change.
import type { Migration } from './index.js';

export const initial: Migration = {
  version: 1,
  name: 'initial',
  sql: `
    CREATE TABLE prompts (
      id TEXT NOT NULL PRIMARY KEY,
      transaction_id TEXT NOT NULL,
      mode TEXT NOT NULL,
      service TEXT NOT NULL,
      departments TEXT NOT NULL,
      clerk TEXT,
      citizen_sealed BLOB,
      status TEXT NOT NULL CHECK (status IN ('open', 'rated', 'expired', 'declined', 'cancelled')),
      opened_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL,
      ended_at INTEGER
    ) WITHOUT ROWID;
    CREATE INDEX prompts_by_transaction ON prompts (transaction_id);

    -- One row per rated department. seq is the send order (oldest first), given by the store.
    CREATE TABLE records (
      prompt_id TEXT NOT NULL REFERENCES prompts (id),
      id TEXT NOT NULL,
      seq INTEGER NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('draft', 'pending', 'delivered', 'rejected')),
      body TEXT NOT NULL,
      personal_sealed BLOB,
      rated_at INTEGER NOT NULL,
      final_at INTEGER,
      attempts INTEGER NOT NULL DEFAULT 0,
      next_attempt_at INTEGER NOT NULL DEFAULT 0,
      lease_until INTEGER,
      last_error TEXT,
      reject_code TEXT,
      reject_message TEXT,
      delivered_at INTEGER,
      PRIMARY KEY (prompt_id, id)
    ) WITHOUT ROWID;
    CREATE INDEX records_outbox ON records (state, seq);

    CREATE TABLE settings (
      key TEXT NOT NULL PRIMARY KEY,
      value TEXT NOT NULL
    ) WITHOUT ROWID;
  `,
};
