// The mapping region's ranges (src/model/regionRanges.ts): whatever the order of takes and gives, taken ranges
// never overlap and stay inside the region, nothing is lost, and once everything is given back the whole
// region is one range again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RegionRanges } from '../../src/model/regionRanges.js';

const SIZE = 1000;

test('takes and gives in any order keep the ranges disjoint, inside and complete', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 400 }), fc.nat()), { maxLength: 60 }), (ops) => {
      const ranges = new RegionRanges(SIZE);
      const held: { start: number; bytes: number }[] = [];
      for (const [takeIt, bytes, pick] of ops) {
        if (takeIt || held.length === 0) {
          const start = ranges.take(bytes);
          const heldBytes = held.reduce((s, h) => s + h.bytes, 0);
          if (start === null) {
            assert.ok(SIZE - heldBytes < bytes || held.length > 0, 'refused with room in one piece');
            continue;
          }
          assert.ok(start >= 0 && start + bytes <= SIZE);
          for (const h of held) assert.ok(start + bytes <= h.start || h.start + h.bytes <= start, 'overlap');
          held.push({ start, bytes });
        } else {
          const [h] = held.splice(pick % held.length, 1);
          ranges.give(h!.start, h!.bytes);
        }
        assert.equal(ranges.freeBytes() + held.reduce((s, h) => s + h.bytes, 0), SIZE);
      }
      for (const h of held) ranges.give(h.start, h.bytes);
      assert.equal(ranges.take(SIZE), 0, 'the region is one range again');
    }),
    { numRuns: 300 },
  );
});

test('a take larger than every free range is refused', () => {
  const ranges = new RegionRanges(100);
  assert.equal(ranges.take(60), 0);
  assert.equal(ranges.take(50), null);
  assert.equal(ranges.take(40), 60);
});
