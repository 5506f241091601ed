// The fleet reporter against a real Mosquitto: retained availability and state, state
// changes and 差评 events in time, what never goes on the bus, a line cut and a broker
// restarted, and a broker that never answers (ratings must not slow down).
import { describe, expect, it } from 'vitest';
import { maskIdNumber, maskName, maskPhone } from '../../../src/core/mask.js';
import { NO_REASON_NOTE } from '../../../src/core/reasons.js';
import { median } from '../../bench/format.js';
import { waitFor } from '../../helpers/cli.js';
import { clerk, request } from '../../helpers/core-fixture.js';
import { json, Recorder, type Seen, startBroker, text } from '../../helpers/mosquitto.js';
import { BASE, blackHole, fleetRig, LineProxy, section } from './rig.js';

const STATE_KEYS = [
  'terminalId',
  'hallId',
  'windowNo',
  'mode',
  'version',
  'clerk',
  'keypad',
  'store',
  'platform',
  'prompt',
  'training',
  'at',
];
const BAD_RATING_KEYS = [
  'type',
  'eventId',
  'level',
  'evalDetail',
  'windowNo',
  'clerkId',
  'deptCode',
  'deptName',
  'taskName',
  'training',
  'at',
];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const CST = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

const on = (topic: string) => (m: Seen) => m.topic === `${BASE}/${topic}`;
const isState = (test: (s: Record<string, unknown>) => boolean) => (m: Seen) =>
  on('state')(m) && test(json(m));
const isEvent = (type: string) => (m: Seen) => on('events')(m) && json(m).type === type;

