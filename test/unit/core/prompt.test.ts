import { describe, expect, it } from 'vitest';
import type { Keymap } from '../../../src/core/levels.js';
import { resolveFacts } from '../../../src/core/service-facts.js';
import { nextDeadline } from '../../../src/core/state.js';
import { KEYPAD_OFFLINE_BANNER, view } from '../../../src/core/view.js';
import { clerk, coreConfig, opsOf, putRecords, Rig, types } from '../../helpers/core-fixture.js';

function serving(config = coreConfig()) {
  const rig = new Rig(config);
  rig.send({ type: 'clerk_sign_in', clerk });
  return rig;
}

describe('clerk', () => {
  it('signs in as serving, keeps the clerk on disk, and welcomes', () => {
    const rig = new Rig();
    const r = rig.send({ type: 'clerk_sign_in', clerk });
    expect(r.reply).toEqual({ ok: true });
    expect(rig.state.clerk?.status).toBe('serving');
    expect(opsOf(r.effects)).toEqual([
      { op: 'clerk', clerk: { ...clerk, status: 'serving', pauseWhenDone: false } },
    ]);
    expect(r.effects).toContainEqual({ type: 'sound', clips: ['welcome'] });
    expect(rig.screen).toMatchObject({
      kind: 'idle',
      clerkStatus: 'serving',
      clerk: { name: '林晓', id: '0107' },
    });
  });

  it('has no clerk on a kiosk', () => {
    const rig = new Rig(coreConfig({ mode: 'kiosk' }));
    for (const event of [
      { type: 'clerk_sign_in', clerk },
      { type: 'clerk_sign_out' },
      { type: 'clerk_status', status: 'paused' },
    ] as const) {
      expect(rig.send(event).reply).toMatchObject({ ok: false, code: 'kiosk_has_no_clerk' });
    }
    expect(rig.screen).toMatchObject({ kind: 'idle', clerkStatus: 'kiosk' });
  });

  it('refuses a status change with nobody signed in', () => {
    const rig = new Rig();
    expect(rig.send({ type: 'clerk_status', status: 'paused' }).reply).toMatchObject({
      code: 'clerk_absent',
    });
    expect(rig.screen).toMatchObject({ kind: 'idle', clerkStatus: 'absent' });
  });

  it('pauses and resumes (暂停服务 / 恢复服务)', () => {
    const rig = serving();
    rig.send({ type: 'clerk_status', status: 'paused' });
    expect(rig.screen).toMatchObject({ clerkStatus: 'paused' });
    const r = rig.send({ type: 'clerk_status', status: 'serving' });
    expect(rig.screen).toMatchObject({ clerkStatus: 'serving' });
    expect(r.effects).toContainEqual({ type: 'sound', clips: ['welcome'] });
  });

  it('defers a pause asked for during a prompt until the prompt ends', () => {
    const rig = serving();
    rig.open();
    rig.send({ type: 'clerk_status', status: 'paused' });
    expect(rig.state.clerk).toMatchObject({ status: 'serving', pauseWhenDone: true });
    expect(rig.screen.kind).toBe('rate');
    const r = rig.rate(4);
    expect(rig.state.clerk).toMatchObject({ status: 'paused', pauseWhenDone: false });
    expect(opsOf(r.effects)).toContainEqual({
      op: 'clerk',
      clerk: expect.objectContaining({ status: 'paused' }),
    });
  });

  it('toggles with the PAUSE key, deferred during a prompt, and ignores it with no clerk', () => {
    const rig = new Rig();
    expect(rig.send({ type: 'pause_key' }).effects).toEqual([]);
    rig.send({ type: 'clerk_sign_in', clerk });
    rig.send({ type: 'pause_key' });
    expect(rig.state.clerk?.status).toBe('paused');
    rig.send({ type: 'pause_key' });
    expect(rig.state.clerk?.status).toBe('serving');
    rig.open();
    rig.send({ type: 'pause_key' });
    expect(rig.state.clerk).toMatchObject({ status: 'serving', pauseWhenDone: true });
    rig.send({ type: 'pause_key' });
    expect(rig.state.clerk).toMatchObject({ status: 'serving', pauseWhenDone: false });
  });

  it('signing out cancels an open prompt', () => {
    const rig = serving();
    rig.open();
    const r = rig.send({ type: 'clerk_sign_out' });
    expect(opsOf(r.effects)).toContainEqual(
      expect.objectContaining({ op: 'prompt_end', status: 'cancelled' }),
    );
    expect(opsOf(r.effects)).toContainEqual({ op: 'clerk', clerk: null });
    expect(rig.screen).toMatchObject({ kind: 'idle', clerkStatus: 'absent' });
  });
});

