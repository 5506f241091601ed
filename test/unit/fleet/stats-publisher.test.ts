// When the hourly counts are published, on a fake clock with a sink that records what
// it is handed (the real broker is in test/integration/fleet/stats.test.ts): within a
// minute after each full hour, for the finished hours only; the day before after
// midnight; a store that could not be read tried again; what a smaller statsDays clears.
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/base/logger.js';
import { CLEAR_SPAN, StatsPublisher, type StatsSink } from '../../../src/fleet/stats-publisher.js';
import { FakeClock } from '../../helpers/fake-clock.js';

const cst = (hh: number, mm = 0, ss = 0, day = 0) => Date.UTC(2026, 10, 29 + day, hh - 8, mm, ss);
const dayStart = (day = 0) => cst(0, 0, 0, day);

interface Sent {
  topic: string;
  payload: string;
  at: number;
}

function rig(options: { random?: number; statsDays?: number; failReads?: number } = {}) {
  const clock = new FakeClock(cst(9, 30));
  const asked: [number, number][] = [];
  const sent: Sent[] = [];
  let connected = true;
  let failReads = options.failReads ?? 0;
  const sink: StatsSink = {
    publishRetained(topic, payload, taken) {
      if (!connected) return false;
      sent.push({ topic, payload, at: clock.now() });
      taken();
      return true;
    },
  };
  const publisher = new StatsPublisher(
    {
      clock,
      counts: (from, to) => {
        asked.push([from, to]);
        return failReads-- > 0 ? null : [];
      },
      identity: () => ({ terminalId: 'HA-0001', hallId: '350521', windowNo: '12' }),
      log: silentLogger,
      random: () => options.random ?? 0,
    },
    { statsDays: options.statsDays ?? 62, retentionDays: 90 },
  );
  publisher.setSink(sink, (day) => `T/stats/${day}`, {
    statsDays: options.statsDays ?? 62,
    retentionDays: 90,
  });
  publisher.start();
  return {
    clock,
    asked,
    sent,
    publisher,
    sink,
    counts: () => sent.filter((s) => s.payload !== ''),
    cleared: () => sent.filter((s) => s.payload === '').map((s) => s.topic.split('/').pop()),
    setConnected: (c: boolean) => {
      connected = c;
    },
  };
}

describe('stats publisher', () => {
  it.each([0, 0.5, 0.9999])(
    'publishes within a minute after each full hour (spread %s), the finished hours only',
    (spread) => {
      const r = rig({ random: spread });
      r.clock.advance(cst(10) - r.clock.now());
      expect(r.sent).toEqual([]);
      r.clock.advance(60_000);
      expect(r.counts()).toHaveLength(1);
      const first = r.counts()[0] as Sent;
      expect(first.at).toBeGreaterThan(cst(10));
      expect(first.at).toBeLessThan(cst(10, 1));
      expect(first.topic).toBe('T/stats/2026-11-29');
      expect(r.asked).toEqual([[dayStart(), cst(10)]]);
      expect(JSON.parse(first.payload)).toMatchObject({ day: '2026-11-29', rows: [] });
      // And again an hour later, one message an hour.
      r.clock.advance(cst(11, 1) - r.clock.now());
      expect(r.counts()).toHaveLength(2);
      expect(r.asked[1]).toEqual([dayStart(), cst(11)]);
    },
  );

  it('after midnight publishes the whole day before, and nothing yet for the new day', () => {
    const r = rig();
    r.clock.advance(cst(23, 30) - r.clock.now());
    const clearedBefore = r.cleared().length;
    r.clock.advance(cst(0, 1, 0, 1) - r.clock.now());
    const last = r.asked[r.asked.length - 1];
    expect(last).toEqual([dayStart(), dayStart(1)]);
    expect(r.counts().at(-1)?.topic).toBe('T/stats/2026-11-29');
    expect(r.counts().some((s) => s.topic.endsWith('2026-11-30'))).toBe(false);
    // The day that has just left the 62-day window is cleared.
    expect(r.cleared().slice(clearedBefore)).toEqual(['2026-09-29']);
  });

  it('a machine that slept through midnight still publishes the day before in full', () => {
    const r = rig();
    // The timer comes late (a suspended machine): the clock is at 02:40 the next day when
    // it fires. FakeClock has no such move of its own: its time is set under it.
    (r.clock as unknown as { t: number }).t = cst(2, 40, 0, 1);
    r.clock.advance(1);
    // The armed timer was due long ago: it fires now, once.
    expect(r.asked).toEqual([
      [dayStart(), dayStart(1)],
      [dayStart(1), cst(2, 0, 0, 1)],
    ]);
  });

  it('tries a day again at the next full hour when the store could not be read', () => {
    const r = rig({ failReads: 1 });
    r.clock.advance(cst(10, 1) - r.clock.now());
    expect(r.counts()).toHaveLength(0);
    r.clock.advance(cst(11, 1) - r.clock.now());
    expect(r.counts()).toHaveLength(1);
  });

  it('on connect: today, yesterday and the days not taken; the days beyond statsDays cleared once', () => {
    const r = rig({ statsDays: 10 });
    r.setConnected(false);
    r.clock.advance(cst(10, 1, 0, 2) - r.clock.now());
    expect(r.sent).toEqual([]);
    r.setConnected(true);
    r.publisher.connected();
    expect(r.counts().map((s) => s.topic.split('/').pop())).toEqual([
      '2026-11-29',
      '2026-11-30',
      '2026-12-01',
    ]);
    expect(r.cleared()).toHaveLength(CLEAR_SPAN);
    expect(r.cleared()[0]).toBe('2026-11-21');
    // Cleared once: a reconnect clears nothing again.
    r.publisher.connected();
    expect(r.cleared()).toHaveLength(CLEAR_SPAN);
  });

  it('a smaller statsDays after a reload clears the days the larger one kept', () => {
    const r = rig({ statsDays: 62 });
    r.publisher.connected();
    const before = r.cleared().length;
    r.publisher.setSink(r.sink, (day) => `T/stats/${day}`, { statsDays: 7, retentionDays: 90 });
    r.publisher.connected();
    const now = r.cleared().slice(before);
    expect(now[0]).toBe('2026-11-22');
    expect(now).toContain('2026-09-29');
    expect(now).toHaveLength(62 + CLEAR_SPAN - 7);
  });
});
