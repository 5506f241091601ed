// The service facts of a prompt (serviceNumber, proStatus, acceptDate, serviceTime,
// taskHandleItem) through the pure rules, and the clock_skew flag, on the core's fake time.
import { describe, expect, it } from 'vitest';
import { cstDateTime, parseCstDateTime } from '../../../src/core/cst.js';
import { anomalyFlags } from '../../../src/core/flags.js';
import type { PromptRecord } from '../../../src/core/model.js';
import { MAX_SERVICE_TIME_AHEAD_MS, resolveFacts, tooFarAhead } from '../../../src/core/service-facts.js';
import { serviceFactsOf } from '../../../src/sync/adapters/service-facts.js';
import { clerk, opsOf, putRecords, Rig } from '../../helpers/core-fixture.js';

function serving(): Rig {
  const rig = new Rig();
  rig.send({ type: 'clerk_sign_in', clerk });
  return rig;
}

const FACTS = {
  serviceNumber: 2,
  proStatus: '1' as const,
  acceptDate: '2026-09-20 09:15:00',
  serviceTime: '2026-09-21 10:00:00',
  taskHandleItem: 'HI-0042',
};

describe('CST date-time text', () => {
  it('reads yyyy-MM-dd HH:mm:ss as UTC+8', () => {
    expect(parseCstDateTime('2026-11-28 00:30:05')).toBe(Date.UTC(2026, 10, 27, 16, 30, 5));
    expect(parseCstDateTime('2028-02-29 23:59:59')).toBe(Date.UTC(2028, 1, 29, 15, 59, 59));
  });

  it('refuses dates no calendar has and other shapes', () => {
    for (const text of [
      '2026-02-30 10:00:00',
      '2026-02-29 10:00:00',
      '2026-04-31 10:00:00',
      '2026-13-01 10:00:00',
      '2026-00-10 10:00:00',
      '2026-11-28 24:00:00',
      '2026-11-28 23:60:00',
      '2026-11-28 23:59:60',
      '0000-01-01 00:00:00',
      '2026-11-28T10:00:00',
      '2026-11-28 10:00',
      '2026-11-28 10:00:00 ',
      '2026-1-28 10:00:00',
      '２０２６-11-28 10:00:00',
      '',
    ]) {
      expect(parseCstDateTime(text), text).toBeNull();
    }
  });
});

describe('service facts of a prompt', () => {
  it('take the contract defaults when the business system gives none', () => {
    const rig = serving();
    const openedAt = rig.now;
    const open = rig.open();
    const opened = opsOf(open.effects).find((o) => o.op === 'prompt_open') as { prompt: PromptRecord };
    expect(opened.prompt.facts).toEqual({
      serviceNumber: 1,
      proStatus: '3',
      acceptDate: null,
      serviceTime: cstDateTime(openedAt),
      taskHandleItem: null,
    });
    rig.now += 2_000;
    const [record] = putRecords(rig.rate(5).effects);
    expect(record).toMatchObject({ serviceNumber: 1, proStatus: '3', serviceTime: cstDateTime(openedAt) });
    // Absent, not empty: "only when given".
    expect(record).not.toHaveProperty('acceptDate');
    expect(record).not.toHaveProperty('taskHandleItem');
    expect(record?.flags).toEqual([]);
  });

  it('are kept with the prompt and carried by each of its records', () => {
    const rig = serving();
    rig.now = (parseCstDateTime(FACTS.serviceTime) as number) + 60_000;
    const open = rig.open({
      mode: 'parallel',
      departments: [
        { code: 'D-1', name: '一' },
        { code: 'D-2', name: '二' },
      ],
      facts: FACTS,
    });
    const opened = opsOf(open.effects).find((o) => o.op === 'prompt_open') as { prompt: PromptRecord };
    expect(opened.prompt.facts).toEqual(FACTS);
    rig.send({ type: 'intent', intent: { type: 'choose_scope', scope: 'overall' }, source: 'touch' });
    rig.now += 2_000;
    const records = putRecords(rig.rate(4).effects);
    expect(records).toHaveLength(2);
    for (const r of records) expect(r).toMatchObject({ ...FACTS, flags: [] });
  });

  it('fill in only what is missing', () => {
    expect(resolveFacts({ proStatus: '2' }, Date.UTC(2026, 10, 27, 16, 30, 5, 900))).toEqual({
      serviceNumber: 1,
      proStatus: '2',
      acceptDate: null,
      // Whole seconds, cut down: a rating in the same second as the opening is not before it.
      serviceTime: '2026-11-28 00:30:05',
      taskHandleItem: null,
    });
  });

  it('take the defaults on an INVITE prompt (the clerk key gives none)', () => {
    const rig = serving();
    const openedAt = rig.now;
    rig.send({ type: 'invite_key', promptId: 'p-inv', qr: null });
    rig.now += 1_000;
    const [record] = putRecords(rig.rate(5).effects);
    expect(record).toMatchObject({
      promptId: 'p-inv',
      serviceNumber: 1,
      proStatus: '3',
      serviceTime: cstDateTime(openedAt),
    });
    expect(record).not.toHaveProperty('acceptDate');
    expect(record).not.toHaveProperty('taskHandleItem');
  });

  it('come back with a prompt resumed after a restart', () => {
    const rig = serving();
    const openedAt = rig.now - 10_000;
    const prompt: PromptRecord = {
      id: 'p-live',
      transactionId: 'TX-9',
      service: { code: 'S', name: '事项' },
      departments: [{ code: 'D', name: '部门' }],
      mode: 'single',
      citizen: null,
      clerk: null,
      facts: { ...FACTS, serviceTime: cstDateTime(openedAt - 60_000) },
      source: 'api',
      status: 'open',
      openedAt,
      expiresAt: rig.now + 30_000,
      endedAt: null,
    };
    rig.send({ type: 'recover', clerk: null, inviteSeq: 0, drafts: [], unfinished: [prompt], qr: null });
    rig.now += 1_000;
    const [record] = putRecords(rig.rate(5).effects);
    expect(record).toMatchObject({ promptId: 'p-live', ...prompt.facts });
  });
});

