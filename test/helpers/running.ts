// A whole running terminal as `serve` runs it (engine, store, forwarder, keypad, local
// API, file log) from a configuration file in a temp folder, its API on a port the
// system gives (never a fixed one).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAll } from '../../src/config/load-all.js';
import type { TerminalConfig } from '../../src/config/terminal-config.js';
import type { ReasonsCatalogue } from '../../src/core/reasons.js';
import { type RunningTerminal, startRunningTerminal } from '../../src/engine/running-terminal.js';
import { onSystemPorts } from './ports.js';
import { tempDir } from './temp.js';

export interface RunningOptions {
  /** The configuration's sections beside terminal, store and log (keypad, platform, api, prompt…). */
  config?: Record<string, unknown>;
  dir?: string;
}

export interface TestTerminal {
  running: RunningTerminal;
  dir: string;
  /** What it was started with (its API on port 0), for a reload with the same settings. */
  loaded: { config: TerminalConfig; catalogue: ReasonsCatalogue };
}

export async function startTestTerminal(options: RunningOptions = {}): Promise<TestTerminal> {
  const dir = options.dir ?? tempDir();
  const file = join(dir, 'config.json');
  writeFileSync(
    file,
    JSON.stringify({
      terminal: {
        id: 'HA-0001',
        mode: 'counter',
        windowNo: '12',
        hallName: '惠安县行政服务中心',
        areaCode: '350521',
      },
      keypad: { driver: 'none' },
      store: { path: join(dir, 'terminal.db'), keyFile: join(dir, 'terminal.key') },
      log: { dir: join(dir, 'logs') },
      ...options.config,
    }),
  );
  const problems: string[] = [];
  const loaded = loadAll(file, { out: () => {}, err: (l: string) => problems.push(l) });
  if (!loaded) throw new Error(`the test configuration does not load:\n${problems.join('\n')}`);
  // Port 0: the system picks a free one, so nothing here needs a fixed port to be free.
  const config = onSystemPorts(loaded.config);
  const running = await startRunningTerminal(config, loaded.catalogue);
  return { running, dir, loaded: { config, catalogue: loaded.catalogue } };
}
