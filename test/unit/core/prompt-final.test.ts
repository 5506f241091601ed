// When a prompt is over (`final`), who opened it (`source`), and what the clerk's side may
// do to a prompt that is not final: the rules as the business system and the GWQ listener
// see them, driven with fake time.
import { describe, expect, it } from 'vitest';
import type { Effect, PromptChange } from '../../../src/core/effects.js';
import type { Intent } from '../../../src/core/events.js';
import { clerk, coreConfig, opsOf, putRecords, Rig } from '../../helpers/core-fixture.js';

const THREE = [
  { code: 'D-MKT', name: '县市场监管局' },
  { code: 'D-TAX', name: '县税务局' },
  { code: 'D-RES', name: '县自然资源局' },
];

function serving(config = coreConfig()) {
  const rig = new Rig(config);
  rig.send({ type: 'clerk_sign_in', clerk });
  return rig;
}

function intent(rig: Rig, i: Intent) {
  return rig.send({ type: 'intent', intent: i, source: 'touch' });
}

/** The prompt changes a step tells, and its final effects, in order. */
type Told = Omit<PromptChange, 'promptId'> | string;

function told(effects: Effect[]): Told[] {
  return effects.flatMap((e): Told[] =>
    e.type === 'notify_prompt'
      ? [{ status: e.status, final: e.final, source: e.source }]
      : e.type === 'prompt_final'
        ? [`final:${e.status}`]
        : [],
  );
}

/** Records every step's effects, so a whole prompt's story can be read at the end. */
function story(rig: Rig) {
  const all: Effect[] = [];
  const send = rig.send.bind(rig);
  rig.send = (event) => {
    const r = send(event);
    all.push(...r.effects);
    return r;
  };
  return () => told(all);
}

const OPEN = { status: 'open', final: false, source: 'api' };
const RATED = { status: 'rated', final: false, source: 'api' };
const DONE = { status: 'rated', final: true, source: 'api' };

describe('final', () => {
  it('a 好评 and a 差评 tell the same story: opened, rated, final (once, last)', () => {
    const good = serving();
    const goodStory = story(good);
    good.open();
    good.now += 1_000;
    const press = good.rate(5).effects;
    expect(told(press)).toEqual([RATED, DONE, 'final:rated']);
    // The queue's count (the forwarder's wake) goes out between the first rating and the
    // end, where a 差评's goes out too: before its reasons, long before its end.
    expect(press.map((e) => e.type).filter((t) => t === 'notify_prompt' || t === 'forward')).toEqual([
      'notify_prompt',
      'forward',
      'notify_prompt',
    ]);

    const bad = serving();
    const badStory = story(bad);
    bad.open();
    bad.now += 1_000;
    expect(told(bad.rate(1).effects)).toEqual([RATED]);
    intent(bad, { type: 'toggle_reason', code: '209' });
    intent(bad, { type: 'change_level' });
    intent(bad, { type: 'back_to_reasons' });
    expect(told(intent(bad, { type: 'submit_reasons' }).effects)).toEqual([DONE, 'final:rated']);
    expect(badStory()).toEqual(goodStory());
    expect(goodStory()).toEqual([OPEN, RATED, DONE, 'final:rated']);
  });

  it('a 并联审批 rated per department: rated after the first, final only after the last', () => {
    const rig = serving();
    const all = story(rig);
    rig.open({ mode: 'parallel', departments: THREE });
    intent(rig, { type: 'choose_scope', scope: 'department' });
    rig.now += 1_000;
    expect(told(rig.rate(4).effects)).toEqual([RATED]);
    expect(rig.state.session?.status).toBe('rated');
    expect(told(rig.rate(2).effects)).toEqual([]);
    intent(rig, { type: 'submit_reasons' });
    expect(rig.screen).toMatchObject({ kind: 'rate' });
    expect(told(rig.rate(5).effects)).toEqual([DONE, 'final:rated']);
    expect(all()).toEqual([OPEN, RATED, DONE, 'final:rated']);
  });

  it('exactly one final change for every way a prompt ends', () => {
    const rig = serving();
    const all = story(rig);
    rig.open({ transactionId: 'A' });
    rig.advance(60_000); // expired
    rig.open({ transactionId: 'B' });
    intent(rig, { type: 'decline' });
    rig.open({ transactionId: 'C' });
    rig.send({ type: 'cancel_prompt', promptId: rig.state.session?.id as string });
    rig.open({ transactionId: 'D' });
    rig.open({ transactionId: 'E' }, { replace: true }); // D cancelled
    rig.send({ type: 'clerk_sign_out' }); // E cancelled
    expect(all().filter((t) => typeof t === 'string')).toEqual([
      'final:expired',
      'final:declined',
      'final:cancelled',
      'final:cancelled',
      'final:cancelled',
    ]);
  });

  it('the final change is the last one told of its prompt, even one replaced as it opens', () => {
    const rig = serving();
    const changes: { promptId: string; final: boolean }[] = [];
    for (const step of [
      () => rig.open({ transactionId: 'A' }),
      () => rig.open({ transactionId: 'B' }, { replace: true }),
      () => rig.send({ type: 'platform_page', promptId: 'p-9', qr: { url: 'u', svg: 's' } }),
      () => rig.rate(4),
      () => rig.open({ transactionId: 'C' }),
      () =>
        rig.send({
          type: 'platform_page',
          promptId: rig.state.session?.id ?? '',
          qr: { url: 'u', svg: 's' },
        }),
      () => rig.advance(60_000),
    ]) {
      for (const e of step().effects) if (e.type === 'notify_prompt') changes.push(e);
    }
    const ids = [...new Set(changes.map((c) => c.promptId))];
    expect(ids).toHaveLength(3);
    for (const id of ids) {
      const mine = changes.filter((c) => c.promptId === id);
      expect(mine.filter((c) => c.final)).toHaveLength(1);
      expect(mine.at(-1)?.final).toBe(true);
    }
  });
});

