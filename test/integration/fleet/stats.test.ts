// The hourly counts (T/stats/{day}) from a terminal on a fake clock to a real Mosquitto:
// published a few seconds after each full hour with the finished hours only, equal to
// what the store holds (counted here independently of the terminal's queries), the same
// after a restart, 并联审批 per department, nothing from a training terminal, days past
// fleet.statsDays cleared, and the days a broker missed sent once it is back.
import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../../src/hall/wire/messages.js';
import { waitFor } from '../../helpers/cli.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { json, Recorder, type Seen, startBroker, text } from '../../helpers/mosquitto.js';
import { tempDir } from '../../helpers/temp.js';
import { BASE, LineProxy, section } from './rig.js';
import { cst, DAY, statsRig } from './stats-rig.js';
import type { ContractRow } from './store-counts.js';

const MESSAGE_KEYS = ['terminalId', 'hallId', 'windowNo', 'day', 'rows', 'at'];
const ROW_KEYS = [
  'hour',
  'clerkId',
  'deptCode',
  'deptName',
  'taskCode',
  'taskName',
  'levels',
  'reasons',
  'declined',
  'expired',
  'source',
];

const statsOf = (day: string) => (m: Seen) => m.topic === `${BASE}/stats/${day}`;
const published = (day: string, at: string) => (m: Seen) =>
  statsOf(day)(m) && m.payload.length > 0 && json(m).at === at;
const rowsOf = (m: Seen) => json(m).rows as ContractRow[];

const MKT = { code: 'D-MKT', name: '县市场监管局' };
/**
 * A GWQ prompt, as the GWQ listener opens it: its source says so (where the prompt
 * request has a source), and its id is the one only that listener makes (what a store
 * without a source column is told by).
 */
const GWQ = { source: 'gwq' } as Record<string, unknown>;
const TAX = { code: 'D-TAX', name: '县税务局' };

/** The retained messages under T/stats/ as a console connecting now would get them. */
async function retained(broker: Awaited<ReturnType<typeof startBroker>>): Promise<Map<string, Seen>> {
  const late = await Recorder.on(broker);
  const seen = await late.barrier();
  return new Map(
    seen
      .filter((m) => m.retain && m.topic.startsWith(`${BASE}/stats/`))
      .map((m) => [m.topic.split('/').pop() as string, m]),
  );
}