describe('fleet reporter on a real Mosquitto', () => {
  it('publishes availability and state retained, in the contract shape', async () => {
    const broker = await startBroker();
    const rig = fleetRig(section(broker.url));
    // A console that subscribes later still gets both: they are retained.
    const early = await Recorder.on(broker);
    await early.next((m) => on('availability')(m) && text(m) === 'online', 'online');
    const late = await Recorder.on(broker);
    const online = await late.next(on('availability'), 'retained availability');
    expect(online.retain).toBe(true);
    expect(text(online)).toBe('online');
    const state = await late.next(on('state'), 'retained state');
    expect(state.retain).toBe(true);
    const body = json(state);
    expect(Object.keys(body)).toEqual(STATE_KEYS);
    expect(body).toMatchObject({
      terminalId: 'HA-0001',
      hallId: '350521',
      windowNo: '12',
      mode: 'counter',
      version: '0.0.0-test',
      clerk: { id: clerk.id, name: clerk.name, status: 'serving' },
      keypad: 'none',
      store: 'ok',
      platform: { state: 'unconfigured', queued: 0, rejected: 0, oldestQueuedAt: null },
      prompt: 'none',
      training: false,
    });
    expect(Object.keys(body.clerk as object)).toEqual(['id', 'name', 'status']);
    expect(body.at).toMatch(CST);
    expect(rig.fleet.connected).toBe(true);
  });

  it('republishes state within 1 s of a change: clerk, prompt, keypad, queue', async () => {
    const broker = await startBroker();
    const rec = await Recorder.on(broker);
    const rig = fleetRig(section(broker.url));
    await rec.next(
      isState((s) => s.clerk !== null),
      'the first state',
    );

    const within1s = async (act: () => void, test: (s: Record<string, unknown>) => boolean, what: string) => {
      const from = rec.seen.length;
      const t0 = performance.now();
      act();
      const m = await rec.next(isState(test), what, 20_000, from);
      expect(m.at - t0, what).toBeLessThan(1000);
      return json(m);
    };

    await within1s(
      () => rig.terminal.setClerkStatus('paused'),
      (s) => (s.clerk as any)?.status === 'paused',
      'paused',
    );
    await within1s(
      () => rig.terminal.setClerkStatus('serving'),
      (s) => (s.clerk as any)?.status === 'serving',
      'serving',
    );
    await within1s(
      () => rig.terminal.openPrompt(request({ transactionId: 'TX-STATE' })),
      (s) => s.prompt === 'open',
      'prompt open',
    );
    // A rating queues a record: the queue and its oldest time show.
    const rated = await within1s(
      () => rig.terminal.intent({ type: 'rate', level: 5 }),
      (s) => s.prompt === 'none' && (s.platform as any).queued === 1,
      'rated and queued',
    );
    expect((rated.platform as any).oldestQueuedAt).toMatch(CST);
    await within1s(
      () => rig.terminal.keypadStatus('offline', null),
      (s) => s.keypad === 'offline',
      'keypad',
    );
    await within1s(
      () => rig.terminal.signOut(),
      (s) => s.clerk === null,
      'signed out',
    );
  });

  it('tells a 差评 within 2 s of becoming final: once per department, codes only, no ids', async () => {
    const broker = await startBroker();
    const rec = await Recorder.on(broker);
    const rig = fleetRig(section(broker.url));
    await rec.next(on('state'), 'the first state');
    const t0 = performance.now();
    rig.rate(2, { reasons: ['207', '209'], tx: 'TX-SECRET-42' });
    const m = await rec.next(isEvent('bad_rating'), 'bad_rating');
    expect(m.at - t0).toBeLessThan(2000);
    expect(m.retain).toBe(false);
    const e = json(m);
    expect(Object.keys(e)).toEqual(BAD_RATING_KEYS);
    expect(e).toMatchObject({
      type: 'bad_rating',
      level: 2,
      evalDetail: '207,209',
      windowNo: '12',
      clerkId: clerk.id,
      deptCode: 'D-MKT',
      deptName: '县市场监管局',
      taskName: '个体工商户登记',
      training: false,
    });
    expect(e.eventId).toMatch(UUID);
    expect(e.at).toMatch(CST);
    expect(text(m)).not.toContain('TX-SECRET-42');

    // Rated overall in a parallel prompt: one event per department.
    const from = rec.seen.length;
    rig.terminal.openPrompt(
      request({
        transactionId: 'TX-PAR',
        mode: 'parallel',
        departments: [
          { code: 'D-MKT', name: '县市场监管局' },
          { code: 'D-TAX', name: '县税务局' },
        ],
      }),
    );
    rig.terminal.intent({ type: 'choose_scope', scope: 'overall' });
    rig.terminal.intent({ type: 'rate', level: 1 });
    rig.terminal.intent({ type: 'submit_reasons' });
    await rec.next(
      (x) => isEvent('bad_rating')(x) && json(x).deptCode === 'D-TAX',
      'second department',
      20_000,
      from,
    );
    const both = rec.seen.slice(from).filter(isEvent('bad_rating')).map(json);
    expect(both.map((x) => x.deptCode).sort()).toEqual(['D-MKT', 'D-TAX']);
    expect(both.map((x) => x.deptName).sort()).toEqual(['县市场监管局', '县税务局']);
    // A fresh id for each event, derived from nothing the rating holds: no two alike.
    const ids = [e, ...both].map((x) => x.eventId as string);
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) expect(id).toMatch(UUID);
    expect(both.every((x) => x.level === 1 && x.evalDetail === '')).toBe(true);
    // A good rating is no event.
    rig.rate(5);
    rig.terminal.signOut();
    await rec.nextNew(
      isState((s) => s.clerk === null),
      'signed out',
    );
    expect(rec.seen.filter(isEvent('bad_rating'))).toHaveLength(3);
  });

  it('sends no bad_rating with badRatingEvents: false, and marks a training terminal’s as training', async () => {
    const broker = await startBroker();
    const rec = await Recorder.on(broker);
    const off = fleetRig(section(broker.url, { badRatingEvents: false }));
    await rec.next(on('state'), 'the first state');
    off.rate(1, { reasons: ['108'] });
    off.terminal.signOut();
    // Events go out before the settled state on the same connection: none came before it.
    await rec.nextNew(
      isState((s) => s.clerk === null),
      'signed out',
    );
    expect(rec.seen.filter((m) => m.topic.endsWith('/events'))).toEqual([]);
    await off.fleet.stop();

    const training = fleetRig(section(broker.url), { training: true, terminalId: 'HA-0002' });
    const t = await rec.next(
      (m) => m.topic === 'hcp/350521/HA-0002/state' && json(m).training === true,
      'training state',
    );
    expect(json(t).platform).toMatchObject({ state: 'unconfigured', queued: 0 });
    training.rate(2, { reasons: ['207'] });
    const e = await rec.next((m) => m.topic === 'hcp/350521/HA-0002/events', 'training event');
    expect(json(e)).toMatchObject({ type: 'bad_rating', training: true });
  });

  it('tells a store fault and a paused platform as they begin, once each', async () => {
    const broker = await startBroker();
    const rec = await Recorder.on(broker);
    const rig = fleetRig(section(broker.url), { storeFailsFirst: true });
    const fault = await rec.next(isEvent('store_fault'), 'store_fault');
    expect(Object.keys(json(fault))).toEqual(['type', 'at']);
    await rec.next(
      isState((s) => s.store === 'fault'),
      'state with the store at fault',
    );
    // The engine tries again every 2 s, and the store opens.
    await rec.next(
      isState((s) => s.store === 'ok'),
      'the store back',
      30_000,
    );

    rig.terminal.platformStatus('auth_failed', 0, 0);
    const paused = await rec.next(isEvent('platform_paused'), 'platform_paused');
    expect(json(paused)).toEqual({
      type: 'platform_paused',
      state: 'auth_failed',
      at: expect.stringMatching(CST),
    });
    await rec.next(
      isState((s) => (s.platform as any).state === 'auth_failed'),
      'state shows it',
    );
    // Still paused (its queue changed): no second event. The keypad change makes a state to wait for.
    rig.terminal.platformStatus('auth_failed', 1, 0);
    rig.terminal.keypadStatus('offline', null);
    await rec.next(
      isState((s) => s.keypad === 'offline'),
      'the next state',
    );
    expect(rec.seen.filter(isEvent('platform_paused'))).toHaveLength(1);
    rig.terminal.platformStatus('online', 0, 0);
    await rec.next(
      isState((s) => (s.platform as any).state === 'online'),
      'online again',
    );
    expect(rec.seen.filter(isEvent('platform_paused'))).toHaveLength(1);
    expect(rec.seen.filter(isEvent('store_fault'))).toHaveLength(1);
  });

  it('puts no personal data, no words and no ids on the bus, and levels only in bad_rating', async () => {
    const broker = await startBroker();
    const rec = await Recorder.on(broker);
    const rig = fleetRig(section(broker.url));
    await rec.next(on('state'), 'the first state');
    const citizen = {
      name: '陈美英',
      idNumber: '350521199001011234',
      phone: '13905951234',
      type: 1 as const,
    };
    const promptIds: string[] = [];
    rig.terminal.subscribe({ prompt: (id) => promptIds.push(id) });
    rig.rate(5, { citizen, realName: true, tx: 'TX-PRIV-1' });
    rig.rate(1, { citizen, realName: true, tx: 'TX-PRIV-2' }); // no reason: the terminal notes 未选择差评原因
    rig.rate(2, { citizen, realName: true, reasons: ['213'], tx: 'TX-PRIV-3' });
    rig.rate(3, { citizen, realName: false, tx: 'TX-PRIV-4' });
    rig.terminal.signOut();
    await rec.nextNew(
      isState((s) => s.clerk === null),
      'signed out',
    );
    expect(rec.seen.filter(isEvent('bad_rating'))).toHaveLength(2);

    const bus = Buffer.concat(rec.seen.flatMap((m) => [Buffer.from(m.topic), m.payload])).toString('utf8');
    const forbidden = [
      citizen.name,
      '美英',
      '陈美',
      maskName(citizen.name),
      citizen.idNumber,
      maskIdNumber(citizen.idNumber),
      citizen.phone,
      maskPhone(citizen.phone),
      NO_REASON_NOTE,
      'TX-PRIV',
      ...new Set(promptIds),
    ];
    expect(promptIds.length).toBeGreaterThan(0);
    for (const f of forbidden) expect(bus, f).not.toContain(f);
    for (const m of rec.seen) {
      if (m.topic.endsWith('/availability')) {
        expect(['online', 'offline']).toContain(text(m));
        continue;
      }
      // The hourly counts (test/integration/fleet/stats.test.ts): a day's rows, or empty to clear one.
      if (m.topic.startsWith(`${BASE}/stats/`)) {
        if (m.payload.length > 0)
          expect(Object.keys(json(m))).toEqual(['terminalId', 'hallId', 'windowNo', 'day', 'rows', 'at']);
        continue;
      }
      const body = json(m);
      if (body.type === 'bad_rating') expect(Object.keys(body)).toEqual(BAD_RATING_KEYS);
      else expect(JSON.stringify(body)).not.toMatch(/"level"|satisf|非常|不满意/);
    }
  });

  it('holds events while the line is cut, then sends availability, state, and the held events in order', async () => {
    const broker = await startBroker();
    const rec = await Recorder.on(broker);
    const proxy = await LineProxy.start(broker.port);
    const rig = fleetRig(section(`mqtt://127.0.0.1:${proxy.port}`, { keepaliveSeconds: 5 }));
    await rec.next((m) => on('availability')(m) && text(m) === 'online', 'online');
    proxy.cut();
    // The will: the broker saw the terminal vanish.
    await rec.next((m) => on('availability')(m) && text(m) === 'offline', 'the will');
    await waitFor(() => !rig.fleet.connected, 'the reporter to notice');
    rig.rate(2, { reasons: ['207'] });
    rig.rate(1, { reasons: ['108'] });
    rig.rate(2, { reasons: ['209'] });
    const from = rec.seen.length;
    proxy.restore();
    await rec.next(
      (m) => isEvent('bad_rating')(m) && json(m).evalDetail === '209',
      'the last held event',
      60_000,
      from,
    );
    await rec.barrier();
    // The hourly counts come last, after the held events.
    const all = rec.seen.slice(from).filter((m) => !m.topic.startsWith('test-barrier/'));
    const firstStats = all.findIndex((m) => m.topic.includes('/stats/'));
    expect(firstStats).toBeGreaterThanOrEqual(5);
    const after = all.filter((m) => !m.topic.includes('/stats/'));
    expect(after.map((m) => m.topic.split('/').pop())).toEqual([
      'availability',
      'state',
      'events',
      'events',
      'events',
    ]);
    expect(text(after[0] as Seen)).toBe('online');
    expect(after.slice(2).map((m) => json(m).evalDetail)).toEqual(['207', '108', '209']);
    // Held events keep the time they happened, earlier than the state published on reconnect.
    const stateAt = json(after[1] as Seen).at as string;
    for (const m of after.slice(2)) expect((json(m).at as string) <= stateAt).toBe(true);
  });

  it('comes back after the broker restarts (nothing retained survives it): online and state again', async () => {
    const broker = await startBroker();
    const rig = fleetRig(section(broker.url));
    const before = await Recorder.on(broker);
    await before.next(on('state'), 'the first state');
    await broker.restart();
    await waitFor(() => !rig.fleet.connected, 'the reporter to notice', 20_000);
    const rec = await Recorder.on(broker);
    // Persistence is off: anything this subscriber sees, the terminal published anew.
    // Arriving is the proof: rec.next waits for the message itself.
    await rec.next((m) => on('availability')(m) && text(m) === 'online', 'online again', 60_000);
    await rec.next(on('state'), 'state again', 60_000);
    await waitFor(() => rig.fleet.connected, 'connected');
    rig.rate(2, { reasons: ['210'] });
    expect(json(await rec.next(isEvent('bad_rating'), 'an event after the restart')).evalDetail).toBe('210');
  });

  it('does not slow a rating when the "broker" takes the connection and never answers', async () => {
    const hole = await blackHole();
    const plain = fleetRig(null, { terminalId: 'HA-0010' });
    const hung = fleetRig(section(`mqtt://127.0.0.1:${hole.port}`), { terminalId: 'HA-0011' });
    await waitFor(() => hole.accepted() > 0, 'the reporter to connect to the silent broker');
    const timeOf = (rig: typeof plain, i: number) => {
      rig.terminal.openPrompt(request({ transactionId: `TX-HOLE-${rig.terminal.config.terminalId}-${i}` }));
      rig.terminal.intent({ type: 'rate', level: 2 });
      rig.terminal.intent({ type: 'toggle_reason', code: '207' });
      const t0 = performance.now();
      rig.terminal.intent({ type: 'submit_reasons' }); // the 差评 becomes final: committed on return
      return performance.now() - t0;
    };
    const without: number[] = [];
    const withHung: number[] = [];
    for (let i = 0; i < 40; i++) {
      // Interleaved, so a busy moment of the machine falls on both alike.
      without.push(timeOf(plain, i));
      withHung.push(timeOf(hung, i));
      await new Promise((r) => setImmediate(r));
    }
    expect(hung.fleet.connected).toBe(false);
    expect(hung.terminal.health().queue?.pending).toBe(40);
    // The reporter only queues: a commit with it is no slower than one without.
    expect(median(withHung)).toBeLessThan(median(without) * 2);
  });
});
