// The console's reading of the bus: exactly the contract's shapes pass, anything else is
// refused with a reason, and no bytes at all can make it throw.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_PAYLOAD_BYTES, parseMessage } from '../../../src/hall/wire/messages.js';
import { stateReport } from '../../helpers/hall-state.js';

const HALL = '350521';
const T = `hcp/${HALL}/HA-0001`;
const bytes = (text: string) => Buffer.from(text, 'utf8');

const STATE = stateReport({ hallId: HALL });
const BAD = {
  type: 'bad_rating',
  level: 2,
  evalDetail: 'D01,D02',
  windowNo: '12',
  clerkId: '0427',
  deptCode: '11350521MB0001',
  taskName: '食品经营许可',
  training: false,
  at: '2026-11-29 14:31:05',
};

const parse = (part: string, payload: unknown, topic = `${T}/${part}`) =>
  parseMessage(
    'hcp',
    HALL,
    topic,
    typeof payload === 'string' ? bytes(payload) : bytes(JSON.stringify(payload)),
  );

describe('parseMessage', () => {
  it('takes the contract examples', () => {
    expect(parse('availability', 'online')).toEqual({
      ok: true,
      message: { kind: 'availability', terminalId: 'HA-0001', value: 'online' },
    });
    expect(parse('availability', 'offline').ok).toBe(true);
    expect(parse('state', STATE)).toMatchObject({ ok: true, message: { kind: 'state', state: STATE } });
    expect(parse('events', BAD)).toMatchObject({ ok: true, message: { kind: 'event', event: BAD } });
    expect(parse('events', { type: 'store_fault', at: '2026-11-29 14:31:05' }).ok).toBe(true);
    expect(
      parse('events', { type: 'platform_paused', state: 'auth_failed', at: '2026-11-29 14:31:05' }).ok,
    ).toBe(true);
    // A kiosk: no clerk, something queued with its oldest time.
    const kiosk = {
      ...STATE,
      mode: 'kiosk',
      clerk: null,
      platform: { state: 'offline', queued: 3, rejected: 0, oldestQueuedAt: '2026-11-29 13:00:00' },
    };
    expect(parse('state', kiosk).ok).toBe(true);
  });

  it('reads a zero-length retained message as the topic cleared', () => {
    expect(parse('state', '')).toEqual({
      ok: true,
      message: { kind: 'cleared', terminalId: 'HA-0001', part: 'state' },
    });
    expect(parse('events', '')).toEqual({ ok: false, reason: 'not_json' });
  });

  const refusals: [string, string, unknown, string?][] = [
    ['not_json', 'state', '{"terminalId":'],
    ['not_json', 'events', 'online'],
    ['shape', 'availability', 'ONLINE'],
    ['shape', 'availability', '"online"'],
    ['shape', 'state', { ...STATE, extra: 1 }],
    ['shape', 'state', { ...STATE, keypad: 'unplugged' }],
    ['shape', 'state', { ...STATE, platform: { ...STATE.platform, queued: '0' } }],
    ['shape', 'state', { ...STATE, platform: { ...STATE.platform, queued: -1 } }],
    ['shape', 'state', { ...STATE, platform: { ...STATE.platform, queued: 2 } }], // oldestQueuedAt must be set
    ['shape', 'state', { ...STATE, training: 'false' }],
    ['shape', 'state', { ...STATE, at: '2026-11-29T14:30:00+08:00' }],
    ['shape', 'state', { ...STATE, clerk: { ...STATE.clerk, name: 'x'.repeat(201) } }],
    ['shape', 'state', []],
    ['shape', 'state', null],
    ['shape', 'events', { ...BAD, level: 3 }],
    ['shape', 'events', { ...BAD, evalDetail: '<script>' }],
    ['shape', 'events', { ...BAD, promptId: 'P1' }], // no prompt or transaction id, ever
    ['shape', 'events', { type: 'rating', at: '2026-11-29 14:31:05' }],
    ['mismatch', 'state', { ...STATE, terminalId: 'HA-0002' }],
    ['mismatch', 'state', { ...STATE, hallId: '350522' }],
    ['topic', 'state', STATE, `hcp/${HALL}/HA 0001/state`],
    ['topic', 'state', STATE, `hcp/${HALL}/HA-0001/status`],
    ['topic', 'state', STATE, `hcp/350522/HA-0001/state`],
    ['topic', 'state', STATE, `hcp/${HALL}/HA-0001/state/more`],
    ['topic', 'state', STATE, `hcp/${HALL}/${'x'.repeat(65)}/state`],
  ];
  it.each(refusals)('refuses as %s: %s %j', (reason, part, payload, topic) => {
    expect(parse(part, payload, topic)).toEqual({ ok: false, reason });
  });

  it('refuses a huge payload unread and bytes that are not UTF-8', () => {
    const huge = Buffer.alloc(MAX_PAYLOAD_BYTES + 1, 0x20);
    expect(parseMessage('hcp', HALL, `${T}/state`, huge)).toEqual({ ok: false, reason: 'too_big' });
    expect(parseMessage('hcp', HALL, `${T}/state`, Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))).toEqual({
      ok: false,
      reason: 'not_utf8',
    });
  });

  it('never throws, whatever the topic and bytes', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 40 }),
        fc.constantFrom('availability', 'state', 'events'),
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }),
          fc.json().map((j) => bytes(j)),
          fc
            .record({ ...Object.fromEntries(Object.keys(STATE).map((k) => [k, fc.anything()])) })
            .map((r) => bytes(JSON.stringify({ ...STATE, ...r }) ?? '')),
        ),
        (id, part, payload) => {
          const result = parseMessage('hcp', HALL, `hcp/${HALL}/${id}/${part}`, payload);
          expect(typeof result.ok).toBe('boolean');
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('bad_rating with eventId and deptName', () => {
  const NOW = { ...BAD, eventId: '4f1c2d3e-9a8b-4c7d-8e6f-5a4b3c2d1e0f', deptName: '县市场监督管理局' };

  it('takes the contract shape as it is', () => {
    expect(parse('events', NOW)).toEqual({
      ok: true,
      message: { kind: 'event', terminalId: 'HA-0001', event: NOW },
    });
  });

  it("gives an older terminal's alert (no eventId, no deptName) an id of what it says, the same on redelivery", () => {
    const a = parse('events', BAD);
    const b = parse('events', BAD);
    const other = parse('events', { ...BAD, at: '2026-11-29 14:31:06' });
    const id = (r: ReturnType<typeof parse>) =>
      r.ok && r.message.kind === 'event' && r.message.event.type === 'bad_rating'
        ? r.message.event.eventId
        : null;
    expect(id(a)).toMatch(/^legacy-[0-9a-f]{32}$/);
    expect(id(a)).toBe(id(b));
    expect(id(other)).not.toBe(id(a));
    // Another terminal's identical words are another alert.
    expect(id(parse('events', BAD, `hcp/${HALL}/HA-0002/events`))).not.toBe(id(a));
  });

  it('refuses half of the new shape, and an id that is not one', () => {
    const { deptName: _d, ...noName } = NOW;
    const { eventId: _e, ...noId } = NOW;
    expect(parse('events', noName)).toEqual({ ok: false, reason: 'shape' });
    expect(parse('events', noId)).toEqual({ ok: false, reason: 'shape' });
    expect(parse('events', { ...NOW, eventId: '<img src=x>' })).toEqual({ ok: false, reason: 'shape' });
    expect(parse('events', { ...NOW, eventId: 'x'.repeat(65) })).toEqual({ ok: false, reason: 'shape' });
  });
});
