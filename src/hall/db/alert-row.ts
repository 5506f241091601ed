// A 差评 alert as the console keeps it, and its row in the alerts table: the one codec the
// database and the figures thread both read it with.

export interface StoredAlert {
  seq: number;
  eventId: string;
  terminalId: string;
  at: string;
  level: 1 | 2;
  reasons: string;
  windowNo: string | null;
  clerkId: string | null;
  deptCode: string | null;
  deptName: string | null;
  taskName: string | null;
  training: boolean;
  receivedAt: number;
}

export interface AlertRow {
  seq: number;
  event_id: string;
  terminal_id: string;
  at: string;
  level: 1 | 2;
  reasons: string;
  window_no: string | null;
  clerk_id: string | null;
  dept_code: string | null;
  dept_name: string | null;
  task_name: string | null;
  training: number;
  received_at: number;
}

export function alertFromRow(r: AlertRow): StoredAlert {
  return {
    seq: r.seq,
    eventId: r.event_id,
    terminalId: r.terminal_id,
    at: r.at,
    level: r.level,
    reasons: r.reasons,
    windowNo: r.window_no,
    clerkId: r.clerk_id,
    deptCode: r.dept_code,
    deptName: r.dept_name,
    taskName: r.task_name,
    training: r.training === 1,
    receivedAt: r.received_at,
  };
}

export const ALERT_COLUMNS =
  'seq, event_id, terminal_id, at, level, reasons, window_no, clerk_id, dept_code, dept_name, task_name, training, received_at';
