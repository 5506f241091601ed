// What the terminal says aloud (ui.voiceGuide): the choices read in the keypad's own
// order, only "received" after a press (never the level: the clerk and the queue would
// hear it), the reasons read as the keypad moves in `full`, and the reasons screen's last
// 10 s said once, at deadline − 10 s, in words that promise more time only while a key
// still gives it.
import { describe, expect, it } from 'vitest';
import type { Effect } from '../../../src/core/effects.js';
import type { Keymap, Level } from '../../../src/core/levels.js';
import { nextDeadline } from '../../../src/core/state.js';
import { FIXED_CLIPS, type VoiceGuide } from '../../../src/core/voice.js';
import { clerk, coreConfig, Rig } from '../../helpers/core-fixture.js';

/** What one step said, or null when it left the screens' voice alone. */
function said(r: { effects: Effect[] }): string[] | null {
  const sounds = r.effects.filter((e) => e.type === 'sound');
  expect(sounds.length).toBeLessThanOrEqual(1);
  const [sound] = sounds;
  return sound ? sound.clips : null;
}

function serving(voiceGuide?: VoiceGuide, extra: Parameters<typeof coreConfig>[0] = {}) {
  const rig = new Rig(coreConfig({ ...(voiceGuide ? { voiceGuide } : {}), ...extra }));
  rig.send({ type: 'clerk_sign_in', clerk });
  rig.now += 2_000;
  return rig;
}

const press = (rig: Rig, position: number) => rig.send({ type: 'key', position });

describe('voice: the prompt', () => {
  it('reads the five choices once, in the order of the default keymap', () => {
    const rig = serving();
    expect(said(rig.open())).toEqual([
      'please_rate',
      'key_1',
      'level_5',
      'key_2',
      'level_4',
      'key_3',
      'level_3',
      'key_4',
      'level_2',
      'key_5',
      'level_1',
    ]);
  });

  it.each<[string, Keymap, string[]]>([
    ['reversed', [1, 2, 3, 4, 5], ['level_1', 'level_2', 'level_3', 'level_4', 'level_5']],
    ['shuffled', [3, 5, 1, 4, 2], ['level_3', 'level_5', 'level_1', 'level_4', 'level_2']],
  ])('follows keypad.keymap (%s): key N is read with the level key N gives', (_name, keymap, levels) => {
    const rig = serving('prompt', { keymap });
    const clips = said(rig.open()) ?? [];
    expect(clips[0]).toBe('please_rate');
    expect(clips.slice(1)).toEqual(levels.flatMap((level, i) => [`key_${i + 1}`, level]));
    // And each key gives the level it was read with.
    for (let position = 1; position <= 5; position++) {
      const r = new Rig(coreConfig({ keymap }));
      r.send({ type: 'clerk_sign_in', clerk });
      r.open();
      r.now += 2_000;
      press(r, position);
      const level = r.state.session?.ratings[0]?.level ?? r.state.thanksLevel;
      expect(`level_${level}`).toBe(levels[position - 1]);
    }
  });

  it('says nothing but the thanks with the guide off', () => {
    const rig = new Rig(coreConfig({ voiceGuide: 'off' }));
    expect(said(rig.send({ type: 'clerk_sign_in', clerk }))).toBeNull();
    expect(said(rig.open())).toBeNull();
    rig.now += 2_000;
    expect(said(press(rig, 1))).toEqual(['thanks']);
  });

  it('welcomes a clerk unless the guide is off', () => {
    for (const guide of ['prompt', 'full'] as const) {
      const rig = new Rig(coreConfig({ voiceGuide: guide }));
      expect(said(rig.send({ type: 'clerk_sign_in', clerk }))).toEqual(['welcome']);
    }
  });

  it('is prompt when the configuration does not say (an older CoreConfig)', () => {
    const config = coreConfig();
    delete config.voiceGuide;
    const rig = new Rig(config);
    rig.send({ type: 'clerk_sign_in', clerk });
    expect(said(rig.open())?.[0]).toBe('please_rate');
  });
});

