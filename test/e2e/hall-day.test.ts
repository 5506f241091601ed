// A hall's day, end to end: a real Mosquitto; two real terminals (`serve`) on clocks of
// their own (libfaketime) that live through yesterday from 09:10 to midnight — window 12 a
// counter rated on its KP/1 keypad over a socat pty (a 并联审批 prompt rated department by
// department, a 差评 with reasons, the clerk's INVITE key), window 7 a kiosk rated by touch
// in Chromium (a 差评 with a reason, a 不评价, a prompt left to expire); and the hall
// console (`hall --data DIR`), stopped while a 差评 is given and started again. Its 统计
// page, its CSV and its XLSX (read back by exceljs) show exactly the counts the terminals'
// stores hold — read independently, raw SQL on their files (store-counts.ts) — the 差评
// sent while it was down arrive once, and the 月报 prints on A4 (Chromium's PDF, rendered
// with pdftoppm into test-results/screens/hall-day-report-*.png).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { cstToday, dayText } from '../../src/hall/db/days.js';
import { chromiumForFile } from '../helpers/chromium-per-file.js';
import { Hall, SCREENSHOT_DIR } from '../helpers/hall.js';
import { ProcessClock } from '../helpers/hall-clock.js';
import { type ConsoleRun, consoleGet, consoleJson, startConsole } from '../helpers/hall-console.js';
import { Broker } from '../helpers/mosquitto.js';
import { tempDir } from '../helpers/temp.js';
import { type ContractRow, storeCounts } from '../integration/fleet/store-counts.js';

const browser = chromiumForFile();

/** Yesterday in UTC+8: a day the console takes as a real one, whenever the test runs. */
const DAY = dayText(cstToday(Date.now() - 86_400_000));
const [Y, M, D] = DAY.split('-').map(Number) as [number, number, number];
/** An instant of DAY (or `plus` days after it) at hh:mm:ss, UTC+8. */
const at = (hh: number, mm = 0, ss = 0, plus = 0) => Date.UTC(Y, M - 1, D + plus, hh - 8, mm, ss);
const MONTH = DAY.slice(0, 7);

const DEPTS = {
  mkt: { code: 'D-MKT', name: '县市场监管局' },
  tax: { code: 'D-TAX', name: '县税务局' },
  hrss: { code: 'D-HRSS', name: '县人力资源和社会保障局' },
};

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

let tx = 0;
function request(departments: { code: string; name: string }[], mode = 'single') {
  return {
    transactionId: `TX-DAY-${++tx}`,
    service: { code: 'S-1', name: '个体工商户登记' },
    departments,
    mode,
  };
}

/** Waits until the terminal's screen is `kind` and shows `text`, then past the too-fast bound. */
async function onScreen(t: Hall, kind: string, text = ''): Promise<void> {
  await t.page.waitForFunction(
    ([k, s]) => {
      const main = document.querySelector('main');
      return main?.dataset.screen === k && (main?.textContent ?? '').includes(s as string);
    },
    [kind, text],
    { timeout: 15_000 },
  );
  await t.page.waitForTimeout(350);
}

/**
 * One KP/1 key. Not waiting on its ACK: on a busy machine the keypad may give up
 * retransmitting before it comes, and the terminal has the key all the same (the screens
 * the test waits for next say whether it did).
 */
async function press(t: Hall, key: 1 | 2 | 3 | 4 | 5 | 'invite'): Promise<void> {
  await (t.keypad as NonNullable<Hall['keypad']>).press(key);
  await t.page.waitForTimeout(120);
}

/** Once the prompt is over (its screens gone: thanks or idle), its status. */
async function settled(t: Hall, id?: string): Promise<string> {
  await t.page.waitForFunction(
    () => ['thanks', 'idle'].includes(document.querySelector('main')?.dataset.screen ?? ''),
    undefined,
    { timeout: 15_000 },
  );
  return id === undefined ? '' : ((await t.api('GET', `/v1/prompts/${id}`)).body.status as string);
}