describe('opening a prompt', () => {
  it('checks store, clerk, open prompt and earlier rating in that order', () => {
    const rig = new Rig();
    rig.send({ type: 'store_failed', message: 'disk full' });
    expect(rig.open().reply).toMatchObject({ code: 'store_unavailable' });
    rig.send({ type: 'store_recovered' });
    expect(rig.open().reply).toMatchObject({ code: 'clerk_absent' });
    rig.send({ type: 'clerk_sign_in', clerk });
    rig.send({ type: 'clerk_status', status: 'paused' });
    expect(rig.open().reply).toMatchObject({ code: 'clerk_paused' });
    rig.send({ type: 'clerk_status', status: 'serving' });
    expect(rig.open({}, { alreadyRated: true }).reply).toMatchObject({ code: 'already_rated' });
    expect(rig.open().reply).toEqual({ ok: true });
    expect(rig.open({ transactionId: 'TX-2' }).reply).toMatchObject({ code: 'prompt_open' });
  });

  it('persists the prompt first and shows it right after', () => {
    const rig = serving();
    const r = rig.open({
      citizen: { name: '陈美英', idNumber: '350521199001011234', phone: '13800000000', type: 1 },
    });
    expect(types(r.effects).slice(0, 2)).toEqual(['persist', 'render']);
    const [op] = opsOf(r.effects);
    expect(op).toMatchObject({ op: 'prompt_open', prompt: { status: 'open', transactionId: 'TX-1' } });
    expect(r.effects).toContainEqual({ type: 'keypad', command: { kind: 'arm', on: true } });
    expect(r.effects).toContainEqual({
      type: 'sound',
      clips: [
        'please_rate',
        ...[
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
        ],
      ],
    });
    expect(rig.screen).toMatchObject({
      kind: 'rate',
      service: '个体工商户登记',
      canDecline: true,
      realName: { on: false, maskedName: '陈*英' },
      deadline: rig.now + 60_000,
    });
  });

  it('replaces an open prompt on request, cancelling it', () => {
    const rig = serving();
    rig.open();
    const first = rig.state.session?.id;
    const r = rig.open({ transactionId: 'TX-2' }, { replace: true });
    expect(r.reply).toEqual({ ok: true });
    expect(opsOf(r.effects)[0]).toEqual({ op: 'prompt_end', id: first, status: 'cancelled', at: rig.now });
    expect(rig.state.session?.transactionId).toBe('TX-2');
  });

  it('needs no clerk on a kiosk', () => {
    const rig = new Rig(coreConfig({ mode: 'kiosk', channel: 5 }));
    expect(rig.open().reply).toEqual({ ok: true });
    const recs = putRecords(rig.rate(5).effects);
    expect(recs[0]).toMatchObject({ clerk: null, channel: 5 });
  });
});

describe('a good rating', () => {
  it('is one final record, committed before the thanks', () => {
    const rig = serving();
    rig.open();
    rig.now += 2_000;
    const r = rig.rate(5);
    const kinds = types(r.effects);
    // Nothing before the commit; the screen first after it.
    expect(kinds.slice(0, 2)).toEqual(['persist', 'render']);
    expect(kinds.indexOf('sound')).toBeGreaterThan(1);
    const ops = opsOf(r.effects);
    // Rated and ended in one step: one write of the prompt, its end.
    expect(ops.filter((o) => o.op === 'prompt_status')).toEqual([]);
    expect(ops).toContainEqual(expect.objectContaining({ op: 'prompt_end', status: 'rated' }));
    const [rec] = putRecords(r.effects);
    expect(rec).toMatchObject({
      level: 5,
      final: true,
      scope: 'single',
      reasons: [],
      comment: '',
      flags: [],
      transactionId: 'TX-1',
      department: { code: 'D-MKT', name: '县市场监管局' },
      clerk: { id: '0107', name: '林晓' },
      areaCode: '350521',
      terminalId: 'HA-0001',
      windowNo: '12',
      channel: 4,
      assessNumber: 1,
      citizen: null,
      catalogueVersion: 'national-2020',
    });
    expect(r.effects).toContainEqual({ type: 'forward' });
    expect(r.effects).toContainEqual({ type: 'sound', clips: ['thanks'] });
    expect(r.effects).toContainEqual({ type: 'keypad', command: { kind: 'arm', on: false } });
    expect(rig.screen).toEqual({
      kind: 'thanks',
      // Its words only: no verdict (the card's colour) and no key, nothing read from afar.
      given: { level: 5, label: '非常满意', labelEn: 'Very satisfied' },
    });
  });

  it('returns to idle after the thank-you screen', () => {
    const rig = serving();
    rig.open();
    rig.rate(4);
    expect(nextDeadline(rig.state)).toBe(rig.now + 3_000);
    rig.advance(2_999);
    expect(rig.screen.kind).toBe('thanks');
    rig.advance(1);
    expect(rig.screen.kind).toBe('idle');
    expect(nextDeadline(rig.state)).toBeNull();
  });

  it('maps keypad positions through the keymap', () => {
    const rig = serving();
    rig.open();
    expect(putRecords(rig.send({ type: 'key', position: 1 }).effects)[0]?.level).toBe(5);
    const reversed: Keymap = [1, 2, 3, 4, 5];
    const rig2 = serving(coreConfig({ keymap: reversed }));
    rig2.open();
    expect((rig2.screen as { buttons: { level: number }[] }).buttons.map((b) => b.level)).toEqual([
      1, 2, 3, 4, 5,
    ]);
    expect(putRecords(rig2.send({ type: 'key', position: 5 }).effects)[0]?.level).toBe(5);
  });

  it('ignores keys and touches with no prompt open, and unknown positions', () => {
    const rig = serving();
    expect(rig.send({ type: 'key', position: 1 }).effects).toEqual([]);
    expect(rig.rate(5).effects).toEqual([]);
    rig.open();
    expect(rig.send({ type: 'key', position: 9 }).effects).toEqual([]);
    expect(rig.state.session?.status).toBe('open');
  });
});

