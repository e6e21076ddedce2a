import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trainAls, sfc32, type ConfidenceMatrix } from '../../src/training/als.js';
import { withFeatureListeners } from '../../src/training/featureListeners.js';

const csr = (rows: number[][], cols: number, conf = 2): ConfidenceMatrix => {
  const indptr = new Int32Array(rows.length + 1);
  const idx: number[] = [];
  rows.forEach((r, u) => {
    idx.push(...r);
    indptr[u + 1] = idx.length;
  });
  return { rows: rows.length, cols, indptr, indices: Int32Array.from(idx), confidence: new Float32Array(idx.length).fill(conf) };
};

test('feature listeners: one row per feature, listing the played tracks with a positive value, at 1 + w * value', () => {
  // tracks 0..3 played, track 4 never; features (2 per track): t0 [1, 0], t1 [0, 0.5], t2 [1, 1], t3 [-1, 0], t4 [1, 1]
  const m = csr([[0, 1], [2, 3]], 5);
  const features = Float32Array.from([1, 0, 0, 0.5, 1, 1, -1, 0, 1, 1]);
  const out = withFeatureListeners(m, Uint8Array.from([1, 1, 1, 1, 0]), features, 2, 2);
  assert.equal(out.rows, 4);
  assert.deepEqual(Array.from(out.indptr), [0, 2, 4, 6, 8]);
  assert.deepEqual(Array.from(out.indices), [0, 1, 2, 3, 0, 2, 1, 2]);
  assert.deepEqual(Array.from(out.confidence), [2, 2, 2, 2, 3, 3, 2, 3]);
});

test('feature listeners pull tracks that share a tag together when their plays alone do not', async () => {
  // 40 listeners, each plays two random tracks of 0..19 (sparse, noisy); tracks 0..9 carry tag 0, 10..19 tag 1
  const rnd = sfc32(3);
  const rows: number[][] = [];
  for (let u = 0; u < 40; u++) {
    const a = Math.floor(rnd() * 20);
    let b = Math.floor(rnd() * 20);
    if (b === a) b = (a + 1) % 20;
    rows.push([a, b].sort((x, y) => x - y));
  }
  const m = csr(rows, 20);
  const features = new Float32Array(40);
  for (let t = 0; t < 20; t++) features[t * 2 + (t < 10 ? 0 : 1)] = 1;
  const opts = { factors: 4, iterations: 8, lambda: 1, cgSteps: 3, seed: 1, threads: 1 };
  const separation = (Y: Float32Array): number => {
    const cos = (i: number, j: number): number => {
      let d = 0, a = 0, b = 0;
      for (let k = 0; k < 4; k++) {
        d += Y[i * 4 + k]! * Y[j * 4 + k]!;
        a += Y[i * 4 + k]! ** 2;
        b += Y[j * 4 + k]! ** 2;
      }
      return d / Math.sqrt(a * b + 1e-12);
    };
    let same = 0, other = 0, ns = 0, no = 0;
    for (let i = 0; i < 20; i++) for (let j = i + 1; j < 20; j++) {
      if ((i < 10) === (j < 10)) {
        same += cos(i, j);
        ns++;
      } else {
        other += cos(i, j);
        no++;
      }
    }
    return same / ns - other / no;
  };
  const plain = await trainAls(m, opts);
  const tagged = await trainAls(withFeatureListeners(m, new Uint8Array(20).fill(1), features, 2, 4), opts);
  assert.equal(tagged.userFactors.length, 42 * 4);
  assert.ok(separation(tagged.itemFactors) > separation(plain.itemFactors) + 0.2, `${separation(tagged.itemFactors)} vs ${separation(plain.itemFactors)}`);
});
