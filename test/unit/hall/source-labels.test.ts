// Where a prompt came from is named in one place (core/hourly-counts.ts) and the console's
// tables and the terminal's report use the same words: the INVITE key is the clerk's
// "please rate" key, so its prompts are 邀请评价 — nothing is scanned.
import { describe, expect, it } from 'vitest';
import { ConsoleDb } from '../../../src/hall/db/console-db.js';
import { statsPage } from '../../../src/hall/pages-data.js';
import { reportTables } from '../../../src/report/report-tables.js';
import { tempDir } from '../../helpers/temp.js';

const WORDS = ['来源：业务系统', '来源：GWQ', '来源：邀请评价'];

describe("the prompts' sources", () => {
  it('are named alike by the hall console and the report: 业务系统, GWQ, 邀请评价', () => {
    const db = ConsoleDb.open(tempDir('hcp-hall-labels-'));
    try {
      const hall = statsPage(db.db, 20261101, 20261130, 'window', (c) => c).tables[0];
      const labels = hall?.columns.map((c) => c.label) ?? [];
      expect(labels.filter((l) => l.startsWith('来源：'))).toEqual(WORDS);
      expect(labels.join()).not.toContain('扫码');
    } finally {
      db.close();
    }
    const facts = {
      terminalId: 'HA-0001',
      windowNo: '12',
      from: '2026-11-01',
      to: '2026-11-30',
      heldFrom: '2026-11-01',
      upTo: '2026-12-01 00:00',
      retentionDays: 90,
      madeAt: '2026-12-01 08:00:00',
    };
    for (const table of reportTables(facts, [], (c) => c).slice(0, 5)) {
      const headers = table.columns.map((c) => c.header);
      expect(
        headers.filter((h) => h.startsWith('来源：')),
        table.name,
      ).toEqual(WORDS);
    }
  });
});
