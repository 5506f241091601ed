// The report's tables, from the same hourly rows the terminal publishes on the bus: the
// rows themselves (明细), their totals per day, clerk, department and 事项, the 差评
// reasons ranked, and a sheet saying what the figures are. Pure: the rows come in.

import type { Cell, Column, Table } from '../base/table-file.js';
import {
  addCounts,
  addDays,
  COUNT_LEVELS,
  emptyRow,
  goodRate,
  type HourRow,
  PROMPT_SOURCES,
  ratedCount,
  SOURCE_HEADERS,
} from '../core/hourly-counts.js';
import { levelInfo } from '../core/levels.js';

export interface ReportFacts {
  terminalId: string;
  windowNo: string;
  from: string;
  to: string;
  /** The first day the store still holds whole (later than `from` when retention cut it). */
  heldFrom: string;
  /** Counts up to this time (the last full hour), `yyyy-MM-dd HH:mm`. */
  upTo: string;
  retentionDays: number;
  /** When the report was made, `yyyy-MM-dd HH:mm:ss`. */
  madeAt: string;
}

const COUNT_COLUMNS: Column[] = [
  ...COUNT_LEVELS.map((l) => ({ header: levelInfo(l).label, kind: 'int' as const })),
  { header: '评价数', kind: 'int' },
  { header: '好评率', kind: 'percent' },
  { header: '放弃评价', kind: 'int' },
  { header: '超时未评价', kind: 'int' },
  ...SOURCE_HEADERS.map((header) => ({ header, kind: 'int' as const })),
];

function countCells(r: HourRow): Cell[] {
  return [
    ...COUNT_LEVELS.map((l) => r.levels[l]),
    ratedCount(r),
    goodRate(r),
    r.declined,
    r.expired,
    ...PROMPT_SOURCES.map((s) => r.source[s]),
  ];
}

/** `115 窗口人员业务不熟练×2; 108 …×1`, most frequent first. */
function reasonsText(reasons: Record<string, number>, label: (code: string) => string): string {
  return ranked(reasons)
    .map(([code, n]) => `${[code, label(code)].filter((t) => t !== '').join(' ')}×${n}`)
    .join('; ');
}

function ranked(reasons: Record<string, number>): [string, number][] {
  return Object.entries(reasons).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}

/** The rows as they are: one per (day, hour, clerk, department, 事项). */
export function detailTable(
  facts: ReportFacts,
  rows: readonly HourRow[],
  label: (code: string) => string,
): Table {
  return {
    name: '明细',
    columns: [
      { header: '日期', width: 12 },
      { header: '时段', width: 8 },
      { header: '终端', width: 12 },
      { header: '窗口', width: 8 },
      { header: '工作人员编号', width: 14 },
      { header: '工作人员', width: 10 },
      { header: '部门编码', width: 22 },
      { header: '部门', width: 24 },
      { header: '事项编码', width: 16 },
      { header: '事项', width: 28 },
      ...COUNT_COLUMNS,
      { header: '差评原因', width: 40 },
    ],
    rows: rows.map((r) => [
      r.day,
      `${r.hour}:00`,
      facts.terminalId,
      facts.windowNo,
      r.clerkId,
      r.clerkName,
      r.deptCode,
      r.deptName,
      r.taskCode,
      r.taskName,
      ...countCells(r),
      reasonsText(r.reasons, label),
    ]),
  };
}

/** Totals per group, in the order of the group's key. */
function totalsTable(
  name: string,
  keyColumns: Column[],
  rows: readonly HourRow[],
  keyOf: (r: HourRow) => Cell[],
): Table {
  const groups = new Map<string, { key: Cell[]; total: HourRow }>();
  for (const r of rows) {
    const key = keyOf(r);
    const id = JSON.stringify(key.slice(0, 1));
    let g = groups.get(id);
    if (!g) {
      g = { key, total: emptyRow(r) };
      groups.set(id, g);
    }
    addCounts(g.total, r);
  }
  const sorted = [...groups.values()].sort((a, b) => (String(a.key[0]) < String(b.key[0]) ? -1 : 1));
  const all = emptyRow(
    rows[0] ?? { day: '', hour: '', clerkId: '', deptCode: '', deptName: '', taskCode: '', taskName: '' },
  );
  for (const r of rows) addCounts(all, r);
  return {
    name,
    columns: [...keyColumns, ...COUNT_COLUMNS],
    rows: [
      ...sorted.map((g) => [...g.key, ...countCells(g.total)]),
      ['合计', ...keyColumns.slice(1).map(() => ''), ...countCells(all)],
    ],
  };
}

/** Every table of the report: XLSX has them all, CSV the first (明细). */
export function reportTables(
  facts: ReportFacts,
  rows: readonly HourRow[],
  label: (code: string) => string,
): Table[] {
  const reasons: Record<string, number> = {};
  for (const r of rows)
    for (const [code, n] of Object.entries(r.reasons)) reasons[code] = (reasons[code] ?? 0) + n;
  return [
    detailTable(facts, rows, label),
    totalsTable('按日', [{ header: '日期', width: 12 }], rows, (r) => [r.day]),
    totalsTable(
      '按工作人员',
      [
        { header: '工作人员编号', width: 14 },
        { header: '工作人员', width: 10 },
      ],
      rows,
      (r) => [r.clerkId, r.clerkName],
    ),
    totalsTable(
      '按部门',
      [
        { header: '部门编码', width: 22 },
        { header: '部门', width: 24 },
      ],
      rows,
      (r) => [r.deptCode, r.deptName],
    ),
    totalsTable(
      '按事项',
      [
        { header: '事项编码', width: 16 },
        { header: '事项', width: 28 },
      ],
      rows,
      (r) => [r.taskCode, r.taskName],
    ),
    {
      name: '差评原因',
      columns: [
        { header: '指标编码', width: 10 },
        { header: '差评原因', width: 30 },
        { header: '次数', kind: 'int' },
      ],
      rows: ranked(reasons).map(([code, n]) => [code, label(code), n]),
    },
    notesTable(facts),
  ];
}

function notesTable(f: ReportFacts): Table {
  const lines: [string, string][] = [
    ['终端', f.terminalId],
    ['窗口', f.windowNo],
    ['统计期间', `${f.from} 至 ${f.to}`],
    ['统计截至', `${f.upTo}（只计已结束的整点小时）`],
    ['制表时间', f.madeAt],
    ['好评率', '(非常满意 + 满意 + 基本满意) ÷ 评价数'],
    ['评价数', '已确定的评价：并联审批按被评价的部门各计一次，与上报平台的记录一致'],
    ['差评原因', '差评（不满意、非常不满意）所选的评价指标，每选一次计一次'],
    ['放弃评价 / 超时未评价', '未作评价的评价请求：并联审批按其各部门各计一次'],
    ['时段', '评价确定（或请求结束）的整点小时，北京时间'],
  ];
  if (f.heldFrom > f.from) {
    lines.push([
      '未含日期',
      `${f.from} 至 ${addDays(f.heldFrom, -1)}：终端只保存最近 ${f.retentionDays} 天的评价（store.retentionDays），这些日期不在本表中`,
    ]);
  }
  return {
    name: '说明',
    columns: [
      { header: '项目', width: 22 },
      { header: '说明', width: 80 },
    ],
    rows: lines,
  };
}
