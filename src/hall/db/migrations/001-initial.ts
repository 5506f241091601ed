// The console's first schema: what it read from the bus, kept.
//
// - dims: every name the figures are grouped by (terminal, window, clerk, department,
//   事项, reason code) as a small integer, with the latest name the bus gave it. The
//   figures of a county's month are millions of rows; integers keep them small.
// - days: one row per (terminal, day), the header of the latest stats message of that
//   day and its digest (a day redelivered unchanged, as every retained day is at each
//   reconnect, costs no write).
// - figures / figure_reasons / hours: that message's counts, hours summed per (clerk,
//   department, 事项), and per hour for the day's chart. A day is replaced whole.
// - alerts: every 差评 by its eventId, so a redelivered copy is kept once.
// Days are yyyymmdd integers (UTC+8), so a range is one index range.
import type { Migration } from '../../../store/migrations/index.js';

export const initial: Migration = {
  version: 1,
  name: 'initial',
  sql: `
    CREATE TABLE settings (
      key TEXT NOT NULL PRIMARY KEY,
      value TEXT NOT NULL
    ) WITHOUT ROWID;

    CREATE TABLE dims (
      id INTEGER PRIMARY KEY,
      kind TEXT NOT NULL CHECK (kind IN ('terminal', 'window', 'clerk', 'dept', 'task', 'reason')),
      code TEXT NOT NULL,
      name TEXT NOT NULL DEFAULT '',
      UNIQUE (kind, code)
    );

    CREATE TABLE days (
      terminal INTEGER NOT NULL REFERENCES dims (id),
      day INTEGER NOT NULL,
      window INTEGER NOT NULL REFERENCES dims (id),
      sent_at TEXT NOT NULL,
      received_at INTEGER NOT NULL,
      digest TEXT NOT NULL,
      row_count INTEGER NOT NULL,
      PRIMARY KEY (terminal, day)
    ) WITHOUT ROWID;
    CREATE INDEX days_by_day ON days (day);

    CREATE TABLE figures (
      day INTEGER NOT NULL,
      terminal INTEGER NOT NULL,
      clerk INTEGER NOT NULL,
      dept INTEGER NOT NULL,
      task INTEGER NOT NULL,
      window INTEGER NOT NULL,
      l5 INTEGER NOT NULL,
      l4 INTEGER NOT NULL,
      l3 INTEGER NOT NULL,
      l2 INTEGER NOT NULL,
      l1 INTEGER NOT NULL,
      declined INTEGER NOT NULL,
      expired INTEGER NOT NULL,
      src_api INTEGER NOT NULL,
      src_gwq INTEGER NOT NULL,
      src_invite INTEGER NOT NULL,
      PRIMARY KEY (day, terminal, clerk, dept, task)
    ) WITHOUT ROWID;

    CREATE TABLE figure_reasons (
      day INTEGER NOT NULL,
      terminal INTEGER NOT NULL,
      clerk INTEGER NOT NULL,
      dept INTEGER NOT NULL,
      task INTEGER NOT NULL,
      window INTEGER NOT NULL,
      reason INTEGER NOT NULL,
      n INTEGER NOT NULL,
      PRIMARY KEY (day, terminal, clerk, dept, task, reason)
    ) WITHOUT ROWID;

    CREATE TABLE hours (
      day INTEGER NOT NULL,
      terminal INTEGER NOT NULL,
      hour INTEGER NOT NULL,
      good INTEGER NOT NULL,
      bad INTEGER NOT NULL,
      unrated INTEGER NOT NULL,
      PRIMARY KEY (day, terminal, hour)
    ) WITHOUT ROWID;

    CREATE TABLE alerts (
      event_id TEXT NOT NULL PRIMARY KEY,
      seq INTEGER NOT NULL UNIQUE,
      terminal_id TEXT NOT NULL,
      day INTEGER NOT NULL,
      at TEXT NOT NULL,
      level INTEGER NOT NULL CHECK (level IN (1, 2)),
      reasons TEXT NOT NULL,
      window_no TEXT,
      clerk_id TEXT,
      dept_code TEXT,
      dept_name TEXT,
      task_name TEXT,
      training INTEGER NOT NULL CHECK (training IN (0, 1)),
      received_at INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX alerts_by_day ON alerts (day, at);
    CREATE INDEX alerts_by_terminal_day ON alerts (terminal_id, day);
  `,
};
