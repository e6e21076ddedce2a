import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trainAls, sfc32, type ConfidenceMatrix } from '../../src/training/als.js';

/** Two-block world: users 0..49 like items 0..29, users 50..99 like items 30..59; a few entries held out. */
function blockMatrix(): { m: ConfidenceMatrix; heldOut: Array<[number, number]> } {
  const rnd = sfc32(7);
  const rows: number[][] = [];
  const heldOut: Array<[number, number]> = [];
  for (let u = 0; u < 100; u++) {
    const base = u < 50 ? 0 : 30;
    const items: number[] = [];
    for (let i = 0; i < 30; i++) if (rnd() < 0.4) items.push(base + i);
    // Hold out one entry at a random position (never always the last, which would leave that item untrained).
    if (items.length > 1) heldOut.push([u, items.splice(Math.floor(rnd() * items.length), 1)[0]!]);
    rows.push(items);
  }
  const indptr = new Int32Array(101);
  const idx: number[] = [];
  for (let u = 0; u < 100; u++) {
    idx.push(...rows[u]!);
    indptr[u + 1] = idx.length;
  }
  const confidence = new Float32Array(idx.length).fill(2);
  return { m: { rows: 100, cols: 61, indptr, indices: Int32Array.from(idx), confidence }, heldOut };
}

const opts = { factors: 8, iterations: 6, lambda: 5, cgSteps: 3, seed: 1, threads: 2 };

test('ALS separates the two taste blocks and ranks held-out items of the own block first', async () => {
  const { m, heldOut } = blockMatrix();
  const { userFactors: X, itemFactors: Y } = await trainAls(m, opts);
  let correct = 0;
  for (const [u, item] of heldOut) {
    // Compare with the mean score of the other block's items.
    const otherBase = item < 30 ? 30 : 0;
    let sIn = 0, sOut = 0;
    for (let k = 0; k < 8; k++) {
      sIn += X[u * 8 + k]! * Y[item * 8 + k]!;
      for (let j = 0; j < 30; j++) sOut += (X[u * 8 + k]! * Y[(otherBase + j) * 8 + k]!) / 30;
    }
    if (sIn > sOut) correct++;
  }
  assert.ok(correct / heldOut.length > 0.95, `held-out preferred in ${correct}/${heldOut.length}`);
  // Item 60 has no entries: zero vector.
  for (let k = 0; k < 8; k++) assert.equal(Y[60 * 8 + k], 0);
});

test('ALS is deterministic for a seed, independent of the thread count', async () => {
  const { m } = blockMatrix();
  const a = await trainAls(m, opts);
  const b = await trainAls(m, { ...opts, threads: 1 });
  const c = await trainAls(m, { ...opts, seed: 2 });
  assert.deepEqual(Buffer.from(a.itemFactors.buffer), Buffer.from(b.itemFactors.buffer));
  assert.deepEqual(Buffer.from(a.userFactors.buffer), Buffer.from(b.userFactors.buffer));
  assert.notDeepEqual(Buffer.from(a.itemFactors.buffer), Buffer.from(c.itemFactors.buffer));
});

test('ALS treats negative confidence as negative evidence', async () => {
  const { m } = blockMatrix();
  // User 0 strongly rejects item 1 (in its own block).
  const row = Array.from(m.indices.subarray(m.indptr[0], m.indptr[1]));
  const conf = Array.from(m.confidence.subarray(m.indptr[0], m.indptr[1]));
  const at = row.indexOf(1);
  if (at >= 0) conf[at] = -3; else { row.push(1); conf.push(-3); }
  const restIdx = m.indices.subarray(m.indptr[1], m.indptr[100]);
  const restConf = m.confidence.subarray(m.indptr[1], m.indptr[100]);
  const indptr = new Int32Array(101);
  const shift = row.length - ((m.indptr[1] as number) - (m.indptr[0] as number));
  for (let u = 1; u <= 100; u++) indptr[u] = (m.indptr[u] as number) + shift;
  const neg: ConfidenceMatrix = { rows: 100, cols: 61, indptr, indices: Int32Array.from([...row, ...restIdx]), confidence: Float32Array.from([...conf, ...restConf]) };
  const { userFactors: X, itemFactors: Y } = await trainAls(neg, opts);
  let s1 = 0, s2 = 0;
  for (let k = 0; k < 8; k++) { s1 += X[k]! * Y[8 + k]!; s2 += X[k]! * Y[2 * 8 + k]!; }
  assert.ok(s1 < s2, `rejected item scores ${s1}, neighbour ${s2}`);
});
