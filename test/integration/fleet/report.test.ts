// `haochaping-terminal report` as a technician runs it, beside a terminal that holds its
// store open: the CSV (UTF-8 with BOM) and the XLSX (read back with exceljs) give the
// counts the store holds, counted here independently; days the retention may have cut
// are named and left out; a training terminal, a missing store and bad flags are told.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli.js';
import { Terminal } from '../../../src/engine/terminal.js';
import { RatingStore } from '../../../src/store/store.js';
import { runCli } from '../../helpers/cli.js';
import { clerk, coreConfig, request } from '../../helpers/core-fixture.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { tempDir } from '../../helpers/temp.js';
import { onCleanup } from './rig.js';
import { sourceOf } from './stats-rig.js';
import { type ContractRow, storeCounts } from './store-counts.js';

const DAY_MS = 86_400_000;
const CST = 8 * 3_600_000;
const dayOf = (ms: number) => new Date(ms + CST).toISOString().slice(0, 10);
/** The start of a UTC+8 day, `offset` days from the one `ms` falls on. */
const dayStart = (ms: number, offset = 0) => Math.floor((ms + CST) / DAY_MS) * DAY_MS - CST + offset * DAY_MS;

const MKT = { code: 'D-MKT', name: '县市场监管局' };
const TAX = { code: 'D-TAX', name: '县税务局' };
const HEADERS = [
  '日期',
  '时段',
  '终端',
  '窗口',
  '工作人员编号',
  '工作人员',
  '部门编码',
  '部门',
  '事项编码',
  '事项',
  '非常满意',
  '满意',
  '基本满意',
  '不满意',
  '非常不满意',
  '评价数',
  '好评率',
  '放弃评价',
  '超时未评价',
  '来源：业务系统',
  '来源：GWQ',
  '来源：邀请评价',
  '差评原因',
];

/** A terminal that rated through four days up to now (real time: the report reads the real clock). */
function ratedStore(retentionDays = 90) {
  const dir = tempDir('hcp-report-');
  const file = join(dir, 'config.yaml');
  writeFileSync(
    file,
    `terminal:\n  id: HA-0001\n  windowNo: "12"\n  areaCode: "350521"\nkeypad:\n  driver: none\n` +
      `store:\n  path: ./terminal.db\n  retentionDays: ${retentionDays}\n`,
  );
  const now = Date.now();
  const clock = new FakeClock(dayStart(now, -3) + 9 * 3_600_000);
  const terminal = new Terminal({
    config: coreConfig(),
    openStore: () => RatingStore.open({ path: join(dir, 'terminal.db'), keyFile: join(dir, 'terminal.key') }),
    clock,
  });
  terminal.start();
  onCleanup(() => terminal.stop());
  terminal.signIn(clerk);
  let tx = 0;
  const rate = (
    level: 1 | 2 | 3 | 4 | 5,
    more: Parameters<typeof request>[0] = {},
    reasons: string[] = [],
  ) => {
    terminal.openPrompt(request({ transactionId: `TX-REPORT-${++tx}`, ...more }));
    if (more.mode === 'parallel') terminal.intent({ type: 'choose_scope', scope: 'overall' });
    terminal.intent({ type: 'rate', level });
    for (const code of reasons) terminal.intent({ type: 'toggle_reason', code });
    if (level <= 2) terminal.intent({ type: 'submit_reasons' });
    clock.advance(7 * 60_000);
  };
  for (let d = 0; d < 3; d++) {
    rate(5);
    rate(4, { service: { code: 'S-2', name: '食品经营许可' } });
    rate(2, { departments: [TAX] }, ['207', '209']);
    rate(3, { mode: 'parallel', departments: [MKT, TAX] });
    terminal.openPrompt(
      request({ transactionId: `TX-REPORT-D${d}`, mode: 'parallel', departments: [MKT, TAX] }),
    );
    terminal.intent({ type: 'decline' });
    clock.advance(3 * 3_600_000);
    rate(1, {}, ['108']);
    terminal.openPrompt(request({ transactionId: `TX-REPORT-E${d}` }));
    clock.advance(61_000);
    terminal.inviteKey();
    terminal.intent({ type: 'rate', level: 5 });
    if (d < 2) clock.advance(dayStart(clock.now(), 1) + 9 * 3_600_000 - clock.now());
  }
  // Today: one in an hour already over (if there is one) and one in the hour still running.
  if (now - dayStart(now) >= 3_600_000) {
    clock.advance(now - 3_600_000 - clock.now());
    rate(4);
  }
  clock.advance(Math.max(0, now - clock.now()));
  rate(1, {}, ['110']);
  return { dir, file, db: join(dir, 'terminal.db'), now, terminal };
}

