// The figure pages' data as the console's server sends it (see src/hall/pages-data.ts).

export type Cell = string | number | null;
export interface Column {
  label: string;
  kind: 'text' | 'int' | 'rate';
}
export interface Table {
  id: string;
  title: string;
  columns: Column[];
  rows: Cell[][];
}
export interface Chart {
  labels: string[];
  series: { name: string; kind: 'bar' | 'line'; axis: 'count' | 'rate'; values: (number | null)[] }[];
  /** Set when the chart shows only some of this many groups (the table has them all). */
  of?: number;
}
export interface Counts {
  l5: number;
  l4: number;
  l3: number;
  l2: number;
  l1: number;
  declined: number;
  expired: number;
  api: number;
  gwq: number;
  invite: number;
}
export interface AlertView {
  eventId: string;
  at: string;
  level: 1 | 2;
  levelLabel: string;
  reasons: string[];
  window: string;
  windowNo: string | null;
  deptCode: string | null;
  deptName: string | null;
  taskName: string | null;
  clerkId: string | null;
  terminalId: string;
  training: boolean;
}
export interface TodayWindow {
  terminalId: string;
  windowNo: string;
  window: string;
  clerks: string[];
  counts: Counts;
  rated: number;
  bad: number;
  rate: number | null;
  sentAt: string | null;
  alerts: AlertView[];
}
export interface TodayData {
  hallId: string;
  day: string;
  totals: Counts;
  windows: TodayWindow[];
  hours: Chart;
  tables: Table[];
}
export interface StatsData {
  hallId: string;
  from: string;
  to: string;
  by: 'window' | 'clerk' | 'dept' | 'task';
  totals: Counts;
  byGroup: Chart;
  trend: Chart;
  reasons: Chart;
  tables: Table[];
}
export interface AlertsData {
  hallId: string;
  from: string;
  to: string;
  total: number;
  shown: number;
  alerts: AlertView[];
  choices: {
    windows: string[];
    depts: { code: string; name: string }[];
    reasons: { code: string; name: string }[];
  };
  tables: Table[];
}
export interface ReportData {
  hallId: string;
  month: string;
  previous: string;
  totals: { now: Counts; before: Counts };
  depts: Chart;
  trend: Chart;
  tables: Table[];
}
