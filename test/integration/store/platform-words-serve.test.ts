// Through the installed `serve`: the reference platform refuses a real-name rating with a
// message that quotes the citizen reformatted (spaced id number, spaced name, dotted
// phone). The technicians' screen shows it with each blanked; neither the database files
// nor the log hold it or any form of the citizen's data.
import { existsSync, readFileSync } from 'node:fs';
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

const CITIZEN = { name: '张三丰', idNumber: '350521199001011234', phone: '13812345678', type: 1 };
const REFUSAL = '证件号码 350521 19900101 1234 与姓名 张 三 丰 不符，请联系 138.1234.5678 核实';
const PATIENCE_MS = 30_000;

/** Letters and digits only: how the citizen's values are looked for in what is kept. */
const bare = (text: string) => text.replace(/[^\p{L}\p{N}]/gu, '');

describe("a platform's refusal quoting the citizen", { timeout: 120_000 }, () => {
  it('is shown blanked in diagnostics, and kept nowhere in clear: not in the database, not in the log', async () => {
    const sim = await PlatformSim.start({ appMark: APP_MARK, secret: SECRET });
    cleanup.push(() => sim.close());
    await sim.down();
    const dir = tempDir('hcp-words-');
    const rig = await startServe(dir, sim, runs);
    await rig.prompt('TX-W-1', CITIZEN);
    rig.send({ type: 'intent', intent: { type: 'real_name', on: true } });
    rig.send({ type: 'intent', intent: { type: 'rate', level: 4 } });
    await waitFor(() => rig.screenKind() === 'thanks', 'the thank-you', PATIENCE_MS);
    const db = new Database(rig.dbPath, { readonly: true });
    const recordId = db.prepare('SELECT id FROM records').pluck().get() as string;
    db.close();
    sim.faults.rejectIds.set(recordId, { code: 'E_CERT', message: REFUSAL });
    await sim.up();
    await expect
      .poll(async () => (await rig.health()).queue, { timeout: PATIENCE_MS })
      .toMatchObject({ pending: 0, rejected: 1 });

    const view = await openDiagnostics(rig);
    expect(view.rejected).toHaveLength(1);
    const shown = view.rejected[0].message as string;
    expect(shown).toContain('证件号码');
    expect(shown).toContain('[redacted]');
    for (const value of [CITIZEN.idNumber, CITIZEN.name, CITIZEN.phone]) {
      expect(bare(shown), shown).not.toContain(value);
    }
    await rig.stop();

    // At rest: the refusal is sealed (nothing of its wording in the files), the citizen too.
    for (const file of [rig.dbPath, `${rig.dbPath}-wal`]) {
      if (!existsSync(file)) continue;
      const bytes = readFileSync(file);
      for (const text of ['证件号码', '与姓名', CITIZEN.name, CITIZEN.idNumber, '138.1234.5678']) {
        expect(bytes.includes(Buffer.from(text)), `${text} in ${file}`).toBe(false);
      }
    }
    const log = readFileSync(join(dir, 'logs', 'terminal.log'), 'utf8');
    expect(log).toContain('record_rejected');
    for (const line of log.trim().split('\n')) {
      for (const value of [CITIZEN.idNumber, CITIZEN.name, CITIZEN.phone, '证件号码']) {
        expect(bare(line), line).not.toContain(bare(value));
      }
    }
  });
});
