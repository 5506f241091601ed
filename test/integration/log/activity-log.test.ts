// The engine's activity lines beyond the happy path: a pause asked for while a citizen
// rates, an expired prompt, the INVITE key, a parallel prompt rated per department,
// and a restart that finds a 差评 on its reasons screen and a prompt still in time.
// Real store files, the engine's clock moved by hand.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { jsonLinesLogger } from '../../../src/engine/log.js';
import { Terminal } from '../../../src/engine/terminal.js';
import { RatingStore } from '../../../src/store/store.js';
import { clerk, coreConfig, request } from '../../helpers/core-fixture.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { tempDir } from '../../helpers/temp.js';

type Line = Record<string, unknown>;
const running: Terminal[] = [];
afterEach(() => {
  for (const t of running.splice(0)) t.stop();
});

function terminal(dir: string, clock: FakeClock, lines: Line[], mode: 'counter' | 'kiosk' = 'counter') {
  const t = new Terminal({
    config: coreConfig({ mode, invite: { enabled: true, service: { code: 'S-INV', name: '叫号服务' } } }),
    openStore: () => RatingStore.open({ path: join(dir, 'terminal.db'), keyFile: join(dir, 'terminal.key') }),
    clock,
    log: jsonLinesLogger((l) => lines.push(JSON.parse(l) as Line)),
  });
  running.push(t);
  t.start();
  return t;
}

const events = (lines: Line[]) =>
  lines.map((l) => {
    const { t: _t, level: _level, ...rest } = l;
    return rest;
  });

describe('activity lines', () => {
  it('a pause asked for during a prompt waits for it; an expired prompt; the INVITE key', () => {
    const clock = new FakeClock();
    const lines: Line[] = [];
    const t = terminal(tempDir(), clock, lines);
    t.signIn(clerk);
    const { promptId } = t.openPrompt(request());
    t.setClerkStatus('paused');
    t.setClerkStatus('serving');
    t.setClerkStatus('paused');
    clock.advance(61_000);
    t.setClerkStatus('serving');
    t.inviteKey();
    expect(events(lines)).toEqual([
      { event: 'clerk_signed_in', clerkId: clerk.id, department: clerk.department.code },
      expect.objectContaining({ event: 'prompt_opened', promptId, source: 'api', clerkId: clerk.id }),
      { event: 'clerk_pause_pending', clerkId: clerk.id },
      { event: 'clerk_pause_withdrawn', clerkId: clerk.id },
      { event: 'clerk_pause_pending', clerkId: clerk.id },
      { event: 'prompt_ended', promptId, status: 'expired' },
      { event: 'clerk_paused', clerkId: clerk.id },
      { event: 'clerk_resumed', clerkId: clerk.id },
      expect.objectContaining({ event: 'prompt_opened', source: 'invite', service: 'S-INV' }),
    ]);
  });

  it('a prompt rated and ended by one press: ended once, at the press', () => {
    const clock = new FakeClock();
    const lines: Line[] = [];
    const t = terminal(tempDir(), clock, lines, 'kiosk');
    const { promptId } = t.openPrompt(request());
    clock.advance(1_000);
    t.intent({ type: 'rate', level: 5 });
    const atPress = lines.length;
    clock.advance(60_000);
    // Both lines come from the press itself: nothing about this prompt after it.
    expect(lines.slice(atPress)).toEqual([]);
    expect(lines.filter((l) => l.event === 'prompt_ended' || l.event === 'rating_committed')).toEqual([
      expect.objectContaining({ event: 'rating_committed', promptId }),
      expect.objectContaining({ event: 'prompt_ended', promptId, status: 'rated' }),
    ]);
  });

  it('a parallel prompt rated per department: one line per department, none for the reasons', () => {
    const clock = new FakeClock();
    const lines: Line[] = [];
    const t = terminal(tempDir(), clock, lines, 'kiosk');
    const departments = [
      { code: 'D-MKT', name: '县市场监管局' },
      { code: 'D-TAX', name: '县税务局' },
    ];
    const { promptId } = t.openPrompt(request({ mode: 'parallel', departments }));
    clock.advance(1_000);
    t.intent({ type: 'choose_scope', scope: 'department' });
    clock.advance(1_000);
    t.intent({ type: 'rate', level: 2 });
    t.intent({ type: 'toggle_reason', code: '207' });
    t.intent({ type: 'submit_reasons' });
    clock.advance(1_000);
    t.intent({ type: 'rate', level: 5 });
    const rated = events(lines).filter((l) => l.event === 'rating_committed');
    expect(rated).toEqual([
      expect.objectContaining({ promptId, department: 'D-MKT', scope: 'department' }),
      expect.objectContaining({ promptId, department: 'D-TAX', scope: 'department' }),
    ]);
    expect(events(lines).filter((l) => l.event === 'prompt_ended')).toEqual([
      { event: 'prompt_ended', promptId, status: 'rated' },
    ]);
  });

  it('a restart: a 差评 cut off on its reasons screen adds no line; a prompt still in time is resumed', () => {
    const dir = tempDir();
    const clock = new FakeClock();
    const first: Line[] = [];
    const a = terminal(dir, clock, first, 'kiosk');
    a.openPrompt(request({ transactionId: 'TX-draft' }));
    clock.advance(2_000);
    a.intent({ type: 'rate', level: 1 });
    a.stop();
    const second: Line[] = [];
    terminal(dir, clock, second, 'kiosk').stop();
    expect(events(second)).toEqual([]);

    const b = terminal(dir, clock, [], 'kiosk');
    const { promptId } = b.openPrompt(request({ transactionId: 'TX-open' }));
    b.stop();
    const third: Line[] = [];
    terminal(dir, clock, third, 'kiosk');
    expect(events(third)).toEqual([{ event: 'prompt_resumed', promptId }]);
  });
});
