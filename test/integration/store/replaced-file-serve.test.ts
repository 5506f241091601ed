// The installed `serve` rating while its platform is down, its terminal.db renamed over by
// another program's file (or deleted): within a few seconds health and the screen show
// the store fault, a citizen's press gets no thank-you, and after a SIGKILL and a restart
// every rating the terminal thanked for reaches the reference platform simulator.
import { readdirSync, renameSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { type Run, waitFor } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/temp.js';
import { PlatformSim } from '../../sim/platform-sim.js';
import { APP_MARK, openDiagnostics, SECRET, startServe } from './serve-rig.js';

const runs: Run[] = [];
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const r of runs.splice(0)) r.child.kill('SIGKILL');
  for (const c of cleanup.splice(0).reverse()) await c();
});

const PATIENCE_MS = 30_000;
/** The check runs every 2 s; the rest is a busy machine's slack for a real process. */
const NOTICED_WITHIN_MS = 6_000;

describe('serve with its database swapped under it', { timeout: 120_000 }, () => {
  for (const how of ['renamed over', 'deleted'] as const) {
    it(`${how}: fault within seconds, no further thank-you, and every acknowledged rating delivered after a restart`, async () => {
      const sim = await PlatformSim.start({ appMark: APP_MARK, secret: SECRET });
      cleanup.push(() => sim.close());
      await sim.down();
      const dir = tempDir('hcp-swap-');
      const first = await startServe(dir, sim, runs);
      const thanked: string[] = [];
      for (const tx of ['TX-S-1', 'TX-S-2', 'TX-S-3']) {
        await first.prompt(tx);
        first.send({ type: 'intent', intent: { type: 'rate', level: 4 } });
        await waitFor(() => first.screenKind() === 'thanks', 'the thank-you', PATIENCE_MS);
        thanked.push(tx);
      }
      await first.prompt('TX-S-4');

      if (how === 'deleted') unlinkSync(first.dbPath);
      else {
        const other = join(dir, 'data', 'restored-by-someone.db');
        const db = new Database(other);
        db.exec(`CREATE TABLE someone_elses (x); INSERT INTO someone_elses VALUES ('kept')`);
        db.close();
        renameSync(other, first.dbPath);
      }
      const swappedAt = Date.now();
      await expect
        .poll(async () => (await first.health()).store, { timeout: NOTICED_WITHIN_MS, interval: 100 })
        .toBe('unavailable');
      console.log(`${how}: store fault in health after ${Date.now() - swappedAt} ms`);
      await waitFor(() => first.screenKind() === 'fault', 'the store-fault screen', NOTICED_WITHIN_MS);
      // The technicians' screen says what happened and what to do.
      const view = await openDiagnostics(first);
      expect(view.store).toMatchObject({ state: 'unavailable' });
      expect(view.store.message).toMatch(/written back to .*terminal\.db.*Restart the terminal/);

      // The citizen still at the keypad presses: no thank-you, and no new prompt is taken.
      const from = first.screen.received.length;
      first.send({ type: 'intent', intent: { type: 'rate', level: 5 } });
      const refused = await first.api('POST', '/prompts?replace=true', {
        transactionId: 'TX-S-5',
        service: { code: 'S-1', name: '个体工商户登记' },
        departments: [{ code: 'D-MKT', name: '县市场监管局' }],
        mode: 'single',
      });
      expect(refused.status).toBe(503);
      expect(first.kindsSince(from)).not.toContain('thanks');
      expect(first.screenKind()).toBe('fault');

      // A power cut's worth of stop: nothing gets a clean shutdown.
      await first.stop('SIGKILL');
      if (how === 'renamed over') {
        const aside = readdirSync(join(dir, 'data')).filter((n) => n.startsWith('terminal.db.replaced-'));
        expect(aside).toHaveLength(1);
      }
      await sim.up();
      const second = await startServe(dir, sim, runs);
      await waitFor(
        () => [...sim.accepted.values()].length >= thanked.length,
        'every acknowledged rating at the platform',
        PATIENCE_MS,
      );
      await expect.poll(async () => (await second.health()).queue?.pending, { timeout: PATIENCE_MS }).toBe(0);
      expect([...sim.accepted.values()].map((r) => r.projectNo).sort()).toEqual(thanked);
      expect(sim.acceptedTwice()).toEqual([]);
      expect((await second.health()).store).toBe('ok');
      await second.stop();
    });
  }
});
