import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitCoordinateAscent, meanNdcgAtK, type ListwiseData } from '../../src/ranking/coordinateAscent.js';

test('meanNdcgAtK: hand-computed NDCG of two requests', () => {
  // request 0: scores 3, 2, 1, the positive second -> 1 / log2(3); request 1: scores 1, 5, the positive second -> 1 / log2(3)
  const d: ListwiseData = { z: new Float32Array(5), labels: Uint8Array.from([0, 1, 0, 1, 0]), groupStart: Int32Array.from([0, 3, 5]), rows: 5, f: 1 };
  const q = meanNdcgAtK(Float32Array.from([3, 2, 1, 1, 5]), d, 20, new Uint8Array(5));
  assert.ok(Math.abs(q - 1 / Math.log2(3)) < 1e-9);
  assert.equal(meanNdcgAtK(Float32Array.from([3, 2, 1, 1, 5]), d, 1, new Uint8Array(5)), 0, 'at k = 1 neither positive is first');
  assert.equal(meanNdcgAtK(Float32Array.from([1, 2, 0, 5, 1]), d, 1, new Uint8Array(5)), 1);
});

test('coordinate ascent moves weight onto the column that orders the positives first', () => {
  // 50 requests of 4 rows; column 0 (the anchor) is noise in [0, 1); column 1 is 1 for the positive, 0 otherwise.
  const rows = 200;
  const z = new Float32Array(rows * 2);
  const labels = new Uint8Array(rows);
  let seed = 7;
  const rand = (): number => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
  for (let r = 0; r < rows; r++) {
    labels[r] = r % 4 === 2 ? 1 : 0;
    z[r * 2] = rand();
    z[r * 2 + 1] = labels[r]!;
  }
  const d: ListwiseData = { z, labels, groupStart: Int32Array.from({ length: 51 }, (_, g) => 4 * g), rows, f: 2 };
  const w = fitCoordinateAscent(d, 0, { k: 20, rounds: 2, steps: [0.5, 1, 2] });
  assert.equal(w[0], 1, 'the anchor keeps weight 1');
  assert.ok(w[1]! >= 1, `weight on the predictive column: ${w[1]}`);
  const scores = Float32Array.from({ length: rows }, (_, r) => w[0]! * z[r * 2]! + w[1]! * z[r * 2 + 1]!);
  assert.equal(meanNdcgAtK(scores, d, 20, new Uint8Array(rows)), 1);
});