describe('anomaly flags', () => {
  it('flags a press within 300 ms of the screen appearing, without blocking it', () => {
    const rig = serving();
    rig.open();
    rig.now += 299;
    expect(putRecords(rig.rate(5).effects)[0]).toMatchObject({ flags: ['fast'], final: true });
    rig.advance(10_000);
    rig.open({ transactionId: 'TX-2' });
    rig.now += 300;
    expect(putRecords(rig.rate(5).effects)[0]?.flags).toEqual([]);
  });

  it('flags a rating within 5 s of the previous prompt rating (burst)', () => {
    const rig = serving();
    rig.open();
    rig.now += 1_000;
    rig.rate(5);
    rig.open({ transactionId: 'TX-2' });
    rig.now += 1_000;
    expect(putRecords(rig.rate(5).effects)[0]?.flags).toEqual(['burst']);
  });

  it('flags a keypad press while the keypad reports a stuck key', () => {
    const rig = serving();
    rig.send({ type: 'keypad_status', state: 'online', fault: 'stuck_key' });
    rig.open();
    rig.now += 1_000;
    expect(putRecords(rig.send({ type: 'key', position: 2 }).effects)[0]?.flags).toEqual(['stuck_key']);
  });
});

describe('a 差评', () => {
  /** What a tick did besides speaking (the last seconds' warning: test/unit/core/voice.test.ts). */
  const unspoken = (r: { effects: { type: string }[] }) => r.effects.filter((e) => e.type !== 'sound');

  function bad() {
    const rig = serving();
    rig.open();
    rig.now += 1_000;
    const r = rig.rate(2);
    return { rig, r };
  }

  it('is committed at once as a draft, then asks for reasons', () => {
    const { rig, r } = bad();
    const [rec] = putRecords(r.effects);
    expect(rec).toMatchObject({ level: 2, final: false });
    expect(opsOf(r.effects)).toContainEqual({ op: 'prompt_status', id: expect.any(String), status: 'rated' });
    // The forwarder counts it from the press (as it counts a 好评), and never sends a draft.
    expect(r.effects).toContainEqual({ type: 'forward' });
    expect(r.effects).toContainEqual({ type: 'sound', clips: ['choose_reasons'] });
    expect(rig.screen).toMatchObject({
      kind: 'reasons',
      level: 2,
      levelLabel: '不满意',
      deadline: rig.now + 30_000,
    });
    expect((rig.screen as { reasons: unknown[] }).reasons).toHaveLength(8);
  });

  it('keeps chosen reasons on disk and is final when submitted', () => {
    const { rig } = bad();
    const t = rig.send({ type: 'intent', intent: { type: 'toggle_reason', code: '209' }, source: 'touch' });
    expect(putRecords(t.effects)[0]).toMatchObject({ reasons: ['209'], final: false });
    rig.send({ type: 'intent', intent: { type: 'toggle_reason', code: '207' }, source: 'touch' });
    rig.send({ type: 'intent', intent: { type: 'toggle_reason', code: 'nope' }, source: 'touch' });
    const r = rig.send({ type: 'intent', intent: { type: 'submit_reasons' }, source: 'touch' });
    const [rec] = putRecords(r.effects);
    expect(rec).toMatchObject({ reasons: ['207', '209'], final: true, comment: '' });
    expect(r.effects).toContainEqual({ type: 'forward' });
    expect(rig.screen.kind).toBe('thanks');
  });

  it('unselects a reason touched twice', () => {
    const { rig } = bad();
    rig.send({ type: 'intent', intent: { type: 'toggle_reason', code: '209' }, source: 'touch' });
    const t = rig.send({ type: 'intent', intent: { type: 'toggle_reason', code: '209' }, source: 'touch' });
    expect(putRecords(t.effects)[0]?.reasons).toEqual([]);
  });

  it('submitted with no reason carries the honest note', () => {
    const { rig } = bad();
    const r = rig.send({ type: 'intent', intent: { type: 'submit_reasons' }, source: 'touch' });
    expect(putRecords(r.effects)[0]).toMatchObject({ reasons: [], comment: '未选择差评原因', final: true });
  });

  it('left alone is final after the reasons time-out, with the reasons chosen so far', () => {
    const { rig } = bad();
    rig.now += 10_000;
    rig.send({ type: 'intent', intent: { type: 'toggle_reason', code: '208' }, source: 'touch' });
    expect(unspoken(rig.advance(29_999))).toEqual([]);
    const r = rig.advance(1);
    expect(putRecords(r.effects)[0]).toMatchObject({ reasons: ['208'], final: true, comment: '' });
    expect(opsOf(r.effects)).toContainEqual(expect.objectContaining({ op: 'prompt_end', status: 'rated' }));
  });

  it('left alone with nothing chosen is final with the honest note', () => {
    const { rig } = bad();
    const r = rig.advance(30_000);
    expect(putRecords(r.effects)[0]).toMatchObject({ comment: '未选择差评原因', final: true });
  });

  it('gives its whole time again at each key or touch, up to three times its length in all', () => {
    const { rig } = bad();
    const opened = rig.now;
    // Busy at the 25th second: a key (next reason) gives 30 s again.
    expect(unspoken(rig.advance(25_000))).toEqual([]);
    rig.send({ type: 'key', position: 2 });
    expect(rig.screen).toMatchObject({ kind: 'reasons', deadline: rig.now + 30_000 });
    // A touch does the same.
    rig.advance(25_000);
    rig.send({ type: 'intent', intent: { type: 'toggle_reason', code: '208' }, source: 'touch' });
    expect(rig.screen).toMatchObject({ deadline: rig.now + 30_000 });
    // Past that, a bouncing key cannot hold it open: 90 s from the screen's opening is the end.
    for (let i = 0; i < 10; i++) {
      rig.advance(3_000);
      rig.send({ type: 'key', position: 2 });
    }
    expect(rig.screen).toMatchObject({ kind: 'reasons', deadline: opened + 90_000 });
    const left = opened + 90_000 - rig.now;
    expect(unspoken(rig.advance(left - 1))).toEqual([]);
    const r = rig.advance(1);
    expect(putRecords(r.effects)[0]).toMatchObject({ reasons: ['208'], final: true });
    expect(rig.screen.kind).toBe('thanks');
  });

  it('keeps its cap when the citizen goes back to change the level and returns', () => {
    const { rig } = bad();
    const opened = rig.now;
    rig.advance(29_000);
    rig.send({ type: 'intent', intent: { type: 'change_level' }, source: 'touch' });
    rig.advance(29_000);
    rig.send({ type: 'intent', intent: { type: 'back_to_reasons' }, source: 'touch' });
    rig.advance(29_000);
    rig.send({ type: 'intent', intent: { type: 'toggle_reason', code: '208' }, source: 'touch' });
    expect(rig.screen).toMatchObject({ kind: 'reasons', deadline: opened + 90_000 });
  });

  it('can be changed to a good level: the same record, final, no reasons', () => {
    const { rig, r } = bad();
    const id = putRecords(r.effects)[0]?.id;
    rig.send({ type: 'intent', intent: { type: 'toggle_reason', code: '208' }, source: 'touch' });
    rig.send({ type: 'intent', intent: { type: 'change_level' }, source: 'touch' });
    expect(rig.screen).toMatchObject({ kind: 'rate', changingFrom: 2, canDecline: false });
    rig.now += 2_000;
    const c = rig.rate(4);
    expect(putRecords(c.effects)).toEqual([
      expect.objectContaining({ id, level: 4, reasons: [], final: true, ratedAt: rig.now }),
    ]);
    expect(rig.screen.kind).toBe('thanks');
  });

  it('can be changed to the other 差评 level, back to the reasons, which are that level’s', () => {
    const { rig } = bad();
    rig.send({ type: 'intent', intent: { type: 'toggle_reason', code: '208' }, source: 'touch' });
    rig.send({ type: 'intent', intent: { type: 'change_level' }, source: 'touch' });
    rig.now += 1_000;
    const c = rig.rate(1);
    // 208 is an indicator of 不满意: a 非常不满意 cannot carry it, the platform would refuse it.
    expect(putRecords(c.effects)[0]).toMatchObject({ level: 1, reasons: [], final: false });
    expect(rig.screen).toMatchObject({ kind: 'reasons', level: 1, levelLabel: '非常不满意' });
    expect((rig.screen as { reasons: { code: string }[] }).reasons.map((r) => r.code)).toEqual([
      '108',
      '109',
      '110',
      '111',
      '112',
      '113',
      '114',
      '115',
    ]);
  });

  it('can go back from changing to the reasons; left on the change screen it stays a 差评', () => {
    const { rig } = bad();
    rig.send({ type: 'intent', intent: { type: 'change_level' }, source: 'touch' });
    rig.send({ type: 'intent', intent: { type: 'back_to_reasons' }, source: 'touch' });
    expect(rig.screen.kind).toBe('reasons');
    rig.send({ type: 'intent', intent: { type: 'change_level' }, source: 'touch' });
    expect(rig.send({ type: 'intent', intent: { type: 'decline' }, source: 'touch' }).effects).toEqual([]);
    const r = rig.advance(30_000);
    expect(putRecords(r.effects)[0]).toMatchObject({ level: 2, final: true, comment: '未选择差评原因' });
  });

  it('is driven by the keypad as the screen shows', () => {
    const { rig } = bad();
    rig.send({ type: 'key', position: 2 }); // next
    rig.send({ type: 'key', position: 2 }); // next
    expect(rig.screen).toMatchObject({ cursor: 2 });
    const t = rig.send({ type: 'key', position: 3 }); // choose
    expect(putRecords(t.effects)[0]?.reasons).toEqual(['209']);
    rig.send({ type: 'key', position: 1 }); // previous
    rig.send({ type: 'key', position: 3 });
    expect(rig.screen).toMatchObject({ cursor: 1 });
    rig.send({ type: 'key', position: 4 }); // change level
    expect(rig.screen).toMatchObject({ kind: 'rate', changingFrom: 2 });
    rig.send({ type: 'key', position: 4 }); // 不满意 again
    const s = rig.send({ type: 'key', position: 5 }); // submit
    expect(putRecords(s.effects)[0]).toMatchObject({ reasons: ['208', '209'], final: true });
  });

  it('runs its reasons screen to the end when the clerk signs out, withdraws or replaces the prompt', () => {
    // Sign-out: the clerk is gone at once, the citizen's reasons are not cut short.
    const { rig } = bad();
    const out = rig.send({ type: 'clerk_sign_out' });
    expect(rig.state.clerk).toBeNull();
    expect(putRecords(out.effects)).toEqual([]);
    expect(opsOf(out.effects)).not.toContainEqual(expect.objectContaining({ op: 'prompt_end' }));
    expect(rig.screen.kind).toBe('reasons');
    rig.send({ type: 'intent', intent: { type: 'toggle_reason', code: '209' }, source: 'touch' });
    const done = rig.send({ type: 'intent', intent: { type: 'submit_reasons' }, source: 'touch' });
    expect(putRecords(done.effects)[0]).toMatchObject({ final: true, reasons: ['209'] });
    expect(opsOf(done.effects)).toContainEqual(
      expect.objectContaining({ op: 'prompt_end', status: 'rated' }),
    );

    // DELETE: accepted (the prompt is not final), and final when the reasons time out.
    const second = bad();
    const id = second.rig.state.session?.id as string;
    expect(second.rig.send({ type: 'cancel_prompt', promptId: id }).reply).toEqual({ ok: true });
    expect(second.rig.screen.kind).toBe('reasons');
    const timedOut = second.rig.advance(30_000);
    expect(putRecords(timedOut.effects)[0]).toMatchObject({ final: true, comment: '未选择差评原因' });
    expect(timedOut.effects).toContainEqual({
      type: 'prompt_final',
      promptId: id,
      status: 'rated',
      source: 'api',
    });
    expect(second.rig.send({ type: 'cancel_prompt', promptId: id }).reply).toMatchObject({
      code: 'not_open',
    });

    // Replace: refused while the citizen chooses reasons, naming the prompt; nothing changes.
    const third = bad();
    const onScreen = third.rig.state.session?.id as string;
    const rep = third.rig.open({ transactionId: 'TX-9' }, { replace: true });
    expect(rep.reply).toMatchObject({ ok: false, code: 'prompt_open', promptId: onScreen });
    expect(rep.effects).toEqual([]);
    expect(third.rig.state.session?.id).toBe(onScreen);
  });
});

