// What the power-cut test and its child share: the child's instructions, where each
// terminal keeps its store, and the citizen each real-name rating carries.
import { join } from 'node:path';

export interface Spec {
  folders: string[];
  /** The simulator, or a closed port for a run while the platform is down. */
  platformUrl: string;
  appMark: string;
  secret: string;
  runId: string;
  mode: 'work' | 'drain';
  /** The negative control: the key file written the way the old code did (no fsync). */
  legacyKey: boolean;
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
