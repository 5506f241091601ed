// The engine wakes the rules for the reasons screen's spoken warning: at deadline − 10 s
// on its clock (here a fake one), once, with a real store underneath.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Terminal } from '../../../src/engine/terminal.js';
import { RatingStore } from '../../../src/store/store.js';
import { clerk, coreConfig, request } from '../../helpers/core-fixture.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { tempDir } from '../../helpers/temp.js';

const running: Terminal[] = [];
afterEach(() => {
  for (const t of running.splice(0)) t.stop();
});

describe('the engine and the voice guide', () => {
  it('says the reasons screen’s last 10 s at deadline − 10 s, once, then times out', () => {
    const dir = tempDir();
    const clock = new FakeClock();
    const t = new Terminal({
      config: coreConfig({ voiceGuide: 'full' }),
      openStore: () =>
        RatingStore.open({ path: join(dir, 'terminal.db'), keyFile: join(dir, 'terminal.key') }),
      clock,
    });
    running.push(t);
    t.start();
    const heard: string[][] = [];
    t.subscribe({ sound: (clips) => heard.push(clips) });
    t.signIn(clerk);
    t.openPrompt(request());
    clock.advance(2_000);
    t.key(4); // 不满意 by the default keymap
    expect(heard.at(-1)).toEqual(['choose_reasons', 'reasons_keys', 'reason_207']);
    const before = heard.length;
    clock.advance(19_999);
    expect(heard.length).toBe(before);
    clock.advance(1);
    expect(heard.slice(before)).toEqual([['time_left_extend']]);
    clock.advance(9_999);
    expect(heard.length).toBe(before + 1);
    clock.advance(1);
    expect(heard.slice(before)).toEqual([['time_left_extend'], ['thanks']]);
    expect(t.view().screen.kind).toBe('thanks');
  });
});