describe('ending without a rating', () => {
  it('declined (不评价): no record', () => {
    const rig = serving();
    rig.open();
    const r = rig.send({ type: 'intent', intent: { type: 'decline' }, source: 'touch' });
    expect(putRecords(r.effects)).toEqual([]);
    expect(opsOf(r.effects)).toContainEqual(
      expect.objectContaining({ op: 'prompt_end', status: 'declined' }),
    );
    expect(rig.screen.kind).toBe('idle');
  });

  it('expired: never a rating made up', () => {
    const rig = serving();
    rig.open();
    expect(rig.advance(59_999).effects).toEqual([]);
    const r = rig.advance(1);
    expect(putRecords(r.effects)).toEqual([]);
    expect(opsOf(r.effects)).toEqual([expect.objectContaining({ op: 'prompt_end', status: 'expired' })]);
    expect(r.effects).toContainEqual({
      type: 'notify_prompt',
      promptId: expect.any(String),
      status: 'expired',
      final: true,
      source: 'api',
    });
    expect(rig.screen.kind).toBe('idle');
  });

  it('cancelled by the clerk', () => {
    const rig = serving();
    rig.open();
    const id = rig.state.session?.id as string;
    expect(rig.send({ type: 'cancel_prompt', promptId: 'other' }).reply).toMatchObject({ code: 'not_open' });
    const r = rig.send({ type: 'cancel_prompt', promptId: id });
    expect(r.reply).toEqual({ ok: true });
    expect(opsOf(r.effects)).toContainEqual({ op: 'prompt_end', id, status: 'cancelled', at: rig.now });
  });
});

