// What the 统计 page is given: every group in its table, and in its chart at most
// CHART_GROUPS of them (the most rated, in the table's order), saying of how many.
import { describe, expect, it } from 'vitest';
import { ConsoleDb } from '../../../src/hall/db/console-db.js';
import { cstToday, dayText } from '../../../src/hall/db/days.js';
import { CHART_GROUPS, statsPage } from '../../../src/hall/pages-data.js';
import { statsPayload } from '../../helpers/hall-console.js';
import { tempDir } from '../../helpers/temp.js';

const NOW = Date.now();
const DAY = dayText(cstToday(NOW));
const day = Number(DAY.replaceAll('-', ''));

describe('the 统计 page data', () => {
  it("charts a county's windows as the most rated of them, and tables them all", () => {
    const db = ConsoleDb.open(tempDir());
    const windows = CHART_GROUPS + 10;
    db.batch(() => {
      for (let w = 1; w <= windows; w++)
        db.putStats(
          `T-${w}`,
          statsPayload(`T-${w}`, DAY, String(w), [{ hour: '09', levels: [w, 0, 0, 0, 0] }]),
          `d${w}`,
          NOW,
        );
    });
    const page = statsPage(db.db, day, day, 'window', (c) => c);
    expect(page.tables[0]?.rows).toHaveLength(windows);
    expect(page.byGroup.of).toBe(windows);
    // The 40 most rated are windows 11…50, drawn in the table's (window number) order.
    expect(page.byGroup.labels).toEqual(
      Array.from({ length: CHART_GROUPS }, (_, i) => `${windows - CHART_GROUPS + 1 + i} 号窗口`),
    );
    expect(page.byGroup.series[0]?.values.slice(0, 2)).toEqual([11, 12]);
    // A hall's few windows are charted all, with no note.
    const few = statsPage(db.db, day, day, 'dept', (c) => c);
    expect(few.byGroup.of).toBeUndefined();
    db.close();
  });
});
