// prompt.goodIndicators: optional — a 好评 may add its level's indicators on a screen of
// its own. Driven with fake time (the rig's clock) and the built-in national catalogue.
import { describe, expect, it } from 'vitest';
import type { Intent } from '../../../src/core/events.js';
import { keypadCommandsFor } from '../../../src/core/keypad-keys.js';
import type { RatingRecord } from '../../../src/core/model.js';
import { nextDeadline } from '../../../src/core/state.js';
import { catalogue, clerk, coreConfig, opsOf, putRecords, Rig, types } from '../../helpers/core-fixture.js';

const LEVEL_5 = ['510', '511', '512', '513', '514', '515', '516', '517'];

function serving(overrides: Parameters<typeof coreConfig>[0] = {}) {
  const rig = new Rig(coreConfig({ goodIndicators: 'optional', ...overrides }));
  rig.send({ type: 'clerk_sign_in', clerk });
  return rig;
}

function intent(rig: Rig, i: Intent) {
  return rig.send({ type: 'intent', intent: i, source: 'touch' });
}

/** A prompt opened and rated `level` a second later. */
function rated(level: 1 | 2 | 3 | 4 | 5 = 5, rig = serving()) {
  rig.open();
  rig.now += 1_000;
  const r = rig.rate(level);
  return { rig, r, id: putRecords(r.effects)[0]?.id as string };
}

describe('a 好评 with prompt.goodIndicators: off (the default)', () => {
  it('is final at the press: no indicators screen, whatever the catalogue offers', () => {
    const rig = new Rig(coreConfig());
    rig.send({ type: 'clerk_sign_in', clerk });
    expect(catalogue.levels[5]).toHaveLength(8);
    const { r } = rated(5, rig);
    expect(putRecords(r.effects)).toEqual([expect.objectContaining({ level: 5, final: true, reasons: [] })]);
    expect(r.effects).toContainEqual({ type: 'forward' });
    expect(rig.screen.kind).toBe('thanks');
  });
});