describe('并联审批 and 一件事', () => {
  const departments = [
    { code: 'D-A', name: '县市场监管局' },
    { code: 'D-B', name: '县税务局' },
    { code: 'D-C', name: '县人社局' },
  ];

  it('overall: one rating, one record per department', () => {
    const rig = serving();
    rig.open({ mode: 'parallel', departments });
    expect(rig.screen).toMatchObject({ kind: 'choose_scope', departments: departments.map((d) => d.name) });
    expect(rig.send({ type: 'key', position: 1 }).effects.length).toBeGreaterThan(0);
    expect(rig.screen).toMatchObject({ kind: 'rate', subject: { scope: 'overall', step: null } });
    rig.now += 1_000;
    const recs = putRecords(rig.rate(5).effects);
    expect(recs.map((r) => [r.department.code, r.scope])).toEqual([
      ['D-A', 'overall'],
      ['D-B', 'overall'],
      ['D-C', 'overall'],
    ]);
    expect(new Set(recs.map((r) => r.id)).size).toBe(3);
  });

  it('per department: each in turn, a 差评 with its reasons in the middle', () => {
    const rig = serving();
    rig.open({ mode: 'parallel', departments });
    rig.send({ type: 'intent', intent: { type: 'choose_scope', scope: 'department' }, source: 'touch' });
    expect(rig.screen).toMatchObject({
      subject: { scope: 'department', step: { index: 1, total: 3, rated: null } },
    });
    rig.now += 1_000;
    expect(putRecords(rig.rate(5).effects)[0]).toMatchObject({
      department: { code: 'D-A' },
      scope: 'department',
    });
    expect(rig.screen).toMatchObject({
      subject: { departments: ['县税务局'], step: { index: 2, total: 3, rated: '县市场监管局' } },
    });
    rig.now += 1_000;
    rig.rate(1);
    expect(rig.screen).toMatchObject({ kind: 'reasons', subject: ['县税务局'] });
    const s = rig.send({ type: 'intent', intent: { type: 'submit_reasons' }, source: 'touch' });
    expect(putRecords(s.effects)[0]).toMatchObject({ department: { code: 'D-B' }, final: true });
    expect(rig.screen).toMatchObject({
      subject: { departments: ['县人社局'], step: { index: 3, total: 3, rated: '县税务局' } },
    });
    rig.now += 1_000;
    const last = rig.rate(3);
    expect(opsOf(last.effects)).toContainEqual(
      expect.objectContaining({ op: 'prompt_end', status: 'rated' }),
    );
    // Three levels were given: one line naming only the last would tell the citizen
    // something untrue about the other two, so the thank-you names none.
    expect(rig.screen).toEqual({ kind: 'thanks', given: null });
  });

  it('per department all alike: the thank-you names the one level given', () => {
    const rig = serving();
    rig.open({ mode: 'parallel', departments });
    rig.send({ type: 'intent', intent: { type: 'choose_scope', scope: 'department' }, source: 'touch' });
    for (let i = 0; i < departments.length; i += 1) {
      rig.now += 1_000;
      rig.rate(4);
    }
    expect(rig.screen).toMatchObject({ kind: 'thanks', given: { level: 4, label: '满意' } });
  });

  it('per department left partway is rated with what was given', () => {
    const rig = serving();
    rig.open({ mode: 'parallel', departments });
    rig.send({ type: 'key', position: 2 });
    rig.now += 1_000;
    rig.rate(5);
    const r = rig.send({ type: 'intent', intent: { type: 'decline' }, source: 'touch' });
    expect(opsOf(r.effects)).toContainEqual(expect.objectContaining({ op: 'prompt_end', status: 'rated' }));
    expect(putRecords(r.effects)).toEqual([]);

    const walked = serving();
    walked.open({ mode: 'parallel', departments });
    walked.send({ type: 'key', position: 2 });
    walked.now += 1_000;
    walked.rate(5);
    const t = walked.advance(60_000);
    expect(opsOf(t.effects)).toContainEqual(expect.objectContaining({ op: 'prompt_end', status: 'rated' }));
  });

  it('the choice screen expires like a prompt and ignores other keys', () => {
    const rig = serving();
    rig.open({ mode: 'parallel', departments });
    expect(rig.send({ type: 'key', position: 5 }).effects).toEqual([]);
    const r = rig.advance(60_000);
    expect(opsOf(r.effects)).toContainEqual(expect.objectContaining({ op: 'prompt_end', status: 'expired' }));
  });

  it('一件事: one record for the package, with the lead department', () => {
    const rig = serving();
    rig.open({ mode: 'package', departments });
    expect(rig.screen).toMatchObject({ kind: 'rate', subject: { scope: 'package' } });
    rig.now += 1_000;
    const recs = putRecords(rig.rate(4).effects);
    expect(recs).toHaveLength(1);
    expect(recs[0]).toMatchObject({ scope: 'package', department: { code: 'D-A' } });
  });
});