async function open(t: Hall, departments = [DEPTS.mkt], mode = 'single'): Promise<string> {
  // The screen of the prompt before is over (a 差评's reasons submitted) before the next opens.
  await t.page.waitForFunction(
    () => ['thanks', 'idle'].includes(document.querySelector('main')?.dataset.screen ?? ''),
    undefined,
    { timeout: 15_000 },
  );
  const r = await t.api('POST', '/v1/prompts', request(departments, mode));
  if (r.status !== 201) throw new Error(`prompt refused: ${JSON.stringify(r.body)}`);
  await onScreen(t, mode === 'parallel' ? 'choose_scope' : 'rate');
  return r.body.id as string;
}

type Counts = number[]; // rated, good, bad, l5, l4, l3, l2, l1, declined, expired, api, gwq, invite

/** What the 统计 table should hold per group, worked out from the stores' rows. */
function expectedGroups(
  rows: (ContractRow & { windowNo: string })[],
  by: 'window' | 'clerk' | 'dept' | 'task',
): Map<string, Counts> {
  const out = new Map<string, Counts>();
  for (const r of rows) {
    const key =
      by === 'window' ? r.windowNo : by === 'clerk' ? r.clerkId : by === 'dept' ? r.deptCode : r.taskCode;
    const c = out.get(key) ?? new Array(13).fill(0);
    const l = [5, 4, 3, 2, 1].map((level) => r.levels[String(level)] ?? 0);
    const add = [
      l.reduce((a, b) => a + b, 0),
      (l[0] as number) + (l[1] as number) + (l[2] as number),
      (l[3] as number) + (l[4] as number),
      ...l,
      r.declined,
      r.expired,
      r.source.api,
      r.source.gwq,
      r.source.invite,
    ];
    out.set(
      key,
      c.map((n, i) => n + (add[i] as number)),
    );
  }
  return out;
}

const rateText = (good: number, rated: number) =>
  rated === 0 ? '—' : `${((good / rated) * 100).toFixed(1)}%`;

/** A table's rows as the page, the CSV or the XLSX gives them: code → [cells after the name]. */
function byCode(rows: unknown[][]): Map<string, unknown[]> {
  return new Map(rows.map((r) => [String(r[1] ?? ''), r.slice(2)]));
}

/** The integers of a groups row (评价数, then 好评 … 来源), without the rate. */
function integers(cells: unknown[]): number[] {
  return [cells[0], ...cells.slice(2)].map(Number);
}

/** A CSV export as a spreadsheet reads it: exceljs's CSV reader, every cell kept as its text. */
async function csvRows(bytes: Buffer): Promise<string[][]> {
  const text = bytes.toString('utf8');
  expect(text.startsWith('\uFEFF'), 'UTF-8 with a BOM').toBe(true);
  const sheet = await new ExcelJS.Workbook().csv.read(Readable.from([text.slice(1)]), {
    map: (value: unknown) => value,
  });
  const rows: string[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row) => {
    rows.push(Array.from({ length: sheet.columnCount }, (_, c) => String(row.getCell(c + 1).value ?? '')));
  });
  return rows;
}