describe('the clerk ends a prompt that is not final (DELETE, sign-out)', () => {
  it('before any rating: cancelled at once', () => {
    const rig = serving();
    rig.open();
    const id = rig.state.session?.id as string;
    const r = rig.send({ type: 'cancel_prompt', promptId: id });
    expect(r.reply).toEqual({ ok: true });
    expect(told(r.effects)).toEqual([{ ...OPEN, status: 'cancelled', final: true }, 'final:cancelled']);
  });

  it('after the first department: the rest are left unrated, the citizen is thanked', () => {
    const rig = serving();
    rig.open({ mode: 'parallel', departments: THREE });
    intent(rig, { type: 'choose_scope', scope: 'department' });
    rig.now += 1_000;
    rig.rate(4);
    const id = rig.state.session?.id as string;
    const r = rig.send({ type: 'cancel_prompt', promptId: id });
    expect(r.reply).toEqual({ ok: true });
    expect(opsOf(r.effects)).toContainEqual({ op: 'prompt_end', id, status: 'rated', at: rig.now });
    expect(putRecords(r.effects)).toEqual([]);
    expect(told(r.effects)).toEqual([DONE, 'final:rated']);
    expect(rig.screen.kind).toBe('thanks');
    expect(rig.send({ type: 'cancel_prompt', promptId: id }).reply).toMatchObject({ code: 'not_open' });
  });

  it('on a department’s 差评 reasons: the screen runs to its end, then the prompt ends there', () => {
    const rig = serving();
    rig.open({ mode: 'parallel', departments: THREE });
    intent(rig, { type: 'choose_scope', scope: 'department' });
    rig.now += 1_000;
    rig.rate(4);
    rig.rate(1);
    const id = rig.state.session?.id as string;
    const r = rig.send({ type: 'cancel_prompt', promptId: id });
    expect(r.reply).toEqual({ ok: true });
    expect(r.effects).toEqual([]);
    expect(rig.screen.kind).toBe('reasons');
    // Asked again while it runs: still not final, still accepted.
    expect(rig.send({ type: 'cancel_prompt', promptId: id }).reply).toEqual({ ok: true });
    intent(rig, { type: 'toggle_reason', code: '109' });
    const done = intent(rig, { type: 'submit_reasons' });
    expect(putRecords(done.effects)).toEqual([
      expect.objectContaining({ department: THREE[1], level: 1, reasons: ['109'], final: true }),
    ]);
    expect(told(done.effects)).toEqual([DONE, 'final:rated']);
    expect(rig.state.session).toBeNull();
  });

  it('a pause asked for meanwhile takes effect when the prompt is final', () => {
    const rig = serving();
    rig.open();
    rig.now += 1_000;
    rig.rate(2);
    rig.send({ type: 'clerk_status', status: 'paused' });
    expect(rig.state.clerk).toMatchObject({ status: 'serving', pauseWhenDone: true });
    rig.send({ type: 'cancel_prompt', promptId: rig.state.session?.id as string });
    expect(rig.state.clerk).toMatchObject({ status: 'serving', pauseWhenDone: true });
    intent(rig, { type: 'submit_reasons' });
    expect(rig.state.clerk).toMatchObject({ status: 'paused', pauseWhenDone: false });
  });
});