describe('实名评价', () => {
  const citizen = { name: '陈美英', idNumber: '350521199001011234', phone: '13800000000', type: 1 as const };

  it('is off by default: the record carries no personal data', () => {
    const rig = serving();
    rig.open({ citizen });
    rig.now += 1_000;
    expect(putRecords(rig.rate(5).effects)[0]?.citizen).toBeNull();
  });

  it('on: the record carries the citizen; the switch state is taken when the rating is given', () => {
    const rig = serving();
    rig.open({ citizen });
    rig.send({ type: 'intent', intent: { type: 'real_name', on: true }, source: 'touch' });
    expect(rig.screen).toMatchObject({ realName: { on: true, maskedName: '陈*英' } });
    rig.now += 1_000;
    const r = rig.rate(2);
    expect(putRecords(r.effects)[0]?.citizen).toEqual(citizen);
    // Turning it off on the reasons screen is not offered; the rating keeps its consent.
    expect(
      rig.send({ type: 'intent', intent: { type: 'real_name', on: false }, source: 'touch' }).effects,
    ).toEqual([]);
    const s = rig.send({ type: 'intent', intent: { type: 'submit_reasons' }, source: 'touch' });
    expect(putRecords(s.effects)[0]?.citizen).toEqual(citizen);
  });

  it('is not offered without citizen data', () => {
    const rig = serving();
    rig.open();
    expect(rig.screen).toMatchObject({ realName: null });
    expect(
      rig.send({ type: 'intent', intent: { type: 'real_name', on: true }, source: 'touch' }).effects,
    ).toEqual([]);
  });
});

