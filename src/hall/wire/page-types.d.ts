// What the console's server sends its pages: the board (terminals, alerts, broker) and
// the figure pages' data. One declaration for both sides: the server's modules build
// these shapes, and the pages (src/hall/web, compiled for the browser with a tsconfig of
// their own) read them. It is a declaration file so that the browser build can take it
// without taking the server's code; it holds types only, and imports nothing.

// ---- the live board (GET /state, the event stream) ----

export interface Clerk {
  id: string;
  name: string;
  status: 'serving' | 'paused';
}

/** A terminal's retained state message, as it was checked (src/hall/wire/messages.ts). */
export interface State {
  terminalId: string;
  hallId: string;
  windowNo: string | null;
  mode: 'counter' | 'kiosk';
  version: string;
  clerk: Clerk | null;
  keypad: 'online' | 'offline' | 'none';
  store: 'ok' | 'fault';
  platform: {
    state: 'unconfigured' | 'online' | 'offline' | 'auth_failed' | 'misconfigured';
    queued: number;
    rejected: number;
    oldestQueuedAt: string | null;
  };
  prompt: 'open' | 'none';
  training: boolean;
  at: string;
}

export interface Entry {
  terminalId: string;
  availability: 'online' | 'offline' | null;
  state: State | null;
  /** When the console last heard from it (ms since the epoch, the console's clock). */
  lastSeen: number;
}

export interface BadAlert {
  seq: number;
  kind: 'bad_rating';
  eventId: string;
  terminalId: string;
  receivedAt: number;
  level: 1 | 2;
  /** Reason labels from the catalogue; an unknown code stays as its code. */
  reasons: string[];
  windowNo: string | null;
  clerkId: string | null;
  deptCode: string | null;
  deptName: string | null;
  taskName: string | null;
  training: boolean;
  at: string;
}

export interface FaultAlert {
  seq: number;
  kind: 'store_fault' | 'platform_paused';
  terminalId: string;
  receivedAt: number;
  state: string | null;
  at: string;
}

export type Alert = BadAlert | FaultAlert;

export type Broker =
  | { state: 'connecting' }
  | { state: 'connected' }
  | { state: 'disconnected'; problem: string | null };

export interface Stats {
  accepted: number;
  refused: Record<string, number>;
  terminals: number;
  duplicates?: number;
}

// ---- the figure pages (今日, 统计, 差评, 月报) ----

export type Cell = string | number | null;

export interface Column {
  label: string;
  /** rate: a fraction 0…1 (null: nothing rated), shown as a percentage. */
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

/** One group's hourly counts summed: the five levels, and how the prompts came and ended. */
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

export type GroupBy = 'window' | 'clerk' | 'dept' | 'task';

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
  /** When the counts were sent: they hold the hours finished by then. */
  sentAt: string | null;
  alerts: AlertView[];
}

export interface TodayPage {
  day: string;
  totals: Counts;
  windows: TodayWindow[];
  hours: Chart;
  tables: Table[];
}

export interface StatsPage {
  from: string;
  to: string;
  by: GroupBy;
  totals: Counts;
  byGroup: Chart;
  trend: Chart;
  reasons: Chart;
  tables: Table[];
}

export interface AlertChoices {
  windows: string[];
  depts: { code: string; name: string }[];
  reasons: { code: string; name: string }[];
}

export interface AlertsPage {
  from: string;
  to: string;
  total: number;
  shown: number;
  alerts: AlertView[];
  choices: AlertChoices;
  tables: Table[];
}

export interface ReportPage {
  month: string;
  previous: string;
  totals: { now: Counts; before: Counts };
  depts: Chart;
  trend: Chart;
  tables: Table[];
}

/** A figure page as the server sends it: the page's data and the hall it is of. */
export type PageData<P> = P & { hallId: string };
export type TodayData = PageData<TodayPage>;
export type StatsData = PageData<StatsPage>;
export type AlertsData = PageData<AlertsPage>;
export type ReportData = PageData<ReportPage>;