/** `report` from the first to the last of `days`, as a technician runs it. */
function report(days: string[], config: string, ...more: string[]) {
  return runCli([
    'report',
    '--from',
    days[0] as string,
    '--to',
    days.at(-1) as string,
    '--config',
    config,
    ...more,
  ]);
}

/** The hour the report says it counted up to: `counts up to yyyy-MM-dd HH:mm`. */
function upToOf(text: string): number {
  const m = /counts up to (\d{4}-\d{2}-\d{2}) (\d{2}):(\d{2})/.exec(text);
  if (!m) throw new Error(`no "counts up to" in: ${text}`);
  return Date.parse(`${m[1]}T${m[2]}:${m[3]}:00+08:00`);
}

function expected(db: string, days: string[], until: number) {
  return days.flatMap((day) => storeCounts(db, day, until, sourceOf).map((r) => ({ day, ...r })));
}

/** A row of the report's 明细 table back as the contract's row (with its day). */
function asRow(cells: string[]): ContractRow & { day: string } {
  const n = (i: number) => Number(cells[i]);
  const reasons: Record<string, number> = {};
  for (const m of (cells[22] ?? '').matchAll(/(\d+)[^×;]*×(\d+)/g)) reasons[m[1] as string] = Number(m[2]);
  return {
    day: cells[0] as string,
    hour: (cells[1] as string).slice(0, 2),
    clerkId: cells[4] as string,
    deptCode: cells[6] as string,
    deptName: cells[7] as string,
    taskCode: cells[8] as string,
    taskName: cells[9] as string,
    levels: { 5: n(10), 4: n(11), 3: n(12), 2: n(13), 1: n(14) },
    reasons,
    declined: n(17),
    expired: n(18),
    source: { api: n(19), gwq: n(20), invite: n(21) },
  };
}

