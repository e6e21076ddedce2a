import { test } from 'node:test';
import assert from 'node:assert/strict';
import { woodburyScratch, woodburySolve, woodburyPays } from '../../src/training/woodburySolve.js';
import { invertSpdInPlace } from '../../src/eval/cholesky.js';
import { sfc32, trainAls, type ConfidenceMatrix } from '../../src/training/als.js';
import { compactMatrix, scatterRows } from '../../src/training/compactAxes.js';

/** Dense reference: x = (G + sum (c-1) y y^T)^-1 sum_{positive} c y. */
function denseSolve(G: Float64Array, Y: Float32Array, f: number, rows: number[], conf: number[]): Float64Array {
  const A = Float64Array.from(G);
  const b = new Float64Array(f);
  rows.forEach((v, j) => {
    const raw = conf[j]!;
    const c = raw > 0 ? raw : Math.max(1, -raw);
    for (let a = 0; a < f; a++) {
      if (raw > 0) b[a]! += c * Y[v * f + a]!;
      for (let k = 0; k < f; k++) A[a * f + k]! += (c - 1) * Y[v * f + a]! * Y[v * f + k]!;
    }
  });
  invertSpdInPlace(A, f);
  const x = new Float64Array(f);
  for (let a = 0; a < f; a++) for (let k = 0; k < f; k++) x[a]! += A[a * f + k]! * b[k]!;
  return x;
}

test('the Woodbury row solve equals the dense solve of the normal equations, negatives and c = 1 included', () => {
  const f = 6;
  const n = 40;
  const rnd = sfc32(3);
  const Y = new Float32Array(n * f).map(() => rnd() - 0.5);
  const G = new Float64Array(f * f);
  for (let v = 0; v < n; v++) for (let a = 0; a < f; a++) for (let k = 0; k < f; k++) G[a * f + k]! += Y[v * f + a]! * Y[v * f + k]!;
  for (let a = 0; a < f; a++) G[a * f + a]! += 0.7;
  const Ginv = Float64Array.from(G);
  invertSpdInPlace(Ginv, f);
  const Z = new Float32Array(n * f);
  for (let v = 0; v < n; v++) for (let a = 0; a < f; a++) for (let k = 0; k < f; k++) Z[v * f + a]! += Ginv[a * f + k]! * Y[v * f + k]!;
  const rows = [3, 17, 4, 29, 8];
  const conf = [2.5, 1, -4, 7, 1.5];
  const out = new Float64Array(f);
  woodburySolve(Int32Array.from(rows), Float32Array.from(conf), 0, rows.length, Y, Z, f, woodburyScratch(8, f), out);
  const ref = denseSolve(G, Y, f, rows, conf);
  for (let a = 0; a < f; a++) assert.ok(Math.abs(out[a]! - ref[a]!) < 1e-4, `x[${a}] ${out[a]} vs ${ref[a]}`);
});

test('Woodbury is chosen for sparse rows only', () => {
  assert.equal(woodburyPays(1, 64, 3, 32), true);
  assert.equal(woodburyPays(12, 64, 3, 32), true);
  assert.equal(woodburyPays(30, 64, 3, 32), false);
  assert.equal(woodburyPays(40, 64, 3, 32), false);
});

test('compacting a matrix keeps its entries and scattering restores the index space', () => {
  const m: ConfidenceMatrix = { rows: 4, cols: 6, indptr: Int32Array.from([0, 2, 2, 3, 3]), indices: Int32Array.from([5, 1, 5]), confidence: Float32Array.from([2, 3, 4]) };
  const c = compactMatrix(m);
  assert.deepEqual(Array.from(c.rowIds), [0, 2]);
  assert.deepEqual(Array.from(c.colIds), [1, 5]);
  assert.deepEqual(Array.from(c.matrix.indptr), [0, 2, 3]);
  assert.deepEqual(Array.from(c.matrix.indices), [1, 0, 1]);
  const full = scatterRows(Float32Array.from([1, 2, 3, 4]), c.colIds, 6, 2);
  assert.deepEqual(Array.from(full), [0, 0, 1, 2, 0, 0, 0, 0, 0, 0, 3, 4]);
});

/** Many items with one to three entries (where Woodbury runs) and a few popular ones (conjugate gradient). */
function longTail(): ConfidenceMatrix {
  const rnd = sfc32(11);
  const U = 300;
  const I = 3000;
  const rows: number[][] = [];
  for (let u = 0; u < U; u++) {
    const set = new Set<number>();
    const block = u % 3;
    for (let k = 0; k < 12; k++) set.add(block * 1000 + Math.floor(rnd() * (rnd() < 0.5 ? 20 : 1000)));
    rows.push([...set].sort((a, b) => a - b));
  }
  const indptr = new Int32Array(U + 1);
  const idx: number[] = [];
  rows.forEach((r, u) => {
    idx.push(...r);
    indptr[u + 1] = idx.length;
  });
  const confidence = Float32Array.from(idx, (_, j) => (j % 7 === 0 ? -3 : 1 + (j % 5)));
  return { rows: U, cols: I, indptr, indices: Int32Array.from(idx), confidence };
}

test('ALS with exact Woodbury solves of sparse rows agrees with many-step conjugate gradient', async () => {
  const m = longTail();
  const base = { factors: 8, iterations: 8, lambda: 2, seed: 1, threads: 2 };
  const cg = await trainAls(m, { ...base, cgSteps: 3 });
  const exact = await trainAls(m, { ...base, cgSteps: 40 });
  // Compare recommendation scores of user 0 over its block: close rank agreement.
  let agree = 0;
  let total = 0;
  const score = (r: { userFactors: Float32Array; itemFactors: Float32Array }, u: number, i: number): number => {
    let s = 0;
    for (let k = 0; k < 8; k++) s += r.userFactors[u * 8 + k]! * r.itemFactors[i * 8 + k]!;
    return s;
  };
  for (let i = 0; i < 20; i++) for (let j = i + 1; j < 20; j++) {
    total++;
    if (Math.sign(score(cg, 0, i) - score(cg, 0, j)) === Math.sign(score(exact, 0, i) - score(exact, 0, j))) agree++;
  }
  assert.ok(agree / total > 0.9, `pairwise order agreement ${agree}/${total}`);
});

test('a warm start from trained factors converges in fewer iterations', async () => {
  const m = longTail();
  const base = { factors: 8, lambda: 2, seed: 1, threads: 2, cgSteps: 3 };
  const full = await trainAls(m, { ...base, iterations: 10 });
  const warm = await trainAls(m, { ...base, iterations: 1 }, undefined, full);
  const cold = await trainAls(m, { ...base, iterations: 1 });
  const dist = (a: Float32Array, b: Float32Array): number => {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
    return Math.sqrt(s);
  };
  assert.ok(dist(warm.itemFactors, full.itemFactors) < 0.2 * dist(cold.itemFactors, full.itemFactors));
});
