import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BatchSplitter } from '../../../src/sync/bisect.js';

/** Runs a batch against a platform that refuses any part containing a poison item. */
function run(n: number, poison: Set<number>) {
  const batch = Array.from({ length: n }, (_, i) => i);
  const parts = new BatchSplitter(batch);
  const delivered: number[] = [];
  const setAside: number[] = [];
  let requests = 0;
  for (let part = parts.current(); part !== undefined; part = parts.current()) {
    requests++;
    if (part.some((i) => poison.has(i))) {
      const single = parts.refused();
      if (single !== null) setAside.push(single);
    } else {
      delivered.push(...part);
      parts.done();
    }
  }
  return { delivered, setAside, requests };
}

describe('splitting a refused batch', () => {
  it('one poison record in 100: 99 delivered, 1 set aside, few requests', () => {
    const { delivered, setAside, requests } = run(100, new Set([57]));
    expect(setAside).toEqual([57]);
    expect(delivered).toEqual(Array.from({ length: 100 }, (_, i) => i).filter((i) => i !== 57));
    // log2(100) levels, two requests each, plus the first.
    expect(requests).toBeLessThanOrEqual(1 + 2 * 7);
  });

  it('isolates exactly the poison records, delivers the rest oldest first', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 100 })
          .chain((n) =>
            fc.tuple(fc.constant(n), fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { maxLength: 5 })),
          ),
        ([n, poisonList]) => {
          const poison = new Set(poisonList);
          const { delivered, setAside, requests } = run(n, poison);
          const expected = Array.from({ length: n }, (_, i) => i).filter((i) => !poison.has(i));
          expect(delivered).toEqual(expected);
          expect([...setAside].sort((a, b) => a - b)).toEqual([...poison].sort((a, b) => a - b));
          expect(requests).toBeLessThanOrEqual(
            1 + 2 * Math.max(1, poison.size) * Math.ceil(Math.log2(n + 1)),
          );
        },
      ),
    );
  });

  it('remaining() is what must go back to the queue after a transient failure', () => {
    const parts = new BatchSplitter(['a', 'b', 'c', 'd']);
    parts.refused();
    expect(parts.current()).toEqual(['a', 'b']);
    parts.done();
    expect(parts.remaining()).toEqual(['c', 'd']);
    expect(new BatchSplitter([]).current()).toBeUndefined();
  });
});

describe('halving a batch too large for a proxy on the way', () => {
  it('cuts every waiting part to half the refused one, in order, setting nothing aside', () => {
    const parts = new BatchSplitter([1, 2, 3, 4, 5]);
    expect(parts.halve()).toBe(3);
    expect(parts.current()).toEqual([1, 2, 3]);
    expect(parts.halve()).toBe(2);
    expect(parts.current()).toEqual([1, 2]);
    parts.done();
    // The other half was cut too: nothing larger than the last size is sent again.
    expect(parts.current()).toEqual([3]);
    expect(parts.remaining()).toEqual([3, 4, 5]);
    expect(parts.halve()).toBeNull();
    expect(parts.current()).toEqual([3]);
    parts.done();
    expect(parts.current()).toEqual([4, 5]);
  });
});