/** RFC 4180 CSV, as a spreadsheet reads it. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  return rows;
}

describe('haochaping-terminal report', () => {
  // Each spawns the command (a process start is seconds on a busy machine).
  it('CSV and XLSX give the counts the store holds, read beside a running terminal', {
    timeout: 120_000,
  }, async () => {
    const s = ratedStore();
    const days = [-3, -2, -1, 0].map((d) => dayOf(dayStart(s.now, d)));
    const csvFile = join(s.dir, 'november.csv');
    const csv = report(days, s.file, '--out', csvFile);
    expect(await csv.exit, csv.stderr()).toBe(0);
    expect(csv.stdout()).toContain(`Wrote ${csvFile}`);
    const until = upToOf(csv.stdout());
    const bytes = readFileSync(csvFile);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [header, ...lines] = parseCsv(bytes.toString('utf8').slice(1));
    expect(header).toEqual(HEADERS);
    const want = expected(s.db, days, until);
    expect(want.length).toBeGreaterThan(10);
    expect(lines.map(asRow)).toEqual(want);
    // The words of a 差评's reasons come from the catalogue; 好评率 as a percentage.
    expect(lines.some((l) => /207 \S+×1; 209 \S+×1/.test(l[22] as string))).toBe(true);
    expect(lines.every((l) => l[16] === '' || /^\d+\.\d%$/.test(l[16] as string))).toBe(true);
    // The hour still running is not counted.
    expect(lines.some((l) => (l[22] as string).includes('110'))).toBe(until > s.now);

    const xlsxFile = join(s.dir, 'november.xlsx');
    const xlsx = report(days, s.file, '--out', xlsxFile);
    expect(await xlsx.exit, xlsx.stderr()).toBe(0);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(xlsxFile);
    expect(book.worksheets.map((w) => w.name)).toEqual([
      '明细',
      '按日',
      '按工作人员',
      '按部门',
      '按事项',
      '差评原因',
      '说明',
    ]);
    const sheet = (name: string) => {
      const out: (string | number | null)[][] = [];
      book.getWorksheet(name)?.eachRow((r) => {
        out.push((r.values as (string | number | null)[]).slice(1));
      });
      return out;
    };
    const [xHeader, ...xRows] = sheet('明细');
    expect(xHeader).toEqual(HEADERS);
    const xUntil = upToOf(xlsx.stdout());
    expect(
      xRows.map((r) =>
        asRow(HEADERS.map((_, i) => (r[i] === null || r[i] === undefined ? '' : String(r[i])))),
      ),
    ).toEqual(expected(s.db, days, xUntil));
    // Numbers are numbers in XLSX; 好评率 a share with a percentage format.
    expect(typeof xRows[0]?.[10]).toBe('number');
    expect(book.getWorksheet('明细')?.getColumn(17).numFmt).toBe('0.0%');
    // Per department: the totals of its rows; the last line is the whole.
    const want2 = expected(s.db, days, xUntil);
    const perDept = sheet('按部门').slice(1);
    const mkt = perDept.find((r) => r[0] === 'D-MKT');
    const mktRows = want2.filter((r) => r.deptCode === 'D-MKT');
    expect(mkt?.slice(2, 7)).toEqual(
      ['5', '4', '3', '2', '1'].map((l) => mktRows.reduce((n, r) => n + (r.levels[l] ?? 0), 0)),
    );
    expect(perDept.at(-1)?.[0]).toBe('合计');
    expect(perDept.at(-1)?.[7]).toBe(
      want2.reduce((n, r) => n + Object.values(r.levels).reduce((a, b) => a + b, 0), 0),
    );
    const reasons = sheet('差评原因').slice(1);
    expect(reasons.find((r) => r[0] === '207')?.[2]).toBe(3);
  });

  it('names the days the retention may have cut, and leaves them out', { timeout: 60_000 }, async () => {
    const s = ratedStore(2);
    const days = [-3, -2, -1, 0].map((d) => dayOf(dayStart(s.now, d)));
    const r = report(days, s.file, '--out', '-');
    expect(await r.exit, r.stderr()).toBe(0);
    // Kept 2 days: of the last three days only the last one (and today) is whole in the store.
    expect(r.stderr()).toContain(`note: ${days[0]} … ${days[1]} is not in the report`);
    expect(r.stderr()).toContain('store.retentionDays');
    const [, ...lines] = parseCsv(r.stdout().slice(1));
    expect(new Set(lines.map((l) => l[0]))).toEqual(
      new Set([days[2], ...(lines.some((l) => l[0] === days[3]) ? [days[3]] : [])]),
    );
    expect(lines.map(asRow)).toEqual(expected(s.db, days.slice(2), upToOf(r.stderr())));
  });

  it('tells what is wrong: a training terminal, no store, bad flags', { timeout: 60_000 }, async () => {
    const dir = tempDir('hcp-report-');
    const training = join(dir, 'training.yaml');
    writeFileSync(
      training,
      `terminal:\n  id: HA-0009\n  areaCode: "350521"\n  training: true\nkeypad:\n  driver: none\n`,
    );
    const november = ['2026-11-01', '2026-11-30'];
    const t = report(november, training);
    expect(await t.exit).toBe(1);
    expect(t.stderr()).toContain('training terminal');
    const none = join(dir, 'none.yaml');
    writeFileSync(
      none,
      `terminal:\n  id: HA-0009\n  areaCode: "350521"\nkeypad:\n  driver: none\nstore:\n  path: ./nothing/t.db\n`,
    );
    const n = report(november, none);
    expect(await n.exit).toBe(1);
    expect(n.stderr()).toContain('no store at');
    const cases = [
      [['--to', '2026-11-30'], '--from is missing'],
      [['--from', '2026-11-31', '--to', '2026-12-01'], '--from "2026-11-31" is not a day'],
      [['--from', '2026-11-30', '--to', '2026-11-01'], 'is before --from'],
      [['--from', '2026-11-01', '--to', '2026-11-30', '--format', 'pdf'], 'csv or xlsx'],
      [['--from', '2026-11-01', '--to', '2026-11-30', '--format', 'xlsx', '--out', '-'], 'CSV only'],
      [['--from', '2026-11-01', '--to', '2026-11-30', '--frobnicate'], 'unknown argument'],
    ] as const;
    // The flags are read before anything is opened: in this process, as the command's main.
    for (const [args, says] of cases) {
      const err: string[] = [];
      const code = await main(['report', ...args, '--config', none], {
        out: () => {},
        err: (l) => err.push(l),
      });
      expect(code, says).toBe(2);
      expect(err.join('\n'), says).toContain(says);
    }
    const out: string[] = [];
    expect(await main(['report', '--help'], { out: (l) => out.push(l), err: () => {} })).toBe(0);
    expect(out.join('\n')).toContain('haochaping-terminal report --from YYYY-MM-DD');
  });
});
