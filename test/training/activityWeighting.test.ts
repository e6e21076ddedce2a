import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConfidenceMatrix } from '../../src/training/als.js';
import { withActivityWeighting } from '../../src/training/activityWeighting.js';

// listener 0: 1 positive (c 3); listener 1: 3 positives (c 3) and one negative (-2); listener 2: nothing.
const m: ConfidenceMatrix = {
  rows: 3,
  cols: 5,
  indptr: Int32Array.from([0, 1, 5, 5]),
  indices: Int32Array.from([0, 0, 1, 2, 3]),
  confidence: Float32Array.from([3, 3, 3, -2, 3]),
};

test('activity weighting scales each positive weight (c - 1) by (n / mean n)^-exponent, negatives untouched', () => {
  const out = withActivityWeighting(m, 0.5);
  // mean positives over listeners with any: (1 + 3) / 2 = 2
  const light = 1 + 2 * Math.pow(1 / 2, -0.5);
  const heavy = 1 + 2 * Math.pow(3 / 2, -0.5);
  const c = Array.from(out.confidence);
  assert.ok(Math.abs(c[0]! - light) < 1e-6, `${c[0]} vs ${light}`);
  for (const p of [1, 2, 4]) assert.ok(Math.abs(c[p]! - heavy) < 1e-6, `${c[p]} vs ${heavy}`);
  assert.equal(c[3], -2);
  assert.ok(c[0]! > 3 && heavy < 3, 'the light listener weighs more, the heavy one less');
  assert.deepEqual(Array.from(out.indices), Array.from(m.indices));
  assert.deepEqual(Array.from(m.confidence), [3, 3, 3, -2, 3], 'the input is not changed');
});

test('activity weighting with exponent 0 is the matrix itself', () => {
  assert.equal(withActivityWeighting(m, 0), m);
});
