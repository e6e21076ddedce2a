import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitLogistic, logisticScore } from '../../src/ranking/logistic.js';
import { auc } from '../../src/eval/metrics.js';
import { seededRandom } from '../../src/eval/rng.js';
import { rankingQuality } from '../../src/ranking/evaluateRanker.js';

test('logistic regression recovers the signs of the true weights and ranks well', () => {
  const rand = seededRandom(5);
  const rows = 4000;
  const f = 3;
  const x = new Float32Array(rows * f);
  const y = new Uint8Array(rows);
  for (let r = 0; r < rows; r++) {
    const a = rand() * 10; // informative, positive (large scale: standardization matters)
    const b = rand() - 0.5; // informative, negative
    const c = rand(); // noise
    x.set([a, b, c], r * f);
    const logit = 0.8 * (a - 5) - 4 * b;
    y[r] = rand() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
  }
  const m = fitLogistic(x, y, rows, f, { l2: 1e-4, iterations: 30 });
  assert.ok(m.weights[0]! > 1, `a: ${m.weights[0]}`);
  assert.ok(m.weights[1]! < -0.5, `b: ${m.weights[1]}`);
  assert.ok(Math.abs(m.weights[2]!) < 0.2, `c: ${m.weights[2]}`);
  const s = new Float32Array(rows);
  for (let r = 0; r < rows; r++) s[r] = logisticScore(m, x, r * f);
  assert.ok(auc(s, y) > 0.85);
});

test('ranking quality per request: a perfect order scores NDCG 1, a reversed one less', () => {
  const labels = Uint8Array.from([1, 0, 0, 0, 1, 0]);
  const group = Int32Array.from([0, 0, 0, 1, 1, 1]);
  const good = rankingQuality(Float32Array.from([3, 2, 1, 1, 3, 2]), labels, group, 6);
  const bad = rankingQuality(Float32Array.from([1, 2, 3, 3, 1, 2]), labels, group, 6);
  assert.equal(good.ndcg, 1);
  assert.equal(good.auc, 1);
  assert.ok(bad.ndcg < 0.6);
});
