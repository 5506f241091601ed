// The console's in-memory hall: changes batched for the pages, alerts labelled from the
// catalogue and bounded, an invented-id flood capped and counted, cleared topics forgotten.
import { describe, expect, it } from 'vitest';
import { Board, MAX_ALERTS, MAX_TERMINALS } from '../../../src/hall/board.js';

const labels = (level: 1 | 2, code: string) => (code === 'D01' ? `等待时间长(${level})` : code);
const AT = '2026-11-29 14:31:05';

function bad(training = false) {
  return {
    kind: 'event' as const,
    terminalId: 'HA-1',
    event: {
      type: 'bad_rating' as const,
      eventId: '4f1c2d3e-0000-4000-8000-000000000001',
      level: 2 as const,
      evalDetail: 'D01,X9',
      windowNo: '12',
      clerkId: null,
      deptCode: null,
      deptName: null,
      taskName: null,
      training,
      at: AT,
    },
  };
}

describe('Board', () => {
  it('batches changes and labels reasons', () => {
    let now = 1000;
    const board = new Board(labels, () => now);
    board.apply({ kind: 'availability', terminalId: 'HA-1', value: 'online' });
    now = 2000;
    const alert = board.apply(bad());
    expect(alert).toMatchObject({
      kind: 'bad_rating',
      reasons: ['等待时间长(2)', 'X9'],
      receivedAt: 2000,
      seq: 1,
    });
    expect(board.takeChanges()).toEqual({
      upsert: [{ terminalId: 'HA-1', availability: 'online', state: null, lastSeen: 2000 }],
      remove: [],
    });
    expect(board.takeChanges()).toBeNull();
    expect(board.accepted).toBe(2);
  });

  it('forgets a terminal once both its retained topics are cleared', () => {
    const board = new Board(labels);
    board.apply({ kind: 'availability', terminalId: 'HA-1', value: 'offline' });
    board.takeChanges();
    board.apply({ kind: 'cleared', terminalId: 'HA-1', part: 'availability' });
    expect(board.takeChanges()).toEqual({ upsert: [], remove: ['HA-1'] });
    expect(board.size).toBe(0);
    // Clearing what the console never saw is nothing.
    board.apply({ kind: 'cleared', terminalId: 'HA-9', part: 'state' });
    expect(board.takeChanges()).toBeNull();
  });

  it('keeps at most MAX_TERMINALS terminals and MAX_ALERTS alerts', () => {
    const board = new Board(labels);
    for (let i = 0; i < MAX_TERMINALS + 5; i++) {
      board.apply({ kind: 'availability', terminalId: `T${i}`, value: 'online' });
    }
    expect(board.size).toBe(MAX_TERMINALS);
    expect(board.refusals.too_many).toBe(5);
    // A known terminal still updates.
    board.apply({ kind: 'availability', terminalId: 'T0', value: 'offline' });
    expect(board.refusals.too_many).toBe(5);
    for (let i = 0; i < MAX_ALERTS + 10; i++) board.apply({ ...bad(), terminalId: 'T1' });
    expect(board.snapshot().alerts).toHaveLength(MAX_ALERTS);
    expect(board.snapshot().alerts[0]?.seq).toBe(MAX_ALERTS + 10);
  });
});