describe('opening while a prompt is on screen', () => {
  it('names the prompt on screen when refusing, and answers a retry with it', () => {
    const rig = serving();
    rig.open({ mode: 'parallel', departments: THREE, citizen: null });
    const id = rig.state.session?.id as string;
    const other = rig.open({ transactionId: 'TX-2' });
    expect(other.reply).toEqual({
      ok: false,
      code: 'prompt_open',
      message: expect.any(String),
      promptId: id,
    });
    intent(rig, { type: 'choose_scope', scope: 'department' });
    rig.rate(5);
    // The same transaction, service, departments and mode: the business system retrying.
    for (const replace of [false, true]) {
      const again = rig.open(
        {
          mode: 'parallel',
          departments: THREE,
          citizen: { name: '陈美英', idNumber: '', phone: '', type: 1 },
        },
        { replace },
      );
      expect(again.reply).toEqual({ ok: true, promptId: id, retried: true });
      expect(again.effects).toEqual([]);
    }
    // Not the same departments: not a retry.
    expect(rig.open({ mode: 'parallel', departments: THREE.slice(0, 2) }).reply).toMatchObject({
      code: 'prompt_open',
      promptId: id,
    });
    expect(rig.state.session?.id).toBe(id);
  });
});

describe('source', () => {
  it('is api by default, invite for the INVITE key, and kept with the prompt', () => {
    const rig = serving();
    const api = rig.open();
    expect(opsOf(api.effects)).toContainEqual({
      op: 'prompt_open',
      prompt: expect.objectContaining({ source: 'api' }),
    });
    intent(rig, { type: 'decline' });
    const invite = rig.send({ type: 'invite_key', promptId: 'p-inv', qr: null });
    expect(opsOf(invite.effects)).toContainEqual({
      op: 'prompt_open',
      prompt: expect.objectContaining({ source: 'invite' }),
    });
    expect(told(invite.effects)).toEqual([{ ...OPEN, source: 'invite' }]);
  });

  it('a gwq prompt: no QR code, no platform page, its own time-out', () => {
    const rig = serving(coreConfig({ platformPage: true }));
    const qr = { url: 'https://hcp.example/r?t=x', svg: '<svg/>' };
    const r = rig.send({
      type: 'open_prompt',
      promptId: 'p-gwq',
      request: {
        transactionId: 'GWQ-HA-0001-1',
        service: { code: '', name: '' },
        departments: [clerk.department],
        mode: 'single',
        citizen: null,
        source: 'gwq',
        timeoutMs: 20_000,
      },
      alreadyRated: false,
      replace: false,
      qr,
    });
    expect(r.reply).toEqual({ ok: true });
    expect(r.effects.map((e) => e.type)).not.toContain('fetch_page');
    expect(rig.state.session).toMatchObject({ source: 'gwq', qr: null, expiresAt: rig.now + 20_000 });
    const ended = rig.advance(20_000);
    expect(ended.effects).toContainEqual({
      type: 'prompt_final',
      promptId: 'p-gwq',
      status: 'expired',
      source: 'gwq',
    });
    // An api prompt on the same terminal still asks for its page.
    expect(rig.open().effects.map((e) => e.type)).toContain('fetch_page');
  });
});
