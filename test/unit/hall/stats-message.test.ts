// The hourly counts as the console reads them: the contract's example passes; every
// other shape, a bound overstepped or a topic that names another hall, terminal or day
// is refused with a reason; no bytes at all can make the reader throw.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../../src/hall/wire/messages.js';
import { checkStats, MAX_STATS_BYTES, MAX_STATS_ROWS } from '../../../src/hall/wire/stats-message.js';

const HALL = '350521';
const TOPIC = `hcp/${HALL}/HA-0001/stats/2026-11-29`;

/** The contract's example, word for word. */
const EXAMPLE = {
  terminalId: 'HA-0001',
  hallId: '350521',
  windowNo: '12',
  day: '2026-11-29',
  rows: [
    {
      hour: '09',
      clerkId: '0427',
      deptCode: '11350521MB0000000X',
      deptName: '县市场监督管理局',
      taskCode: '001008001000',
      taskName: '食品经营许可',
      levels: { '5': 3, '4': 1, '3': 0, '2': 0, '1': 1 },
      reasons: { '115': 1 },
      declined: 0,
      expired: 1,
      source: { api: 6, gwq: 0, invite: 0 },
    },
  ],
  at: '2026-11-29 10:00:12',
};

const parse = (payload: unknown, topic = TOPIC) =>
  parseMessage(
    'hcp',
    HALL,
    topic,
    Buffer.isBuffer(payload)
      ? payload
      : Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)),
  );
const row = (over: Record<string, unknown>) => ({ ...EXAMPLE, rows: [{ ...EXAMPLE.rows[0], ...over }] });

describe('stats messages', () => {
  it('take the contract example, with a digest of its bytes', () => {
    const r = parse(EXAMPLE);
    expect(r).toMatchObject({ ok: true, message: { kind: 'stats', terminalId: 'HA-0001', stats: EXAMPLE } });
    if (r.ok && r.message.kind === 'stats') expect(r.message.digest).toMatch(/^[0-9a-f]{64}$/);
    // A GWQ prompt with no department; a kiosk with no clerk; no rows at all.
    expect(parse(row({ deptCode: '', deptName: '', clerkId: '' })).ok).toBe(true);
    expect(parse({ ...EXAMPLE, rows: [] }).ok).toBe(true);
  });

  it('read an empty retained message as a day cleared on the broker, not as an error', () => {
    expect(parse('')).toEqual({
      ok: true,
      message: { kind: 'stats_cleared', terminalId: 'HA-0001', day: '2026-11-29' },
    });
  });

  it('refuse a topic or payload that names another hall, terminal or day', () => {
    expect(parse({ ...EXAMPLE, hallId: '350522' })).toEqual({ ok: false, reason: 'mismatch' });
    expect(parse({ ...EXAMPLE, terminalId: 'HA-0002' })).toEqual({ ok: false, reason: 'mismatch' });
    expect(parse({ ...EXAMPLE, day: '2026-11-28' })).toEqual({ ok: false, reason: 'mismatch' });
    expect(parse(EXAMPLE, `hcp/${HALL}/HA-0001/stats/2026-02-30`)).toEqual({ ok: false, reason: 'topic' });
    expect(parse(EXAMPLE, `hcp/${HALL}/HA-0001/stats/20261129`)).toEqual({ ok: false, reason: 'topic' });
    expect(parse(EXAMPLE, `hcp/${HALL}/HA-0001/stats/2026-11-29/x`)).toEqual({ ok: false, reason: 'topic' });
    expect(parse(EXAMPLE, `hcp/${HALL}/HA-0001/stats`)).toEqual({ ok: false, reason: 'topic' });
  });

  it('refuse what is not the contract shape, or past its bounds', () => {
    const shapes: unknown[] = [
      { ...EXAMPLE, extra: 1 },
      row({ hour: '24' }),
      row({ hour: 9 }),
      row({ levels: { '5': 3, '4': 1, '3': 0, '2': 0 } }),
      row({ levels: { '5': -1, '4': 1, '3': 0, '2': 0, '1': 0 } }),
      row({ levels: { '5': 1.5, '4': 1, '3': 0, '2': 0, '1': 0 } }),
      row({ levels: { '5': 1e9, '4': 1, '3': 0, '2': 0, '1': 0 } }),
      row({ reasons: { '<b>': 1 } }),
      row({ reasons: { '115': '1' } }),
      row({ source: { api: 1, gwq: 0 } }),
      row({ deptName: 'x'.repeat(201) }),
      row({ note: 'a comment' }),
      { ...EXAMPLE, at: '2026-11-29T10:00:12' },
      { ...EXAMPLE, day: '2026-11-31' },
      { ...EXAMPLE, rows: [EXAMPLE.rows[0], EXAMPLE.rows[0]] }, // one key twice
      [],
      ['text'],
    ];
    for (const s of shapes)
      expect(parse(s), JSON.stringify(s).slice(0, 80)).toEqual({ ok: false, reason: 'shape' });
    expect(parse(Buffer.alloc(MAX_STATS_BYTES + 1, 0x20))).toEqual({ ok: false, reason: 'too_big' });
    expect(parse('{"rows":')).toEqual({ ok: false, reason: 'not_json' });
    expect(parse(Buffer.from([0x7b, 0xc3, 0x28, 0x7d]))).toEqual({ ok: false, reason: 'not_utf8' });
  });

  it('take as many rows as fit in 256 KiB, and never more than 2 000', () => {
    // The two bounds of the contract: a row of its keys is some 190 bytes even with empty
    // names, so 256 KiB holds about 1 350 of them; the row bound is checked all the same.
    const compact = (i: number) => ({
      ...EXAMPLE.rows[0],
      hour: String(i % 24).padStart(2, '0'),
      clerkId: String(Math.floor(i / 24)),
      deptCode: '',
      deptName: '',
      taskCode: '',
      taskName: '',
      reasons: {},
    });
    let n = 1000;
    while (
      Buffer.byteLength(
        JSON.stringify({ ...EXAMPLE, rows: Array.from({ length: n + 1 }, (_, i) => compact(i)) }),
      ) <= MAX_STATS_BYTES
    )
      n++;
    expect(n).toBeGreaterThan(1200);
    expect(n).toBeLessThan(MAX_STATS_ROWS);
    expect(parse({ ...EXAMPLE, rows: Array.from({ length: n }, (_, i) => compact(i)) }).ok).toBe(true);
    expect(parse({ ...EXAMPLE, rows: Array.from({ length: n + 1 }, (_, i) => compact(i)) })).toEqual({
      ok: false,
      reason: 'too_big',
    });
    const tooMany = { ...EXAMPLE, rows: Array.from({ length: MAX_STATS_ROWS + 1 }, (_, i) => compact(i)) };
    expect(checkStats(tooMany, HALL, 'HA-0001', '2026-11-29')).toEqual({ ok: false, reason: 'shape' });
    expect(checkStats({ ...tooMany, rows: tooMany.rows.slice(1) }, HALL, 'HA-0001', '2026-11-29').ok).toBe(
      true,
    );
  });

  it('never throw, whatever the bytes or the JSON', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.string({ maxLength: 30 }), (bytes, day) => {
        parse(Buffer.from(bytes), `hcp/${HALL}/HA-0001/stats/${day}`);
      }),
    );
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(parse(Buffer.from(JSON.stringify(value))).ok).toBe(false);
        parse({ ...EXAMPLE, rows: [value] });
      }),
    );
  });
});