describe('voice: after a press, never the level', () => {
  const guides: VoiceGuide[] = ['off', 'prompt', 'full'];
  const levels: Level[] = [5, 4, 3, 2, 1];
  it.each(guides.flatMap((g) => levels.map((l) => [g, l] as const)))(
    'guide %s, level %s: only that it was received (or, for a 差评, its reasons)',
    (guide, level) => {
      const rig = serving(guide);
      rig.open();
      rig.now += 2_000;
      const clips = said(rig.rate(level, 'keypad')) ?? [];
      expect(clips.filter((c) => c.startsWith('level_'))).toEqual([]);
      if (level >= 3) expect(clips).toEqual(['thanks']);
      else if (guide === 'off') expect(clips).toEqual([]);
      else expect(clips[0]).toBe('choose_reasons');
      // Nor later on the way to the thanks: the reasons, the submit.
      const later = [press(rig, 2), press(rig, 3), press(rig, 5)].flatMap((r) => said(r) ?? []);
      expect(later.filter((c) => c.startsWith('level_'))).toEqual([]);
      expect(rig.screen.kind).toBe('thanks');
    },
  );

  it('thanks a 好评 on its optional indicators screen once, at the press', () => {
    const rig = serving('full', { goodIndicators: 'optional' });
    rig.open();
    rig.now += 2_000;
    expect(said(rig.rate(5, 'keypad'))).toEqual(['thanks']);
    // The indicators are not read: the 好评 is stored and thanked; the screen ends in 10 s.
    expect(said(press(rig, 2))).toBeNull();
    expect(said(press(rig, 5))).toBeNull();
    expect(rig.screen.kind).toBe('thanks');
  });
});

describe('voice: the reasons screen', () => {
  function bad(guide: VoiceGuide) {
    const rig = serving(guide);
    rig.open();
    rig.now += 2_000;
    const r = rig.rate(2, 'keypad');
    return { rig, r };
  }

  it('prompt: asks for the reasons, and stays quiet while the keypad moves', () => {
    const { rig, r } = bad('prompt');
    expect(said(r)).toEqual(['choose_reasons']);
    expect(said(press(rig, 2))).toBeNull();
    expect(said(press(rig, 3))).toBeNull();
  });

  it('full: the keys, then the reason under the cursor at each move, and what key 3 did', () => {
    const { rig, r } = bad('full');
    // Level 2's first reason in the built-in (national) catalogue is 207.
    expect(said(r)).toEqual(['choose_reasons', 'reasons_keys', 'reason_207']);
    expect(said(press(rig, 2))).toEqual(['reason_208']);
    expect(said(press(rig, 3))).toEqual(['reason_selected']);
    expect(said(press(rig, 2))).toEqual(['reason_209']);
    expect(said(press(rig, 1))).toEqual(['reason_208', 'reason_selected']);
    expect(said(press(rig, 3))).toEqual(['reason_unselected']);
    // Round the list: from the first, key 1 goes to the last.
    press(rig, 1);
    expect(said(press(rig, 1))).toEqual(['reason_214']);
    // A touch is seen, not heard: the citizen who touches can see the screen.
    const touched = rig.send({
      type: 'intent',
      intent: { type: 'toggle_reason', code: '209' },
      source: 'touch',
    });
    expect(said(touched)).toBeNull();
  });

  it('full: key 4 reads the levels again, in the keymap’s order', () => {
    const { rig } = bad('full');
    expect(said(press(rig, 4))).toEqual([
      'rate_again',
      ...[5, 4, 3, 2, 1].flatMap((level, i) => [`key_${i + 1}`, `level_${level}`]),
    ]);
    // Key 5 is 非常不满意 by the default keymap: level 1's reasons, the cursor on the first.
    expect(said(press(rig, 5))).toEqual(['choose_reasons', 'reasons_keys', 'reason_108']);
  });

  it('off: nothing until the thanks', () => {
    const { rig, r } = bad('off');
    expect(said(r)).toBeNull();
    expect(said(press(rig, 2))).toBeNull();
    expect(said(rig.advance(20_000))).toBeNull();
    expect(said(press(rig, 5))).toEqual(['thanks']);
  });
});

