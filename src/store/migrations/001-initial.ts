// The first schema: prompts, rating records (the outbox), and small settings.
import type { Migration } from './index.js';

export const initial: Migration = {
  version: 1,
  name: 'initial',
  sql: `
    CREATE TABLE prompts (
      id TEXT PRIMARY KEY,
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
    );
    CREATE INDEX prompts_by_transaction ON prompts (transaction_id, status);
    CREATE INDEX prompts_unfinished ON prompts (ended_at) WHERE ended_at IS NULL;

    -- One row per rated department; seq is the send order (oldest first).
    CREATE TABLE records (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      id TEXT NOT NULL UNIQUE,
      prompt_id TEXT NOT NULL REFERENCES prompts (id),
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
      delivered_at INTEGER
    );
    CREATE INDEX records_outbox ON records (state, next_attempt_at, seq);
    CREATE INDEX records_by_prompt ON records (prompt_id);

    CREATE TABLE settings (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL
    );
  `,
};