describe('clock_skew', () => {
  it('flags a rating given before its serviceTime, and never holds it', () => {
    const rig = serving();
    const serviceAt = rig.now + 90_000;
    rig.open({ facts: { serviceTime: cstDateTime(serviceAt) } });
    rig.now += 2_000;
    const r = rig.rate(5);
    const [record] = putRecords(r.effects);
    expect(record?.flags).toEqual(['clock_skew']);
    expect(record?.final).toBe(true);
    // Committed, forwarded and thanked as any other rating.
    expect(r.effects.map((e) => e.type)).toContain('forward');
    expect(rig.screen.kind).toBe('thanks');
    // Sent at serviceTime (the adapters' reading of the very record).
    expect(serviceFactsOf(record as never).assessTime).toBe(cstDateTime(serviceAt));
  });

  it('is set up to the millisecond before serviceTime, and not at it', () => {
    for (const [delta, flagged] of [
      [-1, true],
      [0, false],
      [1, false],
    ] as const) {
      const rig = serving();
      const serviceAt = rig.now + 30_000;
      rig.open({ facts: { serviceTime: cstDateTime(serviceAt) } });
      rig.now = serviceAt + delta;
      const [record] = putRecords(rig.rate(4).effects);
      expect(record?.flags.includes('clock_skew'), `delta ${delta}`).toBe(flagged);
    }
  });

  it('sits beside the other flags, and a 差评 changed after serviceTime loses it', () => {
    const rig = serving();
    rig.send({ type: 'keypad_status', state: 'online', fault: 'stuck_key' });
    const serviceAt = rig.now + 10_000;
    rig.open({ facts: { serviceTime: cstDateTime(serviceAt) } });
    rig.now += 100;
    const [bad] = putRecords(rig.rate(1, 'keypad').effects);
    expect(bad?.flags).toEqual(['fast', 'stuck_key', 'clock_skew']);
    // Back from the reasons screen to a new level, after the service's time: given now, not skewed.
    rig.send({ type: 'intent', intent: { type: 'change_level' }, source: 'touch' });
    rig.now = serviceAt + 5_000;
    const [changed] = putRecords(rig.rate(4, 'keypad').effects);
    expect(changed?.flags).toEqual(['stuck_key']);
  });

  it('is decided by anomalyFlags from the serviceTime instant', () => {
    const base = { shownAt: 0, source: 'touch' as const, keypadStuck: false, lastRatingAt: null };
    expect(anomalyFlags({ ...base, now: 9_999, serviceTime: 10_000 })).toEqual(['clock_skew']);
    expect(anomalyFlags({ ...base, now: 10_000, serviceTime: 10_000 })).toEqual([]);
    expect(anomalyFlags({ ...base, now: 10_000, serviceTime: null })).toEqual([]);
  });
});

describe('a serviceTime too far ahead', () => {
  it('is one more than 5 minutes ahead of the clock', () => {
    const now = Date.UTC(2026, 10, 29, 2, 0, 0);
    expect(MAX_SERVICE_TIME_AHEAD_MS).toBe(300_000);
    expect(tooFarAhead(cstDateTime(now + 300_000), now)).toBe(false);
    expect(tooFarAhead(cstDateTime(now + 301_000), now)).toBe(true);
    expect(tooFarAhead(cstDateTime(now - 86_400_000), now)).toBe(false);
  });
});
