// The shapes the console's server sends to the page (see src/hall/board.ts).

export interface Clerk {
  id: string;
  name: string;
  status: 'serving' | 'paused';
}
export interface State {
  terminalId: string;
  windowNo: string | null;
  mode: 'counter' | 'kiosk';
  version: string;
  clerk: Clerk | null;
  keypad: 'online' | 'offline' | 'none';
  store: 'ok' | 'fault';
  platform: { state: string; queued: number; rejected: number; oldestQueuedAt: string | null };
  prompt: 'open' | 'none';
  training: boolean;
  at: string;
}
export interface Entry {
  terminalId: string;
  availability: 'online' | 'offline' | null;
  state: State | null;
  lastSeen: number;
}
export interface BadAlert {
  seq: number;
  kind: 'bad_rating';
  eventId: string;
  terminalId: string;
  receivedAt: number;
  level: 1 | 2;
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
