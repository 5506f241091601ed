// The console's figure pages in Debian's Chromium: a seeded hall of 12 windows over this
// month and the last (published per the contract by a test publisher), every page
// axe-clean on a duty manager's monitor and on a phone, the tables exported as CSV and
// XLSX and read back (exceljs), and the 月报 printed to an A4 PDF and rendered with
// pdftoppm. Screenshots go to test-results/screens/.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cstToday, dayText } from '../../src/hall/db/days.js';
import { axeProblems } from '../helpers/audit.js';
import { chromiumForFile } from '../helpers/chromium-per-file.js';
import { SCREENSHOT_DIR } from '../helpers/hall.js';
import {
  badRatingEvent,
  type ConsoleRun,
  consoleGet,
  consoleJson,
  dayRows,
  type Row,
  seeded,
  startConsole,
  statsPayload,
  TestPublisher,
} from '../helpers/hall-console.js';
import { stateReport } from '../helpers/hall-state.js';
import { Broker } from '../helpers/mosquitto.js';
import { tempDir } from '../helpers/temp.js';

const browser = chromiumForFile();
const SIZES = [
  [1600, 1000],
  [390, 844],
] as const;
const PAGES = ['', 'today', 'stats', 'alerts', 'report'] as const;
const WINDOWS = 12;
const CLERKS = [
  '林晓',
  '陈思远',
  '黄丽娟',
  '王建国',
  '张敏',
  '刘洋',
  '郑雅婷',
  '吴志强',
  '蔡文静',
  '许伟',
  '周小燕',
  '李娜',
];

