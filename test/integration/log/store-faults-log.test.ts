// A store that stays broken is tried again every 2 s; the log says so when it starts,
// then only every 10 minutes, and says when it ended. A real read-only disk (tmpfs,
// root as in CI) and the engine's own clock moved by hand.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPEAT_EVERY_MS } from '../../../src/engine/fault-log.js';
import { jsonLinesLogger } from '../../../src/engine/log.js';
import { STORE_PROBE_MS } from '../../../src/engine/store-link.js';
import { Terminal } from '../../../src/engine/terminal.js';
import { RatingStore } from '../../../src/store/store.js';
import { coreConfig } from '../../helpers/core-fixture.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { mountSmallDisk, type SmallDisk } from '../../helpers/tmpfs.js';

let disk: SmallDisk | null = null;
let terminal: Terminal | null = null;
afterEach(() => {
  terminal?.stop();
  terminal = null;
  disk?.unmount();
  disk = null;
});

describe('store faults in the log', () => {
  it('a store that will not open: one line, a reminder every 10 minutes, and one when it opens', () => {
    disk = mountSmallDisk(1024);
    disk.remount('ro');
    const dir = disk.dir;
    const clock = new FakeClock();
    const lines: Record<string, unknown>[] = [];
    terminal = new Terminal({
      config: coreConfig({ mode: 'kiosk' }),
      openStore: () =>
        RatingStore.open({ path: join(dir, 'terminal.db'), keyFile: join(dir, 'terminal.key') }),
      clock,
      log: jsonLinesLogger((l) => lines.push(JSON.parse(l))),
    });
    const started = clock.now();
    terminal.start();
    expect(terminal.health().store).toBe('unavailable');
    // A minute of tries, 30 of them: still the one line.
    clock.advance(60_000);
    const faults = () => lines.filter((l) => l.level !== 'info');
    expect(faults()).toEqual([
      expect.objectContaining({ level: 'error', event: 'store_open_failed', message: expect.any(String) }),
    ]);
    clock.advance(REPEAT_EVERY_MS);
    expect(faults()).toHaveLength(2);
    expect(faults()[1]).toMatchObject({
      event: 'store_open_failed',
      since: new Date(started).toISOString(),
      repeatsSinceLastLine: expect.any(Number),
    });
    expect(faults()[1]?.repeatsSinceLastLine).toBeGreaterThan(250);

    disk.remount('rw');
    clock.advance(STORE_PROBE_MS);
    expect(terminal.health().store).toBe('ok');
    expect(lines.at(-1)).toMatchObject({
      level: 'info',
      event: 'store_recovered',
      failedSince: new Date(started).toISOString(),
      downMs: expect.any(Number),
    });
    expect(lines.at(-1)?.downMs).toBeGreaterThanOrEqual(60_000 + REPEAT_EVERY_MS);
  });
});