describe('INVITE key', () => {
  it('opens a single prompt for the clerk’s department with a terminal-made number', () => {
    const rig = serving();
    rig.now = Date.UTC(2026, 10, 27, 17, 0, 0); // 01:00 on the 28th in China
    const r = rig.send({ type: 'invite_key', promptId: 'p-inv', qr: null });
    expect(rig.state.session).toMatchObject({
      transactionId: 'HA-0001-20261128-0001',
      departments: [clerk.department],
      service: { code: '', name: '窗口服务' },
      mode: 'single',
    });
    expect(opsOf(r.effects)).toContainEqual({ op: 'invite_seq', value: 1 });
    rig.now += 1_000;
    rig.rate(5);
    rig.advance(5_000);
    rig.send({ type: 'invite_key', promptId: 'p-inv2', qr: null });
    expect(rig.state.session?.transactionId).toBe('HA-0001-20261128-0002');
  });

  it('does nothing while paused, with a prompt open, on a kiosk, or when disabled', () => {
    const rig = serving();
    rig.send({ type: 'clerk_status', status: 'paused' });
    expect(rig.send({ type: 'invite_key', promptId: 'x', qr: null }).effects).toEqual([]);
    rig.send({ type: 'clerk_status', status: 'serving' });
    rig.open();
    expect(rig.send({ type: 'invite_key', promptId: 'x', qr: null }).effects).toEqual([]);
    const off = serving(coreConfig({ invite: { enabled: false, service: { code: '', name: '窗口服务' } } }));
    expect(off.send({ type: 'invite_key', promptId: 'x', qr: null }).effects).toEqual([]);
    const kiosk = new Rig(coreConfig({ mode: 'kiosk' }));
    expect(kiosk.send({ type: 'invite_key', promptId: 'x', qr: null }).effects).toEqual([]);
  });
});

