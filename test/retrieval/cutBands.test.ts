// Norm bands: every band, the last one included, holds at most maxBandSize tracks (opening a band is one
// synchronous call linear in its size), and the bands cover the sorted tracks exactly once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cutBands } from '../../src/retrieval/buildTrackIndex.js';
import { DEFAULT_INDEX_PARAMS } from '../../src/retrieval/UsearchIndex.js';

test('the cap holds past the band budget: the tail is cut in cap-sized bands', () => {
  const n = 10_000;
  const sorted = Int32Array.from({ length: n }, (_, i) => i);
  const norms = Float32Array.from({ length: n }, (_, i) => 1 + (n - i) * 1e-6); // nearly equal norms: one geometric band
  for (const maxBands of [1, 3, 40]) {
    const cuts = cutBands(sorted, norms, { ...DEFAULT_INDEX_PARAMS, maxBandSize: 1500 }, maxBands, 100);
    assert.equal(cuts[0], 0);
    assert.equal(cuts[cuts.length - 1], n);
    for (let b = 0; b + 1 < cuts.length; b++) {
      const size = cuts[b + 1]! - cuts[b]!;
      assert.ok(size > 0 && size <= 1500, `band ${b} of ${size} tracks (maxBands ${maxBands})`);
    }
  }
});

test('without a cap the last band takes the rest', () => {
  const n = 5000;
  const sorted = Int32Array.from({ length: n }, (_, i) => i);
  const norms = Float32Array.from({ length: n }, (_, i) => 2 ** (-i / 500));
  const cuts = cutBands(sorted, norms, { ...DEFAULT_INDEX_PARAMS, maxBandSize: 0 }, 2, 100);
  assert.equal(cuts.length, 3);
  assert.equal(cuts[2], n);
});
