import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bootstrapMean, quantileSorted } from '../../src/eval/stats/bootstrap.js';
import { pairedTTest } from '../../src/eval/stats/pairedTest.js';
import { welchCompare, meanEstimate, armInterval } from '../../src/eval/stats/welch.js';
import { srmCheck } from '../../src/eval/stats/srm.js';
import { seededRandom } from '../../src/eval/rng.js';

const close = (a: number, b: number, tol: number): void => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

/** Standard normal draws (Box-Muller) from a seeded stream. */
function normals(n: number, seed: number, mu = 0, sigma = 1): Float64Array {
  const r = seededRandom(seed);
  return Float64Array.from({ length: n }, () => mu + sigma * Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r()));
}

test('quantile of sorted values interpolates between order statistics', () => {
  const s = Float64Array.from([1, 2, 3, 4, 5]);
  assert.equal(quantileSorted(s, 0.5), 3);
  assert.equal(quantileSorted(s, 0.25), 2);
  close(quantileSorted(s, 0.1), 1.4, 1e-12);
});

test('bootstrap: constant data gives a zero-width interval; same seed, same interval', () => {
  const c = bootstrapMean(Float64Array.from([2, 2, 2, 2]), { resamples: 1000, seed: 1, level: 0.95 });
  assert.deepEqual([c.estimate, c.low, c.high], [2, 2, 2]);
  const x = normals(100, 3);
  const a = bootstrapMean(x, { resamples: 1000, seed: 5, level: 0.95 });
  const b = bootstrapMean(x, { resamples: 1000, seed: 5, level: 0.95 });
  assert.deepEqual(a, b);
  assert.ok(a.low < a.estimate && a.estimate < a.high);
});

test('bootstrap 95 % interval of a mean covers the true mean about 95 % of the time', () => {
  let covered = 0;
  const reps = 200;
  for (let s = 0; s < reps; s++) {
    const ci = bootstrapMean(normals(60, 1000 + s, 0.3, 1), { resamples: 1000, seed: s, level: 0.95 });
    if (ci.low <= 0.3 && 0.3 <= ci.high) covered++;
  }
  // Binomial(200, 0.95): sd 3.1 -> 0.95 ± 0.05 is ±3 sd (the percentile bootstrap runs slightly narrow at n = 60).
  assert.ok(covered / reps > 0.88 && covered / reps <= 1, `coverage ${covered / reps}`);
});

test('paired t-test matches a hand-computed case (d = 1, 2, 3, 4)', () => {
  const t = pairedTTest([1, 2, 3, 4]);
  close(t.meanDifference, 2.5, 1e-12);
  close(t.t, 2.5 / (Math.sqrt(5 / 3) / 2), 1e-12); // sd = sqrt(5/3), se = sd / 2 -> t = 3.8730
  assert.equal(t.df, 3);
  close(t.p, 0.030466291662170977, 1e-9); // Student t, 3 df, two-sided
});

test("Welch's t: difference, df and p of a hand-computed case", () => {
  const a = meanEstimate([1, 2, 3, 4, 5]);
  const b = meanEstimate([2, 4, 6, 8, 10]);
  const c = welchCompare(a, b);
  close(c.difference, 3, 1e-12);
  close(c.relativeLift, 1, 1e-12);
  // var(a)/n = 2.5/5 = 0.5, var(b)/n = 10/5 = 2 -> se = sqrt(2.5), t = 3 / 1.5811 = 1.8974, df = 6.25 / (0.25/4 + 4/4) = 5.882
  close(c.t, 1.8973665961010275, 1e-12);
  close(c.df, 5.882352941176471, 1e-9);
  close(c.p, 0.10753119493062728, 1e-8);
  close(c.high - c.difference, 3.887741643736975, 1e-8);
  const ai = armInterval(a);
  assert.ok(ai.low < 3 && ai.high > 3);
});

test('SRM χ²: hand-computed p, flagged only below 0.001', () => {
  const ok = srmCheck([520, 480], [1, 1]);
  close(ok.chiSquare, 1.6, 1e-12);
  close(ok.p, 0.2059032107320682, 1e-9);
  assert.equal(ok.mismatch, false);
  assert.equal(srmCheck([600, 400], [1, 1]).mismatch, true);
  assert.equal(srmCheck([600, 400], [3, 2]).mismatch, false);
});