describe('a 好评 with prompt.goodIndicators: optional', () => {
  it('is committed at the press as a draft, then thanks and offers its level’s indicators', () => {
    const { rig, r } = rated(5);
    // Persist, then thank: the record is on disk before the screen that thanks for it.
    expect(types(r.effects).slice(0, 2)).toEqual(['persist', 'render']);
    expect(putRecords(r.effects)).toEqual([
      expect.objectContaining({ level: 5, final: false, reasons: [], comment: '' }),
    ]);
    expect(opsOf(r.effects)).toContainEqual({ op: 'prompt_status', id: expect.any(String), status: 'rated' });
    expect(r.effects).toContainEqual({ type: 'sound', clips: ['thanks'] });
    // A draft, which the forwarder never sends; it is woken all the same, as the queue
    // counts a rating from its press (a 差评's draft the same way).
    expect(r.effects).toContainEqual({ type: 'forward' });
    const screen = rig.screen;
    expect(screen).toMatchObject({
      kind: 'indicators',
      given: { level: 5, label: '非常满意', verdict: 'good', position: 1 },
      subject: ['县市场监管局'],
      cursor: 0,
      deadline: rig.now + 10_000,
      keyHints: [
        { position: 1, label: '上一项' },
        { position: 2, label: '下一项' },
        { position: 3, label: '选择' },
        { position: 5, label: '完成' },
      ],
    });
    if (screen.kind !== 'indicators') throw new Error('not the indicators screen');
    expect(screen.indicators.map((i) => i.code)).toEqual(LEVEL_5);
    expect(screen.indicators[0]).toEqual({
      code: '510',
      label: '一窗受理一次办结',
      labelEn: 'One window, done in one go',
      selected: false,
    });
    // Key 4 means nothing here, so its light is off.
    expect(r.effects).toContainEqual({
      type: 'keypad',
      command: { kind: 'leds', mask: 0b10111, blink: false },
    });
    expect(keypadCommandsFor(rig.state)).toContainEqual({ kind: 'leds', mask: 0b10111, blink: false });
    expect(nextDeadline(rig.state)).toBe(rig.now + 10_000);
  });

  it('is final when the citizen leaves with 完成, with what was chosen, and forwarded then', () => {
    const { rig, id } = rated(4);
    const t = intent(rig, { type: 'toggle_reason', code: '413' });
    expect(putRecords(t.effects)).toEqual([expect.objectContaining({ id, reasons: ['413'], final: false })]);
    intent(rig, { type: 'toggle_reason', code: '406' });
    // Codes of another level, or none at all, are not this rating's to carry.
    expect(intent(rig, { type: 'toggle_reason', code: '510' }).effects).toEqual([]);
    expect(intent(rig, { type: 'toggle_reason', code: '207' }).effects).toEqual([]);
    const done = intent(rig, { type: 'submit_reasons' });
    expect(putRecords(done.effects)).toEqual([
      expect.objectContaining({ id, level: 4, reasons: ['406', '413'], final: true, comment: '' }),
    ]);
    expect(done.effects).toContainEqual({ type: 'forward' });
    expect(opsOf(done.effects)).toContainEqual(
      expect.objectContaining({ op: 'prompt_end', status: 'rated' }),
    );
    expect(rig.screen).toMatchObject({ kind: 'thanks', given: { level: 4 } });
    // Thanked once, at the press.
    expect(done.effects).not.toContainEqual({ type: 'sound', clips: ['thanks'] });
  });

  it('left with nothing chosen is a plain 好评: no indicators and no note', () => {
    const { rig } = rated(3);
    const done = intent(rig, { type: 'submit_reasons' });
    expect(putRecords(done.effects)).toEqual([
      expect.objectContaining({ level: 3, reasons: [], comment: '', final: true }),
    ]);
  });

  it('left alone is final 10 s after the press, however busy the citizen is', () => {
    const { rig, id } = rated(5);
    rig.now += 4_000;
    intent(rig, { type: 'toggle_reason', code: '517' });
    rig.send({ type: 'key', position: 2 });
    expect(rig.screen).toMatchObject({ kind: 'indicators', deadline: rig.now + 6_000 });
    expect(rig.advance(5_999).effects).toEqual([]);
    const r = rig.advance(1);
    expect(putRecords(r.effects)).toEqual([
      expect.objectContaining({ id, reasons: ['517'], final: true, comment: '' }),
    ]);
    expect(r.effects).toContainEqual({ type: 'forward' });
    expect(opsOf(r.effects)).toContainEqual(expect.objectContaining({ op: 'prompt_end', status: 'rated' }));
    expect(rig.screen.kind).toBe('thanks');
  });

  it('is driven by the keypad as the screen shows: 1/2 move, 3 selects, 4 nothing, 5 done', () => {
    const { rig } = rated(5);
    rig.send({ type: 'key', position: 1 }); // previous: round to the last
    expect(rig.screen).toMatchObject({ cursor: 7 });
    rig.send({ type: 'key', position: 2 }); // next: round to the first
    rig.send({ type: 'key', position: 2 });
    rig.send({ type: 'key', position: 2 });
    expect(rig.screen).toMatchObject({ cursor: 2 });
    const t = rig.send({ type: 'key', position: 3 });
    expect(putRecords(t.effects)[0]?.reasons).toEqual(['512']);
    expect(rig.send({ type: 'key', position: 4 }).effects).toEqual([]);
    expect(rig.screen.kind).toBe('indicators');
    const s = rig.send({ type: 'key', position: 5 });
    expect(putRecords(s.effects)[0]).toMatchObject({ level: 5, reasons: ['512'], final: true });
  });

  it('keeps the consent given with the rating: 实名评价 cannot change on this screen', () => {
    const citizen = {
      name: '陈美英',
      idNumber: '350521199001011234',
      phone: '13800000000',
      type: 1 as const,
    };
    const rig = serving();
    rig.open({ citizen });
    intent(rig, { type: 'real_name', on: true });
    rig.now += 1_000;
    rig.rate(5);
    expect(intent(rig, { type: 'real_name', on: false }).effects).toEqual([]);
    const s = intent(rig, { type: 'submit_reasons' });
    expect(putRecords(s.effects)[0]?.citizen).toEqual(citizen);
  });

  it('in a per-department sequence, the time-out goes on to the next department', () => {
    const rig = serving();
    rig.open({
      mode: 'parallel',
      departments: [
        { code: 'D-A', name: '县市场监管局' },
        { code: 'D-B', name: '县税务局' },
      ],
    });
    intent(rig, { type: 'choose_scope', scope: 'department' });
    rig.now += 1_000;
    rig.rate(4);
    expect(rig.screen).toMatchObject({ kind: 'indicators', subject: ['县市场监管局'] });
    const t = rig.advance(10_000);
    expect(putRecords(t.effects)).toEqual([
      expect.objectContaining({ department: expect.objectContaining({ code: 'D-A' }), final: true }),
    ]);
    expect(rig.screen).toMatchObject({
      kind: 'rate',
      subject: { departments: ['县税务局'], step: { index: 2, total: 2 } },
      deadline: rig.now + 60_000,
    });
    rig.now += 1_000;
    rig.rate(5);
    const last = intent(rig, { type: 'submit_reasons' });
    expect(opsOf(last.effects)).toContainEqual(
      expect.objectContaining({ op: 'prompt_end', status: 'rated' }),
    );
  });

  it('a 差评 changed to a 好评 is offered the indicators too, the same record', () => {
    const { rig, id } = rated(2);
    intent(rig, { type: 'toggle_reason', code: '214' });
    intent(rig, { type: 'change_level' });
    rig.now += 1_000;
    const c = rig.rate(4);
    // The 差评's reasons do not follow it to a 好评.
    expect(putRecords(c.effects)).toEqual([
      expect.objectContaining({ id, level: 4, reasons: [], final: false, comment: '' }),
    ]);
    expect(rig.screen).toMatchObject({ kind: 'indicators', given: { level: 4 }, deadline: rig.now + 10_000 });
    const r = rig.advance(10_000);
    expect(putRecords(r.effects)).toEqual([expect.objectContaining({ id, level: 4, final: true })]);
  });

  it('runs to its end when the clerk withdraws the prompt, and is final then, not lost', () => {
    const { rig, id } = rated(5);
    intent(rig, { type: 'toggle_reason', code: '510' });
    const out = rig.send({ type: 'clerk_sign_out' });
    expect(putRecords(out.effects)).toEqual([]);
    expect(rig.screen.kind).toBe('indicators');
    intent(rig, { type: 'toggle_reason', code: '511' });
    const r = rig.advance(10_000);
    expect(putRecords(r.effects)).toEqual([
      expect.objectContaining({ id, reasons: ['510', '511'], final: true, comment: '' }),
    ]);
    expect(opsOf(r.effects)).toContainEqual(expect.objectContaining({ op: 'prompt_end', status: 'rated' }));
    expect(r.effects).toContainEqual(expect.objectContaining({ type: 'prompt_final', status: 'rated' }));
  });

  it('a hall catalogue with no indicators for the level: final at the press', () => {
    const own = { version: 'hall', levels: { ...catalogue.levels, 4: [] } };
    const rig = serving({ catalogue: own });
    const { r } = rated(4, rig);
    expect(putRecords(r.effects)).toEqual([expect.objectContaining({ level: 4, final: true })]);
    expect(rig.screen.kind).toBe('thanks');
  });
});

describe('recovery at start-up', () => {
  it('finalises a 好评 cut off on its indicators screen as it stood, without the 差评 note', () => {
    const { rig } = rated(5);
    const [draft] = putRecords(intent(rig, { type: 'toggle_reason', code: '511' }).effects) as RatingRecord[];
    const bare = { ...(draft as RatingRecord), id: 'r-bare', reasons: [] };
    const next = new Rig(coreConfig({ goodIndicators: 'optional' }));
    const r = next.send({
      type: 'recover',
      clerk: null,
      inviteSeq: 0,
      drafts: [draft as RatingRecord, bare],
      unfinished: [],
      qr: null,
    });
    expect(putRecords(r.effects)).toEqual([
      expect.objectContaining({ level: 5, reasons: ['511'], final: true, comment: '' }),
      expect.objectContaining({ id: 'r-bare', level: 5, reasons: [], final: true, comment: '' }),
    ]);
    expect(r.effects).toContainEqual({ type: 'forward' });
  });
});
