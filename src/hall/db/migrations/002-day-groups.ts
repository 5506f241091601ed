// The figures of a range without scanning every terminal's rows: each day's counts summed
// per window, clerk, department and 事项 (day_groups) and per 差评 reason (day_reasons),
// kept up to date as each terminal's day is replaced (console-db.ts adds the new day's
// counts and takes away the old's). A county's month by department is then 30 × a few
// rows instead of every terminal's day, and the day's totals are the sum of its
// departments (every count has exactly one department, "" included).
//
// `rows` counts the figures rows summed into a group: a group is shown while it has any,
// as it was when the pages summed the figures themselves (a row may hold only zeros).
// Filled here from what the console already kept.
import type { Migration } from '../../../store/migrations/index.js';

const SUMS = `COUNT(*), SUM(l5), SUM(l4), SUM(l3), SUM(l2), SUM(l1), SUM(declined), SUM(expired),
  SUM(src_api), SUM(src_gwq), SUM(src_invite)`;

export const dayGroups: Migration = {
  version: 2,
  name: 'day-groups',
  sql: `
    CREATE TABLE day_groups (
      kind TEXT NOT NULL CHECK (kind IN ('window', 'clerk', 'dept', 'task')),
      day INTEGER NOT NULL,
      dim INTEGER NOT NULL,
      rows INTEGER NOT NULL,
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
      PRIMARY KEY (kind, day, dim)
    ) WITHOUT ROWID;

    CREATE TABLE day_reasons (
      day INTEGER NOT NULL,
      reason INTEGER NOT NULL,
      rows INTEGER NOT NULL,
      n INTEGER NOT NULL,
      PRIMARY KEY (day, reason)
    ) WITHOUT ROWID;

    INSERT INTO day_groups SELECT 'window', day, window, ${SUMS} FROM figures GROUP BY day, window;
    INSERT INTO day_groups SELECT 'clerk', day, clerk, ${SUMS} FROM figures GROUP BY day, clerk;
    INSERT INTO day_groups SELECT 'dept', day, dept, ${SUMS} FROM figures GROUP BY day, dept;
    INSERT INTO day_groups SELECT 'task', day, task, ${SUMS} FROM figures GROUP BY day, task;
    INSERT INTO day_reasons SELECT day, reason, COUNT(*), SUM(n) FROM figure_reasons GROUP BY day, reason;
  `,
};