describe('store faults', () => {
  it('shows the fault in place of the prompt and takes no rating until the store is back', () => {
    const rig = serving();
    rig.open();
    rig.send({ type: 'store_failed', message: 'the disk is full' });
    expect(rig.screen).toEqual({ kind: 'fault', message: '设备故障，请联系工作人员' });
    expect(rig.rate(5).effects).toEqual([]);
    expect(rig.send({ type: 'key', position: 1 }).effects).toEqual([]);
    rig.send({ type: 'store_recovered' });
    expect(rig.screen.kind).toBe('rate');
  });
});

describe('keypad state', () => {
  it('shows a banner when the keypad is offline; touch still rates', () => {
    const rig = serving();
    expect(view(rig.state, rig.now)).toMatchObject({ keypadBanner: null, keys: true });
    rig.send({ type: 'keypad_status', state: 'offline', fault: null });
    rig.open();
    expect(rig.screen.kind).toBe('rate');
    // The screens name no keys while only touch works.
    expect(view(rig.state, rig.now)).toMatchObject({ keypadBanner: KEYPAD_OFFLINE_BANNER, keys: false });
    rig.now += 1_000;
    expect(putRecords(rig.rate(5).effects)).toHaveLength(1);
  });
});

describe('recovery at start-up', () => {
  it('finalises unfinished 差评, resumes an unexpired prompt, ends the rest', () => {
    const rig = new Rig();
    const draft = {
      id: 'r-1',
      promptId: 'p-old',
      transactionId: 'TX-0',
      assessNumber: 1 as const,
      channel: 4,
      level: 2 as const,
      reasons: [],
      comment: '',
      ratedAt: rig.now - 10_000,
      areaCode: '350521',
      service: { code: 'S', name: 'S' },
      department: { code: 'D', name: 'D' },
      clerk: null,
      scope: 'single' as const,
      terminalId: 'HA-0001',
      windowNo: '12',
      citizen: null,
      flags: [],
      catalogueVersion: 'national-2020',
      final: false,
    };
    const prompt = (id: string, status: 'open' | 'rated', expiresAt: number) => ({
      id,
      transactionId: id,
      service: { code: 'S', name: '事项' },
      departments: [{ code: 'D', name: '部门' }],
      mode: 'single' as const,
      citizen: null,
      clerk: null,
      facts: resolveFacts(undefined, rig.now - 20_000),
      source: 'api' as const,
      status,
      openedAt: rig.now - 20_000,
      expiresAt,
      endedAt: null,
    });
    const r = rig.send({
      type: 'recover',
      clerk: { ...clerk, status: 'paused', pauseWhenDone: false },
      inviteSeq: 41,
      drafts: [draft, { ...draft, id: 'r-2', reasons: ['207'] }],
      unfinished: [
        prompt('p-old', 'rated', rig.now + 40_000),
        prompt('p-gone', 'open', rig.now - 1),
        prompt('p-live', 'open', rig.now + 30_000),
      ],
      qr: null,
    });
    const recs = putRecords(r.effects);
    expect(recs).toEqual([
      expect.objectContaining({ id: 'r-1', final: true, comment: '未选择差评原因' }),
      expect.objectContaining({ id: 'r-2', final: true, comment: '', reasons: ['207'] }),
    ]);
    expect(opsOf(r.effects)).toContainEqual({ op: 'prompt_end', id: 'p-old', status: 'rated', at: rig.now });
    expect(opsOf(r.effects)).toContainEqual({
      op: 'prompt_end',
      id: 'p-gone',
      status: 'expired',
      at: rig.now,
    });
    expect(r.effects).toContainEqual({ type: 'forward' });
    expect(rig.state.session?.id).toBe('p-live');
    expect(rig.screen).toMatchObject({ kind: 'rate', deadline: rig.now + 30_000 });
    expect(rig.state.clerk?.status).toBe('paused');
    expect(rig.state.inviteSeq).toBe(41);
  });
});
