// A terminal on a fake clock (real store in a folder the test keeps across restarts)
// with its fleet reporter on a real Mosquitto, for the hourly counts: hours pass at
// the test's word, the broker and the store are real.
import { join } from 'node:path';
import { silentLogger } from '../../../src/base/logger.js';
import type { FleetSection } from '../../../src/config/terminal-config.js';
import type { PromptRequest } from '../../../src/core/events.js';
import { fleetSourceOf } from '../../../src/engine/fleet-source.js';
import { Terminal } from '../../../src/engine/terminal.js';
import { type FleetReporter, startFleet } from '../../../src/fleet/reporter.js';
import { RatingStore } from '../../../src/store/store.js';
import { clerk, coreConfig, request } from '../../helpers/core-fixture.js';
import type { FakeClock } from '../../helpers/fake-clock.js';
import { onCleanup, TERMINAL_ID } from './rig.js';
import { type ContractRow, storeCounts } from './store-counts.js';

/** An instant of 2026-11-29 (or `day` days after) at hh:mm:ss in UTC+8. */
export const cst = (hh: number, mm = 0, ss = 0, day = 0) => Date.UTC(2026, 10, 29 + day, hh - 8, mm, ss);
export const DAY = '2026-11-29';

/** Where a transaction came from, by the ids this test gives them. */
export const sourceOf = (tx: string) =>
  tx.startsWith('GWQ-') ? 'gwq' : tx.startsWith(`${TERMINAL_ID}-`) ? 'invite' : 'api';

export interface StatsRig {
  terminal: Terminal;
  fleet: FleetReporter;
  dbPath: string;
  /** Opens a prompt and rates it (a 差评 with `reasons`, submitted at once). */
  rate(level: 1 | 2 | 3 | 4 | 5, req?: Partial<PromptRequest>, reasons?: string[]): void;
  /** What the store holds for `day` before `until`, counted independently. */
  counts(day: string, until: number): ContractRow[];
  stop(): Promise<void>;
}

let tx = 0;

export function statsRig(
  fleet: FleetSection,
  clock: FakeClock,
  dir: string,
  options: { mode?: 'counter' | 'kiosk'; training?: boolean; retentionDays?: number } = {},
): StatsRig {
  const mode = options.mode ?? 'counter';
  const training = options.training ?? false;
  const dbPath = join(dir, 'terminal.db');
  const terminal = new Terminal({
    config: coreConfig({ mode, training }),
    openStore: () => RatingStore.open({ path: dbPath, keyFile: join(dir, 'terminal.key'), training }),
    clock,
  });
  const reporter = startFleet(
    fleet,
    { terminalId: TERMINAL_ID, windowNo: '12', mode, training, version: '0.0.0-test' },
    fleetSourceOf(terminal),
    silentLogger,
    { clock, random: () => 0, retentionDays: options.retentionDays ?? 90 },
  );
  terminal.start();
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await reporter.stop();
    terminal.stop();
  };
  onCleanup(stop);
  if (mode === 'counter' && !terminal.clerk) terminal.signIn(clerk);
  return {
    terminal,
    fleet: reporter,
    dbPath,
    rate(level, req = {}, reasons = []) {
      const opened = terminal.openPrompt(request({ transactionId: `TX-STATS-${++tx}`, ...req }));
      if (!opened.ok) throw new Error(`prompt refused: ${opened.message}`);
      if (req.mode === 'parallel') terminal.intent({ type: 'choose_scope', scope: 'overall' });
      terminal.intent({ type: 'rate', level });
      if (level <= 2) {
        for (const code of reasons) terminal.intent({ type: 'toggle_reason', code });
        terminal.intent({ type: 'submit_reasons' });
      }
    },
    counts: (day, until) => storeCounts(dbPath, day, until, sourceOf),
    stop,
  };
}
