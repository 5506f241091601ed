// POST /v1/prompts with the real platforms' service facts (serviceNumber, proStatus,
// acceptDate, serviceTime, taskHandleItem): validated, kept in the real store, carried
// by the records the adapters read; clock_skew through the API, on a controlled clock.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogLevel } from '../../../src/base/logger.js';
import { cstDateTime } from '../../../src/core/cst.js';
import type { RatingRecord } from '../../../src/core/model.js';
import { serviceFactsOf } from '../../../src/sync/adapters/service-facts.js';
import { type ApiRig, answered, apiRig, clerkJson, promptJson } from '../../helpers/api-rig.js';
import { FakeClock } from '../../helpers/fake-clock.js';

const rigs: ApiRig[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) await r.close();
});

interface Line {
  level: LogLevel;
  event: string;
  fields: Record<string, unknown>;
}

async function serving(clock = new FakeClock()) {
  const lines: Line[] = [];
  const r = await apiRig({
    clock,
    log: { log: (level, event, fields = {}) => lines.push({ level, event, fields }) },
  });
  rigs.push(r);
  expect((await answered(r.client.PUT('/v1/clerk', { body: clerkJson }))).status).toBe(200);
  return { r, clock, lines };
}

/** What the store holds, read as another process would read the file. */
function stored(r: ApiRig, promptId: string) {
  const db = new Database(join(r.dir, 'terminal.db'), { readonly: true });
  try {
    const facts = db.prepare('SELECT facts FROM prompts WHERE id = ?').pluck().get(promptId) as string | null;
    const records = (
      db
        .prepare('SELECT body FROM records WHERE prompt_id = ? ORDER BY seq')
        .pluck()
        .all(promptId) as string[]
    ).map((b) => JSON.parse(b) as RatingRecord);
    return { facts: facts === null ? null : JSON.parse(facts), records };
  } finally {
    db.close();
  }
}

const FACTS = {
  serviceNumber: 3,
  proStatus: '2',
  acceptDate: '2026-09-01 08:30:00',
  taskHandleItem: '11350521MB0000000X4000111001',
};

describe('POST /v1/prompts: service facts', () => {
  it('accepts them, keeps them with the prompt, and each record carries them by the adapters’ names', async () => {
    const { r, clock } = await serving();
    const serviceTime = cstDateTime(clock.now() - 3_600_000);
    const res = await answered(r.client.POST('/v1/prompts', { body: promptJson({ ...FACTS, serviceTime }) }));
    expect(res.status).toBe(201);
    clock.advance(4_000);
    r.terminal.intent({ type: 'rate', level: 5 });

    const { facts, records } = stored(r, res.body.id);
    expect(facts).toEqual({ ...FACTS, serviceTime });
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ ...FACTS, serviceTime, flags: [] });
    expect(serviceFactsOf(records[0] as RatingRecord)).toEqual({
      serviceNumber: 3,
      proStatus: '2',
      acceptDate: FACTS.acceptDate,
      serviceTime,
      taskHandleItem: FACTS.taskHandleItem,
      assessTime: cstDateTime(clock.now()),
    });
  });

  it('defaults what is not given: serviceNumber 1, proStatus 3, serviceTime the opening, no acceptDate or 办理项', async () => {
    const { r, clock } = await serving();
    const openedAt = clock.now();
    const res = await answered(r.client.POST('/v1/prompts', { body: promptJson({ taskHandleItem: '' }) }));
    expect(res.status).toBe(201);
    clock.advance(2_000);
    r.terminal.intent({ type: 'rate', level: 4 });
    const { facts, records } = stored(r, res.body.id);
    expect(facts).toEqual({
      serviceNumber: 1,
      proStatus: '3',
      acceptDate: null,
      serviceTime: cstDateTime(openedAt),
      taskHandleItem: null,
    });
    const [record] = records;
    expect(record).toMatchObject({ serviceNumber: 1, proStatus: '3', serviceTime: cstDateTime(openedAt) });
    expect(record).not.toHaveProperty('acceptDate');
    expect(record).not.toHaveProperty('taskHandleItem');
    expect(serviceFactsOf(record as RatingRecord)).toMatchObject({ acceptDate: '', taskHandleItem: null });
  });

  it('gives INVITE prompts (the clerk’s key) the defaults', async () => {
    const { r, clock } = await serving();
    const openedAt = clock.now();
    r.terminal.inviteKey();
    expect(r.terminal.view().screen.kind).toBe('rate');
    clock.advance(1_000);
    r.terminal.intent({ type: 'rate', level: 5 });
    const db = new Database(join(r.dir, 'terminal.db'), { readonly: true });
    const [facts, body] = db
      .prepare('SELECT p.facts, r.body FROM prompts p JOIN records r ON r.prompt_id = p.id')
      .raw()
      .get() as [string, string];
    db.close();
    expect(JSON.parse(facts)).toEqual({
      serviceNumber: 1,
      proStatus: '3',
      acceptDate: null,
      serviceTime: cstDateTime(openedAt),
      taskHandleItem: null,
    });
    expect(JSON.parse(body)).toMatchObject({
      serviceNumber: 1,
      proStatus: '3',
      serviceTime: cstDateTime(openedAt),
    });
  });

  it('refuses each broken fact with 400, naming the field, and opens nothing', async () => {
    const { r } = await serving();
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ serviceNumber: 0 }, 'serviceNumber', />= 1/],
      [{ serviceNumber: 1.5 }, 'serviceNumber', /whole number/],
      [{ serviceNumber: '1' }, 'serviceNumber', /whole number/],
      [{ proStatus: '4' }, 'proStatus', /one of: 1, 2, 3/],
      [{ proStatus: 3 }, 'proStatus', /must be a string/],
      [{ acceptDate: '2026-02-30 10:00:00' }, 'acceptDate', /real date and time, yyyy-MM-dd HH:mm:ss/],
      [{ acceptDate: '2026-09-01T08:30:00' }, 'acceptDate', /real date and time/],
      [{ acceptDate: '' }, 'acceptDate', /real date and time/],
      [{ serviceTime: '2026-02-30 10:00:00' }, 'serviceTime', /real date and time/],
      [{ serviceTime: '2026-11-29 24:00:00' }, 'serviceTime', /real date and time/],
      [{ serviceTime: 1_790_000_000 }, 'serviceTime', /must be a string/],
      [{ taskHandleItem: 'x'.repeat(65) }, 'taskHandleItem', /at most 64 characters/],
      [{ taskHandleItem: 'a\u0007b' }, 'taskHandleItem', /not allowed/],
    ];
    for (const [fields, field, problem] of cases) {
      const res = await answered(r.client.POST('/v1/prompts', { body: promptJson(fields) }));
      expect(res.status, JSON.stringify(fields)).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
      const details = res.body.error.details as { field: string; problem: string }[];
      expect(details, JSON.stringify(fields)).toContainEqual({
        field,
        problem: expect.stringMatching(problem),
      });
      expect(details.every((d) => d.field === field)).toBe(true);
    }
    expect(r.terminal.view().screen.kind).toBe('idle');
    // 64 characters (code points, not bytes) is still fine.
    const ok = await answered(
      r.client.POST('/v1/prompts', { body: promptJson({ taskHandleItem: '办'.repeat(64) }) }),
    );
    expect(ok.status).toBe(201);
  });
});