const todayNum = cstToday(Date.now());
const today = dayText(todayNum);
const monthStart = `${today.slice(0, 8)}01`;
const lastMonthEnd = (() => {
  const d = new Date(`${monthStart}T00:00:00Z`);
  d.setUTCDate(0);
  return d.toISOString().slice(0, 10);
})();
const lastMonth = lastMonthEnd.slice(0, 7);
const lastMonthStart = `${lastMonth}-01`;
/** The seeded hall starts a month before that, so that the 月报 has its month before too. */
const seedStart = (() => {
  const d = new Date(`${lastMonthStart}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() - 1);
  return d.toISOString().slice(0, 10);
})();

function days(from: string, to: string): string[] {
  const out: string[] = [];
  for (
    const d = new Date(`${from}T00:00:00Z`);
    d.toISOString().slice(0, 10) <= to;
    d.setUTCDate(d.getUTCDate() + 1)
  ) {
    out.push(d.toISOString().slice(0, 10));
  }
  return out;
}

let b: Broker;
let hall: ConsoleRun;
let pub: TestPublisher;
/** What was published: terminal → day → rows. */
const published = new Map<string, Map<string, Row[]>>();

beforeAll(async () => {
  b = await Broker.start();
  hall = await startConsole(b.url, tempDir('hcp-hall-pages-'));
  pub = await TestPublisher.connect(b.url);
  const rand = seeded(24);
  for (let w = 1; w <= WINDOWS; w++) {
    const id = `HA-${String(w).padStart(4, '0')}`;
    // States bring the clerks' names (stats carry only their ids).
    for (const shift of [0, 100]) {
      await pub.raw(
        `${id}/state`,
        JSON.stringify(
          stateReport({
            terminalId: id,
            windowNo: String(w),
            clerk: {
              id: String(400 + w + shift).padStart(4, '0'),
              name: CLERKS[(w + shift / 100) % CLERKS.length],
              status: 'serving',
            },
          }),
        ),
        true,
      );
    }
    await pub.raw(`${id}/availability`, 'online', true);
    const mine = new Map<string, Row[]>();
    published.set(id, mine);
    for (const day of days(seedStart, today)) {
      const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
      if (weekday === 0 || weekday === 6) continue;
      const rows = dayRows(rand, w, day < monthStart ? 0.9 : 1);
      mine.set(day, rows);
      await pub.stats(statsPayload(id, day, String(w), rows, `${day} 17:00:30`));
    }
  }
  // Some 差评 alerts, of this month and the last.
  const reasons = ['213', '207,214', '115', '108,115', '214'];
  for (let i = 0; i < 17; i++) {
    const w = 1 + ((i * 5) % WINDOWS);
    // Five of this month, of which three today (今日 lists them), and the rest last month.
    const day = i < 3 ? today : i < 9 ? monthStart : lastMonthStart;
    await pub.event(
      `HA-${String(w).padStart(4, '0')}`,
      badRatingEvent({
        windowNo: String(w),
        level: i % 3 === 0 ? 1 : 2,
        evalDetail: reasons[i % reasons.length],
        at: `${day} ${String(9 + (i % 7)).padStart(2, '0')}:${String(10 + i).padStart(2, '0')}:00`,
        deptName: ['县市场监督管理局', '县税务局', '县人力资源和社会保障局'][i % 3],
        deptCode: `11350521MB00${String(i % 3).padStart(5, '0')}X`,
        clerkId: String(400 + w).padStart(4, '0'),
      }),
    );
  }
}, 180_000);

afterAll(async () => {
  await pub?.close();
  await hall?.stop();
  await b?.dispose();
});

function sumRated(data: { tables: { rows: unknown[][] }[] }): number {
  return data.tables[0]?.rows.reduce((n, r) => n + (r[2] as number), 0) ?? 0;
}

function expectedRated(
  from: string,
  to: string,
  filter: (terminal: string, r: Row) => boolean = () => true,
): number {
  let n = 0;
  for (const [terminal, byDay] of published)
    for (const [day, rows] of byDay) {
      if (day < from || day > to) continue;
      for (const r of rows) if (filter(terminal, r)) n += r.levels.reduce((a, c) => a + c, 0);
    }
  return n;
}

async function open(path: string, size: readonly [number, number]): Promise<Page> {
  const context = await browser().newContext({ viewport: { width: size[0], height: size[1] } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) problems.push(m.text());
  });
  (page as Page & { problems: string[] }).problems = problems;
  await page.goto(new URL(path, hall.url).href);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  // Charts are drawn in the frame after the data.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  return page;
}

describe('the hall console figure pages', { timeout: 180_000 }, () => {
  // First: the tests below look at what this one waits for.
  it('keeps every day and 差评 published', async () => {
    const expected = [...published.values()].reduce((n, m) => n + m.size, 0);
    await expect
      .poll(
        async () =>
          (await consoleJson(hall.url, `api/stats?from=${lastMonthStart}&to=${today}&by=window`)).tables[1]
            .rows.length > 0 && (await consoleJson(hall.url, `api/alerts?from=${lastMonthStart}`)).total,
        { timeout: 60_000 },
      )
      .toBe(17);
    await expect
      .poll(
        async () =>
          sumRated(await consoleJson(hall.url, `api/stats?from=${lastMonthStart}&to=${today}&by=window`)),
        {
          timeout: 60_000,
        },
      )
      .toBe(expectedRated(lastMonthStart, today));
    expect(expected).toBeGreaterThan(0);
  });

  it('are axe-clean on a monitor and a phone, with no sideways scrolling on the phone', async () => {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const found: string[] = [];
    for (const name of PAGES) {
      for (const size of SIZES) {
        const page = await open(
          name === 'stats' ? `stats?from=${lastMonthStart}&to=${today}&by=dept` : name,
          size,
        );
        found.push(...(await axeProblems(page)).map((p) => `${name || 'board'} ${size.join('×')}: ${p}`));
        if (size[0] < 500) {
          const width = await page.evaluate(() => document.documentElement.scrollWidth);
          if (width > size[0]) found.push(`${name || 'board'} on a phone is ${width} px wide`);
        }
        await page.screenshot({
          path: join(SCREENSHOT_DIR, `hall-${name || 'board'}-${size.join('x')}.png`),
          fullPage: true,
        });
        found.push(...(page as Page & { problems: string[] }).problems);
        await page.context().close();
      }
    }
    expect(found).toEqual([]);
  });

  it('统计 shows exactly the counts published, grouped four ways, with reasons from the national catalogue', async () => {
    const q = `from=${lastMonthStart}&to=${today}`;
    for (const by of ['window', 'clerk', 'dept', 'task']) {
      const data = await consoleJson(hall.url, `api/stats?${q}&by=${by}`);
      expect(sumRated(data)).toBe(expectedRated(lastMonthStart, today));
    }
    const byWindow = await consoleJson(hall.url, `api/stats?${q}&by=window`);
    const w3 = byWindow.tables[0].rows.find((r: unknown[]) => r[1] === '3');
    expect(w3[2]).toBe(expectedRated(lastMonthStart, today, (t) => t === 'HA-0003'));
    const byClerk = await consoleJson(hall.url, `api/stats?${q}&by=clerk`);
    expect(byClerk.tables[0].rows.map((r: unknown[]) => r[0])).toContain(`${CLERKS[3]}（0403）`);
    const reasons = byWindow.tables[2].rows;
    let bad = 0;
    for (const byDay of published.values())
      for (const [day, rows] of byDay)
        if (day >= lastMonthStart)
          for (const r of rows) bad += Object.values(r.reasons ?? {}).reduce((a, c) => a + c, 0);
    expect(reasons.reduce((n: number, r: unknown[]) => n + (r[3] as number), 0)).toBe(bad);
    expect(reasons.map((r: unknown[]) => `${r[2]} ${r[1]}`)).toContain('213 窗口人员业务不熟练');

    // The page shows the same table.
    const page = await open(`stats?${q}&by=window`, SIZES[0]);
    const cells = await page
      .locator('[data-table="groups"] tbody tr')
      .first()
      .locator('td')
      .allTextContents();
    const first = byWindow.tables[0].rows[0];
    expect(cells.slice(0, 3)).toEqual([first[0], first[1], String(first[2])]);
    await page.context().close();
  });

  it('exports every table as CSV (UTF-8 with BOM) and XLSX, read back the same', async () => {
    const q = `from=${lastMonthStart}&to=${today}&by=dept`;
    const data = await consoleJson(hall.url, `api/stats?${q}`);
    const csv = await consoleGet(hall.url, `export/stats.csv?${q}&table=groups`);
    expect(csv.status).toBe(200);
    expect(csv.type).toBe('text/csv; charset=utf-8');
    expect([...csv.body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = csv.body.toString('utf8').slice(1).split('\r\n');
    expect(lines[0]).toBe(data.tables[0].title);
    expect(lines[1]?.split(',').slice(0, 5)).toEqual(['部门', '部门编码', '评价数', '好评率', '好评']);
    const row = data.tables[0].rows[0];
    expect(lines[2]?.split(',').slice(0, 4)).toEqual([
      row[0],
      row[1],
      String(row[2]),
      `${(row[3] * 100).toFixed(1)}%`,
    ]);
    expect(lines.length).toBe(data.tables[0].rows.length + 3); // title, header, rows, final CRLF

    const xlsx = await consoleGet(hall.url, `export/stats.xlsx?${q}`);
    expect(xlsx.status).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.body as unknown as ArrayBuffer);
    expect(book.worksheets.map((s) => s.name)).toEqual(['按部门统计', '每日趋势', '差评原因排行']);
    data.tables.forEach(
      (table: { title: string; rows: unknown[][]; columns: { label: string }[] }, i: number) => {
        const sheet = book.worksheets[i] as ExcelJS.Worksheet;
        expect(sheet.getCell(1, 1).value).toBe(table.title);
        expect((sheet.getRow(2).values as unknown[]).slice(1)).toEqual(table.columns.map((c) => c.label));
        const back = [];
        for (let r = 3; r <= sheet.rowCount; r++) {
          back.push(table.columns.map((_, c) => sheet.getCell(r, c + 1).value ?? null));
        }
        expect(back).toEqual(table.rows);
      },
    );
    expect(book.worksheets[0]?.getColumn(4).numFmt).toBe('0.0%');

    for (const page of ['today', 'alerts', 'report']) {
      const json = await consoleJson(hall.url, `api/${page}?month=${lastMonth}&from=${lastMonthStart}`);
      for (const table of json.tables) {
        const file = await consoleGet(
          hall.url,
          `export/${page}.csv?month=${lastMonth}&from=${lastMonthStart}&table=${table.id}`,
        );
        expect(file.status, `${page} ${table.id}`).toBe(200);
        expect(file.body.toString('utf8').split('\r\n').length).toBe(table.rows.length + 3);
      }
    }
    // A wrong table, or CSV of several at once, is a plain 400 that says what is expected.
    const wrong = await consoleGet(hall.url, `export/stats.csv?${q}`);
    expect(wrong.status).toBe(400);
    expect(wrong.body.toString('utf8')).toBe('table：应为 groups、daily、reasons 之一（CSV 一次导出一张表）');
    expect((await consoleGet(hall.url, 'api/stats?from=2026-13-01')).status).toBe(400);
  });

  it('prints the 月报 on A4 (PDF rendered with pdftoppm)', async () => {
    const page = await open(`report?month=${lastMonth}`, [1200, 1000]);
    expect(await page.locator('#title').textContent()).toBe(
      `350521 好差评月度通报（${lastMonth.slice(0, 4)} 年 ${Number(lastMonth.slice(5))} 月）`,
    );
    // The month before beside it, and the 差评 of the month with their reasons.
    expect(await page.locator('.kpi-before').first().textContent()).toMatch(/^上月 \d+$/);
    expect(await page.locator('[data-table="alerts"] tbody tr').count()).toBe(8);
    const dir = tempDir('hcp-hall-pdf-');
    const pdf = join(dir, 'report.pdf');
    writeFileSync(pdf, await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true }));
    const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
    expect(info).toMatch(/Page size:\s+59[45]\.\d+ x 841\.\d+ pts \(A4\)/);
    const pages = Number(/Pages:\s+(\d+)/.exec(info)?.[1]);
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(pages).toBeLessThanOrEqual(6);
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    execFileSync('pdftoppm', ['-png', '-r', '70', pdf, join(SCREENSHOT_DIR, 'hall-report-pdf')]);
    const rendered = readdirSync(SCREENSHOT_DIR).filter((f) => f.startsWith('hall-report-pdf'));
    expect(rendered.length).toBe(pages);
    // What prints is text, not a picture of it: the PDF's words are the report's.
    const words = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
    expect(words).toContain('各部门好评率');
    expect(words).toContain('好评率 =（非常满意 + 满意 + 基本满意）÷ 全部评价');
    expect(words).not.toContain('导出 CSV');
    await page.context().close();
  });
});
