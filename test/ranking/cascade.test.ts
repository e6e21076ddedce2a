import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyRerankDepth, kthLargest } from '../../src/ranking/cascade.js';

test('kthLargest finds the depth-th largest value without reordering the input', () => {
  const a = Float32Array.from([0.5, 3, -1, 2, 2, 7]);
  const scratch = new Float32Array(6);
  assert.equal(kthLargest(a, 6, 1, scratch), 7);
  assert.equal(kthLargest(a, 6, 2, scratch), 3);
  assert.equal(kthLargest(a, 6, 3, scratch), 2);
  assert.equal(kthLargest(a, 6, 4, scratch), 2);
  assert.equal(kthLargest(a, 6, 6, scratch), -1);
  assert.deepEqual(Array.from(a), [0.5, 3, -1, 2, 2, 7]);
});

test('applyRerankDepth: the ranker orders the first stage\'s top rows, the rest stay below in first-stage order', () => {
  const emb = Float32Array.from([1, 4, 3, 0, 2]);
  const scores = Float32Array.from([0.9, 0.1, 0.6, 0.99, 0.8]); // ranker probabilities
  applyRerankDepth(scores, emb, 5, 2, new Float32Array(5));
  // top 2 by emb: rows 1 (4) and 2 (3) -> 2.1 and 2.6; the others sigmoid(emb)
  assert.ok(Math.abs(scores[1]! - 2.1) < 1e-6 && Math.abs(scores[2]! - 2.6) < 1e-6);
  assert.ok(Math.abs(scores[0]! - 1 / (1 + Math.exp(-1))) < 1e-6);
  assert.ok(Math.abs(scores[4]! - 1 / (1 + Math.exp(-2))) < 1e-6);
  assert.ok(scores[4]! > scores[0]! && scores[0]! > scores[3]!, 'below the cut: first-stage order, whatever the ranker said');
  const untouched = Float32Array.from([0.9, 0.1]);
  applyRerankDepth(untouched, Float32Array.from([1, 2]), 2, 0, new Float32Array(2));
  assert.deepEqual(Array.from(untouched), [0.9, 0.1].map((v) => Math.fround(v)), 'depth 0 = all candidates, unchanged');
});