describe('serviceTime against the terminal’s clock', () => {
  it('takes one up to 5 minutes ahead and refuses one a second later (400)', async () => {
    const { r, clock } = await serving();
    const late = await answered(
      r.client.POST('/v1/prompts', { body: promptJson({ serviceTime: cstDateTime(clock.now() + 301_000) }) }),
    );
    expect(late.status).toBe(400);
    expect(late.body.error).toMatchObject({
      code: 'invalid_request',
      details: [{ field: 'serviceTime', problem: expect.stringMatching(/more than 5 minutes ahead/) }],
    });
    expect(r.terminal.view().screen.kind).not.toBe('rate');

    const atBound = await answered(
      r.client.POST('/v1/prompts', { body: promptJson({ serviceTime: cstDateTime(clock.now() + 300_000) }) }),
    );
    expect(atBound.status).toBe(201);
  });

  it('is a 400 before the state is looked at (the contract’s order: 400 before 409)', async () => {
    const { r, clock } = await serving();
    expect((await answered(r.client.POST('/v1/prompts', { body: promptJson() }))).status).toBe(201);
    const res = await answered(
      r.client.POST('/v1/prompts', {
        body: promptJson({ transactionId: 'TX-2', serviceTime: cstDateTime(clock.now() + 3_600_000) }),
      }),
    );
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([
      { field: 'serviceTime', problem: expect.stringMatching(/more than 5 minutes ahead/) },
    ]);
  });

  it('a rating given before serviceTime is committed, sent at serviceTime, flagged clock_skew and logged', async () => {
    const { r, clock, lines } = await serving();
    const serviceAt = clock.now() + 120_000;
    const res = await answered(
      r.client.POST('/v1/prompts', { body: promptJson({ serviceTime: cstDateTime(serviceAt) }) }),
    );
    expect(res.status).toBe(201);
    clock.advance(5_000);
    r.terminal.intent({ type: 'rate', level: 2 });
    r.terminal.intent({ type: 'submit_reasons' });

    const prompt = await answered(
      r.client.GET('/v1/prompts/{id}', { params: { path: { id: res.body.id } } }),
    );
    expect(prompt.body.status).toBe('rated');
    const [record] = stored(r, res.body.id).records;
    expect(record?.flags).toEqual(['clock_skew']);
    expect(serviceFactsOf(record as RatingRecord).assessTime).toBe(cstDateTime(serviceAt));
    // Final and queued for the platform like any other: never held.
    expect((await answered(r.client.GET('/v1/health'))).body.queue).toEqual({ pending: 1, rejected: 0 });

    const skew = lines.filter((l) => l.event === 'clock_skew');
    expect(skew).toEqual([
      {
        level: 'warn',
        event: 'clock_skew',
        fields: expect.objectContaining({
          promptId: res.body.id,
          serviceTime: cstDateTime(serviceAt),
          aheadSeconds: 115,
        }),
      },
    ]);
    expect(lines.find((l) => l.event === 'rating_committed')?.fields.flags).toEqual(['clock_skew']);
    // Nothing in the skew line tells how the citizen rated.
    expect(Object.keys(skew[0]?.fields ?? {}).sort()).toEqual([
      'aheadSeconds',
      'message',
      'promptId',
      'serviceTime',
    ]);

    expect(r.terminal.clockSkew()).toEqual({
      ratings: 1,
      last: { promptId: res.body.id, ratedAt: clock.now(), serviceTime: cstDateTime(serviceAt) },
    });
  });
});