describe('voice: the reasons screen’s last 10 s (fake clock)', () => {
  function reasons(guide: VoiceGuide = 'prompt', reasonsTimeoutMs = 30_000) {
    const rig = serving(guide, { reasonsTimeoutMs });
    rig.open();
    rig.now += 2_000;
    rig.rate(1, 'keypad');
    return rig;
  }

  it('is said once, at deadline − 10 s, and the engine is woken for it', () => {
    const rig = reasons();
    const deadline = rig.state.session?.deadline as number;
    expect(nextDeadline(rig.state)).toBe(deadline - 10_000);
    expect(said(rig.advance(19_999))).toBeNull();
    expect(said(rig.advance(1))).toEqual(['time_left_extend']);
    expect(rig.now).toBe(deadline - 10_000);
    // Once: the next wake-up is the deadline itself, and no tick before it says it again.
    expect(nextDeadline(rig.state)).toBe(deadline);
    expect(said(rig.advance(1))).toBeNull();
    expect(said(rig.advance(5_000))).toBeNull();
    expect(said(rig.advance(4_998))).toBeNull();
    expect(said(rig.advance(1))).toEqual(['thanks']);
  });

  it('is said again for a new deadline a key gave, and after the cap promises no more time', () => {
    const rig = reasons();
    const since = rig.now;
    rig.advance(20_000);
    // A key in the last seconds: 30 s again, so its last 10 s are said again later.
    press(rig, 2);
    expect(rig.state.session?.deadline).toBe(since + 50_000);
    expect(said(rig.advance(19_999))).toBeNull();
    expect(said(rig.advance(1))).toEqual(['time_left_extend']);
    press(rig, 2); // deadline since + 70 s
    rig.advance(20_000);
    press(rig, 2); // capped: since + 90 s, three times the screen's length
    expect(rig.state.session?.deadline).toBe(since + 90_000);
    expect(rig.screen).toMatchObject({ kind: 'reasons', extendable: false });
    expect(nextDeadline(rig.state)).toBe(since + 80_000);
    expect(said(rig.advance(since + 80_000 - rig.now))).toEqual(['time_left_final']);
    // A key now changes nothing about the time, so nothing is said again.
    press(rig, 3);
    expect(said(rig.advance(1_000))).toBeNull();
  });

  it('the screen shows a key still extends before the cap', () => {
    const rig = reasons();
    expect(rig.screen).toMatchObject({ kind: 'reasons', extendable: true });
  });

  it('is not said with the guide off, nor on a screen no longer than 10 s', () => {
    for (const rig of [reasons('off'), reasons('prompt', 10_000)]) {
      const deadline = rig.state.session?.deadline as number;
      expect(nextDeadline(rig.state)).toBe(deadline);
      expect(said(rig.advance(deadline - rig.now - 1))).toBeNull();
    }
  });
});

describe('voice: 并联审批 and per-department steps', () => {
  const departments = [
    { code: 'D-1', name: '县市场监管局' },
    { code: 'D-2', name: '县税务局' },
  ];
  const choices = [5, 4, 3, 2, 1].flatMap((level, i) => [`key_${i + 1}`, `level_${level}`]);

  it('reads the choice of scope with its keys, then each department’s levels', () => {
    const rig = serving('prompt');
    expect(said(rig.open({ mode: 'parallel', departments }))).toEqual([
      'please_rate',
      'choose_scope',
      'key_1',
      'scope_overall',
      'key_2',
      'scope_department',
    ]);
    rig.now += 2_000;
    expect(said(press(rig, 2))).toEqual(['department_first', ...choices]);
    rig.now += 2_000;
    expect(said(press(rig, 1))).toEqual(['department_next', ...choices]);
    rig.now += 2_000;
    expect(said(press(rig, 2))).toEqual(['thanks']);
  });

  it('总体评价: the levels once for all departments', () => {
    const rig = serving('prompt');
    rig.open({ mode: 'parallel', departments });
    rig.now += 2_000;
    expect(said(press(rig, 1))).toEqual(['rate_overall', ...choices]);
  });

  it('一件事 is one question, read like a single prompt', () => {
    const rig = serving('prompt');
    expect(said(rig.open({ mode: 'package', departments }))).toEqual(['please_rate', ...choices]);
  });
});

describe('voice: a prompt that goes away', () => {
  it('stops the reading when the clerk cancels it (an empty list)', () => {
    const rig = serving('prompt');
    rig.open();
    const id = rig.state.session?.id as string;
    expect(said(rig.send({ type: 'cancel_prompt', promptId: id }))).toEqual([]);
  });

  it('stops it when the citizen declines, or the prompt expires unrated', () => {
    const rig = serving('prompt');
    rig.open();
    expect(said(rig.send({ type: 'intent', intent: { type: 'decline' }, source: 'touch' }))).toEqual([]);
    rig.open();
    expect(said(rig.advance(60_000))).toEqual([]);
  });
});

describe('voice: the clip names', () => {
  it('every clip said is one the terminal ships or a reason’s', () => {
    const known = new Set<string>(FIXED_CLIPS);
    const rig = serving('full');
    const heard: string[] = [];
    const hear = (r: { effects: Effect[] }) => heard.push(...(said(r) ?? []));
    hear(rig.open());
    rig.now += 2_000;
    hear(rig.rate(1, 'keypad'));
    for (const p of [2, 3, 1, 4, 2, 2]) hear(press(rig, p));
    hear(rig.advance(30_000));
    expect(heard.filter((c) => !known.has(c) && !/^reason_\d+$/.test(c))).toEqual([]);
  });
});
