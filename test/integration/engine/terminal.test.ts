import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { ViewState } from '../../../src/core/view.js';
import { Terminal } from '../../../src/engine/terminal.js';
import { RatingStore } from '../../../src/store/store.js';
import { clerk, coreConfig, request } from '../../helpers/core-fixture.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { tempDir } from '../../helpers/temp.js';
import { fillDisk, mountSmallDisk, type SmallDisk } from '../../helpers/tmpfs.js';

const running: Terminal[] = [];
let disk: SmallDisk | null = null;
afterEach(() => {
  for (const t of running.splice(0)) t.stop();
  disk?.unmount();
  disk = null;
});

function terminal(dir: string, opts: { clock?: FakeClock; mode?: 'counter' | 'kiosk' } = {}) {
  const t = new Terminal({
    config: coreConfig({ mode: opts.mode ?? 'counter' }),
    openStore: () => RatingStore.open({ path: join(dir, 'terminal.db'), keyFile: join(dir, 'terminal.key') }),
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  running.push(t);
  t.start();
  return t;
}

function recordsInFile(dir: string): { state: string; body: string }[] {
  const db = new Database(join(dir, 'terminal.db'), { readonly: true });
  try {
    return db.prepare('SELECT state, body FROM records ORDER BY seq').all() as {
      state: string;
      body: string;
    }[];
  } finally {
    db.close();
  }
}

describe('the engine', () => {
  it('thanks the citizen only once the rating is on disk', () => {
    const dir = tempDir();
    const clock = new FakeClock();
    const t = terminal(dir, { clock });
    const seen: string[] = [];
    t.subscribe({
      view: (v: ViewState) => {
        if (v.screen.kind === 'thanks') {
          // Another connection, as after a power cut, must already see the final record.
          const rows = recordsInFile(dir);
          seen.push(`thanks with ${rows.filter((r) => r.state === 'pending').length} final`);
        }
      },
      sound: (clips) => seen.push(`sound ${clips.join(' ')}`),
    });
    t.signIn(clerk);
    const opened = t.openPrompt(request());
    expect(opened).toMatchObject({ ok: true, qr: null, expiresAt: clock.now() + 60_000 });
    clock.advance(1_500);
    t.key(2);
    expect(seen.slice(-2)).toEqual(['thanks with 1 final', 'sound thanks']);
    expect(t.getPrompt(opened.promptId as string)).toMatchObject({
      status: 'rated',
      records: [{ level: 4 }],
    });
    clock.advance(3_000);
    expect(t.view().screen.kind).toBe('idle');
  });

  it('ends an unanswered prompt as expired on its own clock, with no record', () => {
    const dir = tempDir();
    const clock = new FakeClock();
    const t = terminal(dir, { clock, mode: 'kiosk' });
    const changed: string[] = [];
    t.subscribe({ prompt: (id) => changed.push(id) });
    const { promptId } = t.openPrompt(request());
    clock.advance(60_000);
    expect(t.getPrompt(promptId as string)).toMatchObject({ status: 'expired', records: [] });
    expect(changed).toEqual([promptId, promptId]);
    expect(t.openPrompt(request()).ok).toBe(true);
  });

  it('refuses to open a second prompt for a rated transaction', () => {
    const dir = tempDir();
    const t = terminal(dir, { mode: 'kiosk' });
    t.openPrompt(request());
    t.intent({ type: 'rate', level: 5 });
    expect(t.openPrompt(request())).toMatchObject({ ok: false, code: 'already_rated' });
    expect(t.cancelPrompt('no-such-id')).toMatchObject({ ok: false, code: 'not_found' });
  });

  it('finalises, after a restart, a 差评 left on its reasons screen', () => {
    const dir = tempDir();
    const clock = new FakeClock();
    const first = terminal(dir, { clock, mode: 'kiosk' });
    first.openPrompt(request());
    clock.advance(2_000);
    first.intent({ type: 'rate', level: 1 });
    first.intent({ type: 'toggle_reason', code: '109' });
    expect(recordsInFile(dir).map((r) => r.state)).toEqual(['draft']);
    first.stop(); // as a power cut would: the reasons screen never finished

    const second = terminal(dir, { clock });
    const rows = recordsInFile(dir);
    expect(rows.map((r) => r.state)).toEqual(['pending']);
    expect(JSON.parse(rows[0]?.body as string)).toMatchObject({ level: 1, reasons: ['109'] });
    expect(second.view().screen.kind).toBe('idle');
  });

  it('brings an unanswered prompt back after a restart, if still in time', () => {
    const dir = tempDir();
    const clock = new FakeClock();
    const first = terminal(dir, { clock, mode: 'kiosk' });
    const { promptId } = first.openPrompt(request());
    first.stop();
    clock.advance(10_000);
    const second = terminal(dir, { clock, mode: 'kiosk' });
    expect(second.view().screen).toMatchObject({ kind: 'rate', promptId, deadline: clock.now() + 50_000 });
  });

  it('keeps the clerk signed in across a restart', () => {
    const dir = tempDir();
    terminal(dir).signIn(clerk);
    running[0]?.stop();
    expect(terminal(dir).view().screen).toMatchObject({
      kind: 'idle',
      clerkStatus: 'serving',
      clerk: { id: '0107' },
    });
  });
});

describe('the engine on a failing disk', () => {
  it('shows the fault, takes no rating it cannot keep, refuses prompts, and recovers when space returns', async () => {
    disk = mountSmallDisk(2048);
    const dir = disk.dir;
    const t = terminal(dir, { mode: 'kiosk' });
    t.openPrompt(request({ transactionId: 'TX-kept' }));
    t.intent({ type: 'rate', level: 5 });
    const { promptId } = t.openPrompt(request({ transactionId: 'TX-lost' }));
    const filler = fillDisk(dir);
    const views: string[] = [];
    t.subscribe({ view: (v) => views.push(v.screen.kind) });

    // Enough ratings to outgrow any free page in the database.
    for (let i = 0; i < 50 && t.health().store === 'ok'; i++) {
      t.intent({ type: 'toggle_reason', code: '207' });
      t.intent({ type: 'rate', level: 2 });
      t.intent({ type: 'submit_reasons' });
      t.openPrompt(request({ transactionId: `TX-${i}`, citizen: null }), { replace: true });
    }
    expect(t.health()).toMatchObject({ store: 'unavailable' });
    expect(t.view().screen).toEqual({ kind: 'fault', message: '设备故障，请联系工作人员' });
    expect(views).toContain('fault');
    expect(views.indexOf('thanks')).toBe(-1);
    expect(t.openPrompt(request({ transactionId: 'TX-new' }))).toMatchObject({
      ok: false,
      code: 'store_unavailable',
    });
    expect(t.getPrompt(promptId as string)).not.toBeNull();
    expect(recordsInFile(dir).some((r) => JSON.parse(r.body).transactionId === 'TX-kept')).toBe(true);

    rmSync(filler);
    await new Promise((r) => setTimeout(r, 2_500));
    expect(t.health().store).toBe('ok');
    expect(t.view().screen.kind).not.toBe('fault');
  });

  it('starts with the fault shown when the store cannot be opened, and opens it once it can', async () => {
    disk = mountSmallDisk(1024);
    disk.remount('ro');
    const t = terminal(disk.dir, { mode: 'kiosk' });
    expect(t.health().store).toBe('unavailable');
    expect(t.view().screen.kind).toBe('fault');
    expect(t.openPrompt(request())).toMatchObject({ ok: false, code: 'store_unavailable' });
    disk.remount('rw');
    await new Promise((r) => setTimeout(r, 2_500));
    expect(t.health().store).toBe('ok');
    expect(t.openPrompt(request())).toMatchObject({ ok: true });
  });
});
