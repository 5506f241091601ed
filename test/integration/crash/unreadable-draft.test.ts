// A power cut on a 差评's reasons screen, and beside its draft others that cannot be read:
// one cut short, one that is JSON but no rating record, one whose personal data another
// key file sealed. Through the installed `serve`: the readable 差评 still becomes final at
// the restart and reaches the reference platform; the unreadable ones are set aside
// (queue.rejected, diagnostics), each logged once with its id and nothing of its content.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createSealer } from '../../../src/store/seal.js';
import { type Run, waitFor } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/temp.js';
import { PlatformSim } from '../../sim/platform-sim.js';
import { APP_MARK, openDiagnostics, SECRET, startServe } from '../store/serve-rig.js';

const runs: Run[] = [];
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const r of runs.splice(0)) r.child.kill('SIGKILL');
  for (const c of cleanup.splice(0).reverse()) await c();
});

const CITIZEN = { name: '欧阳测试芳', idNumber: '35052119900101123X', phone: '13912345678', type: 1 };
const PATIENCE_MS = 30_000;

describe('an unreadable draft beside a readable 差评 after a power cut', { timeout: 120_000 }, () => {
  it('the 差评 is finalised and delivered; the unreadable ones are set aside, counted, shown and logged once', async () => {
    const sim = await PlatformSim.start({ appMark: APP_MARK, secret: SECRET });
    cleanup.push(() => sim.close());
    const dir = tempDir('hcp-unreadable-');
    mkdirSync(join(dir, 'data'));

    const first = await startServe(dir, sim, runs);
    await first.prompt('TX-BAD-1');
    first.send({ type: 'intent', intent: { type: 'rate', level: 1 } });
    await waitFor(() => first.screenKind() === 'reasons', 'the reasons screen', PATIENCE_MS);
    // The cut: the 差评 is a draft on its reasons screen.
    await first.stop('SIGKILL');

    const db = new Database(first.dbPath);
    const draft = db.prepare(`SELECT * FROM records WHERE state = 'draft'`).get() as Record<string, any>;
    expect(draft).toBeDefined();
    const beside = db.prepare(
      `INSERT INTO records (prompt_id, id, seq, state, body, personal_sealed, rated_at, training)
       VALUES (@prompt_id, @id, @seq, 'draft', @body, @personal_sealed, @rated_at, 0)`,
    );
    const body = JSON.parse(draft.body);
    const rows = [
      // Torn by the cut: the body stops mid-string.
      { id: 'torn', body: String(draft.body).slice(0, 57), personal_sealed: null },
      // JSON, but a level no program of ours wrote.
      { id: 'odd', body: JSON.stringify({ ...body, level: 'zero' }), personal_sealed: null },
      // A whole record whose citizen another terminal's key sealed.
      {
        id: 'foreign-key',
        body: JSON.stringify({ ...body, id: 'foreign-key', transactionId: 'TX-FOREIGN' }),
        personal_sealed: createSealer(randomBytes(32)).seal(JSON.stringify(CITIZEN)),
      },
    ];
    for (const [i, r] of rows.entries()) {
      beside.run({ ...r, prompt_id: draft.prompt_id, seq: 100 + i, rated_at: draft.rated_at });
    }
    db.close();

    const second = await startServe(dir, sim, runs);
    await waitFor(() => sim.accepted.has(draft.id), 'the readable 差评 at the platform', PATIENCE_MS);
    const sent = sim.accepted.get(draft.id) as Record<string, unknown>;
    expect(sent).toMatchObject({ projectNo: 'TX-BAD-1', satisfaction: 1 });
    await expect
      .poll(async () => (await second.health()).queue, { timeout: PATIENCE_MS })
      .toMatchObject({ pending: 0, rejected: 3 });
    expect(second.screenKind()).toBe('idle');
    // Nothing unreadable went out, nor the record whose citizen cannot be read.
    expect([...sim.accepted.keys()]).toEqual([draft.id]);

    const view = await openDiagnostics(second);
    expect(view.store.state).toBe('ok');
    expect(
      view.rejected.map((r: { id: string; code: string; message: string }) => [r.id, r.code]).sort(),
    ).toEqual([
      ['foreign-key', 'unopenable_personal_data'],
      ['odd', 'unreadable_record'],
      ['torn', 'unreadable_record'],
    ]);
    const torn = view.rejected.find((r: { id: string }) => r.id === 'torn');
    expect(torn.message).toMatch(/not JSON/);
    const odd = view.rejected.find((r: { id: string }) => r.id === 'odd');
    expect(odd.message).toMatch(/not a rating record \(level\)/);

    // A restart more: nothing is set aside, or logged, a second time.
    await second.stop();
    const third = await startServe(dir, sim, runs);
    await expect
      .poll(async () => (await third.health()).queue, { timeout: PATIENCE_MS })
      .toMatchObject({ pending: 0, rejected: 3 });
    await third.stop();

    const log = readFileSync(join(dir, 'logs', 'terminal.log'), 'utf8');
    const lines = log
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const setAside = lines.filter((l) => l.event === 'record_set_aside');
    expect(setAside.map((l) => [l.recordId, l.code]).sort()).toEqual([
      ['foreign-key', 'unopenable_personal_data'],
      ['odd', 'unreadable_record'],
      ['torn', 'unreadable_record'],
    ]);
    // Its id, never its content.
    for (const word of [
      'TX-FOREIGN',
      'TX-BAD-1',
      'zero',
      CITIZEN.name,
      CITIZEN.idNumber,
      body.department.name,
    ]) {
      expect(log).not.toContain(word);
    }
    expect(lines.some((l) => l.event === 'store_failed')).toBe(false);
  });
});