describe('hourly counts on a real Mosquitto', () => {
  it('after each full hour: the finished hours only, equal to the store; the same after a restart', async () => {
    const broker = await startBroker();
    const rec = await Recorder.on(broker, `${BASE}/stats/+`);
    const clock = new FakeClock(cst(9, 10));
    const dir = tempDir('hcp-stats-');
    const rig = statsRig(section(broker.url), clock, dir);
    // On connect: today's finished hours (none rated yet) and yesterday's.
    const first = await rec.next(statsOf(DAY), 'today on connect');
    expect(first.retain).toBe(false);
    expect(Object.keys(json(first))).toEqual(MESSAGE_KEYS);
    expect(json(first)).toMatchObject({ terminalId: 'HA-0001', hallId: '350521', windowNo: '12', rows: [] });
    await rec.next(statsOf('2026-11-28'), 'yesterday on connect');

    const t = rig.terminal;
    rig.rate(5);
    rig.rate(4);
    clock.advance(60_000);
    // 并联审批 rated overall: once for each department.
    rig.rate(3, { mode: 'parallel', departments: [MKT, TAX] });
    // Rated per department: each department its own level.
    t.openPrompt({ ...base('TX-PER-DEPT'), mode: 'parallel', departments: [MKT, TAX] });
    t.intent({ type: 'choose_scope', scope: 'department' });
    t.intent({ type: 'rate', level: 5 });
    t.intent({ type: 'rate', level: 1 });
    t.intent({ type: 'toggle_reason', code: '108' });
    t.intent({ type: 'submit_reasons' });
    // Declined: once for each department it asked about; expired; cancelled: not counted.
    t.openPrompt({ ...base('TX-DECLINED'), mode: 'parallel', departments: [MKT, TAX] });
    t.intent({ type: 'decline' });
    t.openPrompt(base('TX-EXPIRES'));
    clock.advance(61_000);
    const cancelled = t.openPrompt(base('TX-CANCELLED'));
    t.cancelPrompt(cancelled.promptId as string);
    // The clerk's INVITE key, and a GWQ prompt.
    t.inviteKey();
    t.intent({ type: 'rate', level: 4 });
    rig.rate(2, { ...GWQ, transactionId: 'GWQ-HA-0001-1', service: { code: 'S-2', name: '食品经营许可' } }, [
      '207',
    ]);
    // A 差评 given at 09:59:50 whose reasons are chosen after the full hour counts in hour 10.
    clock.advance(cst(9, 59, 50) - clock.now());
    t.openPrompt(base('TX-LATE-BAD'));
    t.intent({ type: 'rate', level: 2 });
    clock.advance(cst(10, 0, 15) - clock.now());
    const at10 = await rec.next(published(DAY, '2026-11-29 10:00:03'), 'the 10:00 message');
    t.intent({ type: 'toggle_reason', code: '209' });
    t.intent({ type: 'submit_reasons' });

    const rows10 = rowsOf(at10);
    expect(rows10.length).toBeGreaterThan(0);
    expect(rows10.every((r) => r.hour === '09')).toBe(true);
    for (const r of rows10) expect(Object.keys(r)).toEqual(ROW_KEYS);
    // The levels in the contract's order, 5 first (which a parsed object does not show).
    expect(text(at10)).toMatch(/"levels":\{"5":\d+,"4":\d+,"3":\d+,"2":\d+,"1":\d+\}/);
    expect(rows10).toEqual(rig.counts(DAY, cst(10)));
    const row = (dept: string, task = 'S-1') =>
      rows10.find((r) => r.deptCode === dept && r.taskCode === task && r.clerkId === '0107');
    // D-MKT: 5, 4 (single), 3 (overall), 5 (per department); declined once; expired once.
    expect(row('D-MKT')).toMatchObject({
      levels: { 5: 2, 4: 1, 3: 1, 2: 0, 1: 0 },
      declined: 1,
      expired: 1,
      source: { api: 6, gwq: 0, invite: 0 },
    });
    // D-TAX: 3 (overall), 1 with its reason (per department), declined once.
    expect(row('D-TAX')).toMatchObject({
      levels: { 5: 0, 4: 0, 3: 1, 2: 0, 1: 1 },
      reasons: { 108: 1 },
      declined: 1,
      expired: 0,
      source: { api: 3, gwq: 0, invite: 0 },
    });
    expect(row('D-MKT')?.reasons).toEqual({});
    // The INVITE key rates the clerk's department for the hall's own service.
    expect(row('D-TAX', '')).toMatchObject({ taskName: '窗口服务', levels: { 4: 1 }, source: { invite: 1 } });
    expect(rows10.filter((r) => r.source.gwq > 0)).toMatchObject([
      {
        deptCode: 'D-MKT',
        taskCode: 'S-2',
        reasons: { 207: 1 },
        levels: { 2: 1 },
        source: { gwq: 1, api: 0 },
      },
    ]);
    // Nothing of the hour still running, nor of the 差评 still on its reasons screen.
    expect(rows10.reduce((n, r) => n + (r.levels[2] ?? 0), 0)).toBe(1);

    clock.advance(cst(10, 30) - clock.now());
    rig.rate(5);
    clock.advance(cst(11, 0, 3) - clock.now());
    const at11 = rowsOf(await rec.next(published(DAY, '2026-11-29 11:00:03'), 'the 11:00 message'));
    expect(at11).toEqual(rig.counts(DAY, cst(11)));
    expect(at11.filter((r) => r.hour === '10')).toMatchObject([
      { deptCode: 'D-MKT', levels: { 5: 1, 4: 0, 3: 0, 2: 1, 1: 0 }, reasons: { 209: 1 } },
    ]);
    // The earlier hour's counts did not move.
    expect(at11.filter((r) => r.hour === '09')).toEqual(rows10);
    // Retained: a console that connects now gets the same.
    const kept = (await retained(broker)).get(DAY) as Seen;
    expect(kept.retain).toBe(true);
    expect(rowsOf(kept)).toEqual(at11);

    // A restarted terminal publishes the same counts from its store.
    await rig.stop();
    clock.advance(20 * 60_000);
    const again = statsRig(section(broker.url), clock, dir);
    const after = await rec.next(published(DAY, '2026-11-29 11:20:03'), 'today after the restart');
    expect(rowsOf(after)).toEqual(at11);
    expect(again.fleet).toBeDefined();
  });

  it('after midnight: the whole day before once more; days past fleet.statsDays cleared', async () => {
    const broker = await startBroker();
    const statsDays = 5;
    // What an earlier run left retained: 1, 4, 5, 20 and 40 days before 2026-11-29.
    const seed = await broker.client();
    const old = (age: number) => new Date(Date.UTC(2026, 10, 29 - age)).toISOString().slice(0, 10);
    for (const age of [1, 4, 5, 20, 40]) {
      await seed.publishAsync(`${BASE}/stats/${old(age)}`, `{"seeded":${age}}`, { qos: 1, retain: true });
    }
    const rec = await Recorder.on(broker, `${BASE}/stats/+`);
    const clock = new FakeClock(cst(23, 40));
    const rig = statsRig(section(broker.url, { statsDays }), clock, tempDir('hcp-stats-'));
    await rec.next(published(DAY, '2026-11-29 23:40:00'), 'today on connect');
    await waitFor(() => rec.seen.some((m) => statsOf(old(20))(m) && m.payload.length === 0), 'a cleared day');
    let onBroker = await retained(broker);
    // Ages 5 and 20 are out of the window: cleared. Age 40 is beyond the span a connect clears.
    expect([...onBroker.keys()].sort()).toEqual([old(40), old(4), old(1), DAY].sort());
    expect(text(onBroker.get(old(4)) as Seen)).toBe('{"seeded":4}');
    expect(json(onBroker.get(old(1)) as Seen).rows).toEqual([]);

    rig.rate(1, {}, ['108']);
    clock.advance(cst(0, 0, 3, 1) - clock.now());
    const day = await rec.next(published(DAY, '2026-11-30 00:00:03'), 'the day before, after midnight');
    expect(rowsOf(day)).toEqual(rig.counts(DAY, cst(0, 0, 0, 1)));
    expect(rowsOf(day)).toMatchObject([{ hour: '23', levels: { 1: 1 }, reasons: { 108: 1 } }]);
    await waitFor(() => rec.seen.some((m) => statsOf(old(4))(m) && m.payload.length === 0), 'age 5 cleared');
    onBroker = await retained(broker);
    // The new day has no finished hour yet: nothing published for it.
    expect([...onBroker.keys()].sort()).toEqual([old(40), old(1), DAY].sort());
  });

  it('a training terminal publishes no counts and clears nothing', async () => {
    const broker = await startBroker();
    const seed = await broker.client();
    await seed.publishAsync(`${BASE}/stats/2026-01-01`, '{"seeded":1}', { qos: 1, retain: true });
    const rec = await Recorder.on(broker);
    const clock = new FakeClock(cst(9, 30));
    const rig = statsRig(section(broker.url), clock, tempDir('hcp-stats-'), { training: true });
    await rec.next((m) => m.topic === `${BASE}/state`, 'the state');
    rig.rate(5);
    rig.rate(1, {}, ['108']);
    clock.advance(cst(12, 0, 30) - clock.now());
    // The 差评 alert is marked training, the counts are not sent at all.
    await rec.next((m) => m.topic === `${BASE}/events` && json(m).training === true, 'the training alert');
    const seen = await rec.barrier();
    expect(seen.filter((m) => m.topic.includes('/stats/') && !m.retain)).toEqual([]);
    expect([...(await retained(broker)).keys()]).toEqual(['2026-01-01']);
  });

  it('a kiosk counts clerk ""; days the broker missed are sent once it is back', async () => {
    const broker = await startBroker();
    const proxy = await LineProxy.start(broker.port);
    const rec = await Recorder.on(broker);
    const clock = new FakeClock(cst(9, 30));
    const rig = statsRig(section(`mqtt://127.0.0.1:${proxy.port}`), clock, tempDir('hcp-stats-'), {
      mode: 'kiosk',
    });
    await rec.next(statsOf(DAY), 'today on connect');
    proxy.cut();
    await waitFor(() => !rig.fleet.connected, 'the reporter to notice');
    rig.rate(2, {}, ['207']);
    // Two days pass without the broker: every hourly message fails to go.
    clock.advance(cst(8, 0, 0, 2) - clock.now());
    const from = rec.seen.length;
    proxy.restore();
    const missed = await rec.next(
      (m) => statsOf(DAY)(m) && m.payload.length > 0 && json(m).at === '2026-12-01 08:00:00',
      'the day the broker missed',
      60_000,
      from,
    );
    expect(rowsOf(missed)).toEqual(rig.counts(DAY, cst(0, 0, 0, 1)));
    expect(rowsOf(missed)).toMatchObject([
      { hour: '09', clerkId: '', levels: { 2: 1 }, reasons: { 207: 1 } },
    ]);
    await rec.next(statsOf('2026-11-30'), 'yesterday', 20_000, from);
    await rec.next(statsOf('2026-12-01'), 'today', 20_000, from);
    // The alert held while away says clerk "" too.
    const alert = await rec.next((m) => m.topic === `${BASE}/events`, 'the held alert', 20_000, from);
    expect(json(alert)).toMatchObject({ type: 'bad_rating', clerkId: '', evalDetail: '207' });
    // Everything the terminal put on the bus is what the hall console's own reader takes.
    for (const m of await rec.barrier()) {
      const parsed = parseMessage('hcp', '350521', m.topic, m.payload);
      expect(parsed, `${m.topic}: ${text(m).slice(0, 200)}`).toMatchObject({ ok: true });
    }
  });
});

function base(transactionId: string) {
  return {
    transactionId,
    service: { code: 'S-1', name: '个体工商户登记' },
    departments: [MKT],
    mode: 'single' as const,
    citizen: null,
  };
}