describe("a hall's day: two terminals, the console stopped and started, its figures equal to the stores", () => {
  it('shows on 统计, in CSV and XLSX exactly what the stores hold; the 差评 sent while it was down once; the 月报 on A4', {
    timeout: 420_000,
  }, async () => {
    const broker = await Broker.start();
    cleanups.push(() => broker.dispose());
    const consoleDir = tempDir('hcp-hall-day-');
    let hall: ConsoleRun = await startConsole(broker.url, consoleDir);
    cleanups.push(() => hall.stop());

    // Both terminals start yesterday at 09:10 and run at real speed from there.
    const clockA = new ProcessClock(tempDir('hcp-clock-a-'), at(9, 10));
    const clockB = new ProcessClock(tempDir('hcp-clock-b-'), at(9, 10));
    const a = await Hall.open(browser(), {
      terminalId: 'HA-0012',
      windowNo: '12',
      fleet: broker.url,
      platform: false,
      env: clockA.env(),
      startMs: 60_000,
    });
    cleanups.push(() => a.close());
    const b = await Hall.open(browser(), {
      mode: 'kiosk',
      terminalId: 'HA-0007',
      windowNo: '7',
      keypad: false,
      fleet: broker.url,
      platform: false,
      env: clockB.env(),
      startMs: 60_000,
      timeoutSeconds: 60,
    });
    cleanups.push(() => b.close());
    await a.signIn();

    // ---- 09:1x, window 12 on its keypad (keys 1…5 are 非常满意 … 非常不满意).
    const a1 = await open(a);
    await press(a, 1);
    const a2 = await open(a);
    await press(a, 5);
    await onScreen(a, 'reasons');
    await press(a, 3); // the first reason
    await press(a, 2); // the next one
    await press(a, 3);
    await press(a, 5); // submitted
    // 并联审批, department by department: 非常满意, 基本满意, 不满意 with a reason.
    const a3 = await open(a, [DEPTS.mkt, DEPTS.tax, DEPTS.hrss], 'parallel');
    await press(a, 2);
    await onScreen(a, 'rate', DEPTS.mkt.name);
    await press(a, 1);
    await onScreen(a, 'rate', DEPTS.tax.name);
    await press(a, 3);
    await onScreen(a, 'rate', DEPTS.hrss.name);
    await press(a, 4);
    await onScreen(a, 'reasons');
    await press(a, 3);
    await press(a, 5);
    // The clerk's INVITE key: the terminal opens the prompt itself (请您评价).
    await settled(a, a3);
    await press(a, 'invite');
    await onScreen(a, 'rate', '窗口服务');
    await press(a, 2);
    await settled(a);
    for (const id of [a1, a2, a3]) expect(await settled(a, id), id).toBe('rated');

    // ---- 09:1x, window 7 by touch: 满意; 不满意 with a reason; 不评价; one left to run out.
    const b1 = await open(b);
    await b.tap('满意');
    const b2 = await open(b);
    await b.tap('不满意');
    await onScreen(b, 'reasons');
    await b.tap('同样内容的证明材料被要求多次提交');
    await b.tap('提交');
    const b3 = await open(b);
    await b.tap('不评价');
    expect([await settled(b, b1), await settled(b, b2), await settled(b, b3)]).toEqual([
      'rated',
      'rated',
      'declined',
    ]);
    const b4 = await open(b);

    // ---- 10:00:40: the hour is over; each terminal publishes it (and window 7's prompt expires).
    clockA.set(at(10, 0, 40));
    clockB.set(at(10, 0, 40));
    expect(await settled(b, b4)).toBe('expired');
    // Where a prompt came from, for a store without its source column: the test opened
    // the TX-DAY- ones through the API; the terminal made the other (the INVITE key).
    const sourceOf = (transactionId: string) => (transactionId.startsWith('TX-DAY-') ? 'api' : 'invite');
    const stores = (until: number) => [
      ...storeCounts(a.dbPath, DAY, until, sourceOf).map((r) => ({ ...r, windowNo: '12' })),
      ...storeCounts(b.dbPath, DAY, until, sourceOf).map((r) => ({ ...r, windowNo: '7' })),
    ];
    const statsOf = (url: string, by: string) =>
      consoleJson(url, `api/stats?from=${DAY}&to=${DAY}&by=${by}`).then(
        (d) => d.tables[0].rows as unknown[][],
      );
    /** The console's groups and the stores' as [code, counts] pairs, to compare whole. */
    const shownAs = (rows: unknown[][]) =>
      [...byCode(rows)].map(([code, cells]) => JSON.stringify([code, integers(cells)])).sort();
    const heldAs = (until: number, by: 'window' | 'clerk' | 'dept' | 'task') =>
      [...expectedGroups(stores(until), by)].map((pair) => JSON.stringify(pair)).sort();
    await expect
      .poll(async () => shownAs(await statsOf(hall.url, 'window')), { timeout: 60_000 })
      .toEqual(heldAs(at(10), 'window'));
    expect(stores(at(10)).every((r) => r.hour === '09')).toBe(true);
    expect((await consoleJson(hall.url, `api/alerts?from=${DAY}&to=${DAY}`)).total).toBe(3);

    // ---- The console stops; at 10:0x window 12 gets a 差评 (with a reason) and window 7 a 非常满意.
    await hall.stop();
    const a5 = await open(a);
    await press(a, 4);
    await onScreen(a, 'reasons');
    await press(a, 2);
    await press(a, 3);
    await press(a, 5);
    const b5 = await open(b);
    await b.tap('非常满意');
    expect([await settled(a, a5), await settled(b, b5)]).toEqual(['rated', 'rated']);

    // Back: the 差评 the broker kept for its session arrives, once.
    hall = await startConsole(broker.url, consoleDir);
    await expect
      .poll(async () => (await consoleJson(hall.url, `api/alerts?from=${DAY}&to=${DAY}`)).total, {
        timeout: 30_000,
      })
      .toBe(4);

    // ---- Midnight passes: the whole day goes on the bus.
    clockA.set(at(0, 0, 40, 1));
    clockB.set(at(0, 0, 40, 1));
    const until = at(0, 0, 0, 1);
    for (const by of ['window', 'clerk', 'dept', 'task'] as const) {
      await expect
        .poll(async () => shownAs(await statsOf(hall.url, by)), { timeout: 60_000 })
        .toEqual(heldAs(until, by));
    }
    // Stopped and started once more with nothing new: the same figures.
    const before = await consoleGet(hall.url, `api/stats?from=${DAY}&to=${DAY}&by=dept`);
    await hall.stop();
    hall = await startConsole(broker.url, consoleDir);
    expect((await consoleGet(hall.url, `api/stats?from=${DAY}&to=${DAY}&by=dept`)).body).toEqual(before.body);

    const all = stores(until);
    // What the day was, in the stores' own words: 并联审批 once per department rated, the
    // INVITE key's prompt under its source, the 不评价 and the expiry under window 7.
    const depts = expectedGroups(all, 'dept');
    expect(depts.get(DEPTS.hrss.code)?.slice(0, 8)).toEqual([1, 0, 1, 0, 0, 0, 1, 0]);
    expect(expectedGroups(all, 'window').get('12')?.slice(-1)).toEqual([1]);
    expect(expectedGroups(all, 'window').get('7')?.slice(8, 10)).toEqual([1, 1]);
    expect(expectedGroups(all, 'window').get('12')?.[0]).toBe(7); // a1, a2, a3 ×3, a4, a5

    // ---- 统计 in Chromium, the CSV and the XLSX: the same counts, rates as 好评 ÷ 评价数.
    const page: Page = await browser().newPage({ viewport: { width: 1600, height: 1000 } });
    for (const by of ['window', 'clerk', 'dept', 'task'] as const) {
      const want = expectedGroups(all, by);
      const q = `from=${DAY}&to=${DAY}&by=${by}`;
      await page.goto(new URL(`stats?${q}`, hall.url).href);
      await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
      const shown = await page.$$eval('[data-table="groups"] tbody tr', (trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')),
      );
      const csv = await csvRows((await consoleGet(hall.url, `export/stats.csv?${q}&table=groups`)).body);
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(
        (await consoleGet(hall.url, `export/stats.xlsx?${q}`)).body as unknown as ArrayBuffer,
      );
      const sheet = book.worksheets[0] as ExcelJS.Worksheet;
      const xlsx: unknown[][] = [];
      for (let r = 3; r <= sheet.rowCount; r++)
        xlsx.push(Array.from({ length: 16 }, (_, c) => sheet.getCell(r, c + 1).value ?? ''));
      for (const [what, rows] of [
        ['page', shown],
        ['csv', csv.slice(2)],
        ['xlsx', xlsx],
      ] as const) {
        const got = byCode(rows as unknown[][]);
        expect([...got.keys()].sort(), `${by} ${what}`).toEqual([...want.keys()].sort());
        for (const [code, c] of want) {
          const cells = got.get(code) as unknown[];
          expect(integers(cells), `${by} ${what} ${code}`).toEqual(c);
          const [rated, good] = c as [number, number];
          if (what === 'xlsx') expect(cells[1], `${by} xlsx rate ${code}`).toBeCloseTo(good / rated, 9);
          else expect(cells[1], `${by} ${what} rate ${code}`).toBe(rateText(good, rated));
        }
      }
    }
    // Names as the bus gave them: the clerk by the terminal's state, the kiosk as such.
    const clerks = await statsOf(hall.url, 'clerk');
    expect(clerks.map((r) => r[0]).sort()).toEqual(['林晓（0107）', '（无工号：自助终端）'].sort());

    // ---- The 差评: each once, where it was given, with the reasons chosen.
    const reasonRows = (await consoleJson(hall.url, `api/stats?from=${DAY}&to=${DAY}&by=window`)).tables[2]
      .rows;
    const reasonName = new Map<string, string>(
      reasonRows.map((r: unknown[]) => [r[2] as string, r[1] as string]),
    );
    const given: Record<string, number> = {};
    for (const r of all)
      for (const [code, n] of Object.entries(r.reasons)) given[code] = (given[code] ?? 0) + n;
    expect(Object.fromEntries(reasonRows.map((r: unknown[]) => [r[2], r[3]]))).toEqual(given);
    const list = await consoleJson(hall.url, `api/alerts?from=${DAY}&to=${DAY}`);
    expect(new Set(list.alerts.map((x: { eventId: string }) => x.eventId)).size).toBe(4);
    const badRecords = [a, b].flatMap((t) =>
      t
        .records()
        .filter((r) => r.body.level <= 2)
        .map((r) => ({ terminal: t, body: r.body })),
    );
    expect(
      list.alerts
        .map(
          (x: { windowNo: string; level: number; reasons: string[] }) =>
            `${x.windowNo} ${x.level} ${[...x.reasons].sort().join('、')}`,
        )
        .sort(),
    ).toEqual(
      badRecords
        .map(
          (r) =>
            `${r.terminal === a ? '12' : '7'} ${r.body.level} ${(r.body.reasons as string[])
              .map((c) => reasonName.get(c))
              .sort()
              .join('、')}`,
        )
        .sort(),
    );
    // The one given while the console was down came from 10:0x on window 12.
    expect(list.alerts.filter((x: { at: string }) => x.at >= `${DAY} 10:00:00`)).toHaveLength(1);

    // ---- The 月报 of the month, printed on A4 by Chromium, rendered with pdftoppm.
    await page.goto(new URL(`report?month=${MONTH}`, hall.url).href);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const pdf = join(SCREENSHOT_DIR, 'hall-day-report.pdf');
    writeFileSync(pdf, await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true }));
    const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
    expect(info).toMatch(/Page size:\s+59[45]\.\d+ x 841\.\d+ pts \(A4\)/);
    for (const old of readdirSync(SCREENSHOT_DIR).filter((f) => /^hall-day-report-\d+\.png$/.test(f)))
      rmSync(join(SCREENSHOT_DIR, old));
    execFileSync('pdftoppm', ['-png', '-r', '70', pdf, join(SCREENSHOT_DIR, 'hall-day-report')]);
    const pages = Number(/Pages:\s+(\d+)/.exec(info)?.[1]);
    expect(readdirSync(SCREENSHOT_DIR).filter((f) => /^hall-day-report-\d+\.png$/.test(f))).toHaveLength(
      pages,
    );
    const words = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
    for (const text of ['12 号窗口', '7 号窗口', DEPTS.hrss.name, '各部门好评率'])
      expect(words, text).toContain(text);
    await page.close();
  });
});
