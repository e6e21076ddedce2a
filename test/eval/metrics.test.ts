import { test } from 'node:test';
import assert from 'node:assert/strict';
import { auc, listNdcg, ndcgAtK, recallAtK } from '../../src/eval/metrics.js';

const ints = (...a: number[]): Int32Array => Int32Array.from(a);

test('recall@K is normalised by min(K, |relevant|)', () => {
  assert.equal(recallAtK(ints(1, 2, 3), ints(2, 9), 3), 0.5);
  // 5 relevant, K = 2, both hits: a perfect list scores 1.
  assert.equal(recallAtK(ints(4, 5), ints(1, 2, 3, 4, 5), 2), 1);
  assert.equal(recallAtK(ints(7, 8), ints(1), 2), 0);
  assert.equal(recallAtK(ints(1), ints(), 2), 0);
});

test('NDCG@K with binary relevance on hand-made lists', () => {
  assert.equal(ndcgAtK(ints(1, 2), ints(1, 2), 2), 1);
  // one relevant item at position 2 (0-based 1): (1/log2 3) / 1
  assert.ok(Math.abs(ndcgAtK(ints(5, 1), ints(1), 2) - 1 / Math.log2(3)) < 1e-12);
  // hits at positions 0 and 2 of 3, two relevant: (1 + 1/2) / (1 + 1/log2 3)
  const expected = (1 + 1 / Math.log2(4)) / (1 + 1 / Math.log2(3));
  assert.ok(Math.abs(ndcgAtK(ints(1, 9, 2), ints(1, 2), 3) - expected) < 1e-12);
  // items beyond K do not count
  assert.equal(ndcgAtK(ints(9, 8, 1), ints(1), 2), 0);
});

test('AUC: perfect, reversed, ties count half', () => {
  const labels = Uint8Array.from([1, 0, 1, 0]);
  assert.equal(auc(Float32Array.from([0.9, 0.1, 0.8, 0.2]), labels), 1);
  assert.equal(auc(Float32Array.from([0.1, 0.9, 0.2, 0.8]), labels), 0);
  assert.equal(auc(Float32Array.from([0.5, 0.5, 0.5, 0.5]), labels), 0.5);
  assert.ok(Number.isNaN(auc(Float32Array.from([1, 2]), Uint8Array.from([1, 1]))));
});

test('listNdcg orders by score', () => {
  assert.equal(listNdcg(Float32Array.from([3, 2, 1]), Uint8Array.from([1, 0, 0])), 1);
  assert.ok(listNdcg(Float32Array.from([1, 2, 3]), Uint8Array.from([1, 0, 0])) < 1);
});
