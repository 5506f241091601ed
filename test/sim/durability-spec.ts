// What the durability driver (test/sim/durability-run.ts) and its workload child
// (test/sim/durability-child.ts) share: the write paths, the child's instructions, where
// each terminal keeps its store, and the citizen each real-name rating carries.
import { join } from 'node:path';

/** Every path that writes to the disk; each run of the child walks one of them. */
export const PATHS = [
  'first-start',
  'rating',
  'parallel',
  'package',
  'reasons',
  'deliver',
  'erase',
  'prune',
  'checkpoint',
  'migration',
] as const;
export type WritePath = (typeof PATHS)[number];

export interface Spec {
  /** The terminal this run rates on: one for the rating paths, one per forwarding path. */
  folder: string;
  /** In drain mode: every terminal whose queue is to be emptied. */
  drainFolders: string[];
  /** Where first starts and migrations make their new terminals. */
  base: string;
  /** The journal: a file outside the cut filesystem, appended to. */
  journal: string;
  path: WritePath | 'drain';
  runId: string;
  /** The simulator's URL; a closed port while the platform is to be down. */
  platformUrl: string;
  appMark: string;
  secret: string;
  /** A terminal of the previous schema (user_version 1), with its key, for the migration path. */
  template: { db: string; keyFile: string; transactionIds: string[] } | null;
  /** Smaller set-ups (backlogs, old stores) for the many cheap SIGKILL runs. */
  quick: boolean;
  /** A negative control only: first starts write the key file the old way (no fsync). */
  legacyKey?: boolean;
  /** The negative control only: the store's connections without fsync (never reachable from config). */
  syncOff: boolean;
  /** Late cuts only: after `go` the child waits until this file exists (the journal has been read). */
  holdAfterGo?: string;
}

export function storePaths(folder: string) {
  return { path: join(folder, 'data', 'terminal.db'), keyFile: join(folder, 'data', 'terminal.key') };
}

export function citizenOf(transactionId: string) {
  const digits = [...transactionId].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 1e9, 7);
  return {
    name: `市民${transactionId}`,
    idNumber: `350521199001${String(digits).padStart(9, '0').slice(0, 6)}`,
    phone: `139${String(digits).padStart(8, '0').slice(0, 8)}`,
    type: 1 as const,
  };
}

export const DEPARTMENTS = [
  { code: 'D-MKT', name: '县市场监管局' },
  { code: 'D-TAX', name: '县税务局' },
  { code: 'D-SOC', name: '县人社局' },
];
