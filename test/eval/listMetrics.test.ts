import { test } from 'node:test';
import assert from 'node:assert/strict';
import { artistExposureGini, catalogCoverage, gini, intraListDiversity, novelty, pairwiseDistinctShare, type Lists } from '../../src/eval/report/listMetrics.js';

// Two users, k = 3: user 0 gets items [0, 1, 2], user 1 gets [1, 3] (one empty slot).
const lists: Lists = { k: 3, items: Int32Array.from([0, 1, 2, 1, 3, -1]) };
const users = Int32Array.from([0, 1]);

test('catalog coverage: distinct recommended items over catalog size', () => {
  assert.equal(catalogCoverage(lists, users, 8), 4 / 8);
  assert.equal(catalogCoverage(lists, Int32Array.from([1]), 8), 2 / 8);
});

test('Gini: 0 for equal values, (n-1)/n for all mass on one, a hand-computed middle case', () => {
  assert.equal(gini(Float64Array.from([3, 3, 3, 3])), 0);
  assert.equal(gini(Float64Array.from([0, 0, 0, 5])), 3 / 4);
  // sorted x = 1, 2, 3: Σ (2i − n − 1) x_i = (−2)(1) + 0(2) + 2(3) = 4; n Σx = 3 · 6 = 18
  assert.ok(Math.abs(gini(Float64Array.from([3, 1, 2])) - 4 / 18) < 1e-12);
});

test('artist exposure Gini counts every artist of the catalog, shown or not', () => {
  // items 0,1 by artist 0; 2,3 by artist 1; artist 2 never shown. Exposure: a0 = 3 (0,1,1), a1 = 2, a2 = 0.
  const itemArtist = Int32Array.from([0, 0, 1, 1]);
  // sorted 0, 2, 3: (−2)(0) + 0(2) + 2(3) = 6; n Σx = 3 · 5 = 15
  assert.ok(Math.abs(artistExposureGini(lists, users, itemArtist, 3) - 6 / 15) < 1e-12);
});

test('intra-list diversity: share of pairs with different labels, mean over lists', () => {
  const label = [0, 0, 1, 1];
  // list [0,1,2]: labels 0,0,1 -> same pairs 2·1 = 2 ordered, n(n−1) = 6 -> 1 − 2/6 = 2/3; list [1,3]: labels 0,1 -> 1
  assert.ok(Math.abs(pairwiseDistinctShare(Int32Array.from([0, 1, 2]), label) - 2 / 3) < 1e-12);
  assert.equal(pairwiseDistinctShare(Int32Array.from([1, 3, -1]), label), 1);
  assert.ok(Number.isNaN(pairwiseDistinctShare(Int32Array.from([1, -1]), label)));
  assert.ok(Math.abs(intraListDiversity(lists, users, label) - (2 / 3 + 1) / 2) < 1e-12);
});

test('novelty: mean −log2((c + 1) / (U + 1)) over recommended items', () => {
  // U = 7 training users; c = [7, 3, 1, 0] -> p = 1, 1/2, 1/4, 1/8 -> −log2 = 0, 1, 2, 3
  const counts = Float64Array.from([7, 3, 1, 0]);
  // items shown: 0, 1, 2, 1, 3 -> (0 + 1 + 2 + 1 + 3) / 5
  assert.ok(Math.abs(novelty(lists, users, counts, 7) - 7 / 5) < 1e-12);
});
