import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Float32ItemVectors, Int8ItemVectors, quantizeRows } from '../../src/model/ItemVectors.js';

const DIM = 8;
const value = fc.float({ min: -50, max: 50, noNaN: true, noDefaultInfinity: true });
const rows = fc.array(fc.array(value, { minLength: DIM, maxLength: DIM }), { minLength: 1, maxLength: 20 });
const query = fc.array(value, { minLength: DIM, maxLength: DIM });

function both(r: number[][]): { f: Float32ItemVectors; q: Int8ItemVectors; values: Float32Array } {
  const values = Float32Array.from(r.flat());
  const { codes, scales } = quantizeRows(values, DIM);
  return { f: new Float32ItemVectors(values, DIM), q: new Int8ItemVectors(codes, scales, DIM), values };
}

/** The bound of the file comment: |q . y - q . y~| <= scale / 2 * sum |q| (plus float32 rounding). */
function bound(scale: number, q: ArrayLike<number>): number {
  let s = 0;
  for (let d = 0; d < DIM; d++) s += Math.abs(q[d]!);
  return (scale / 2) * s * 1.001 + 1e-3;
}

test('int8 dot products stay within half a quantisation step of the float32 ones', () => {
  fc.assert(
    fc.property(rows, query, (r, qa) => {
      const { f, q } = both(r);
      const qv = Float32Array.from(qa);
      const out = new Float64Array(r.length);
      q.dots(Int32Array.from(r.keys()), r.length, qv, out);
      for (let t = 0; t < r.length; t++) {
        const err = Math.abs(q.dot(t, qv) - f.dot(t, qv));
        assert.ok(err <= bound(q.scales[t]!, qv), `row ${t}: error ${err}`);
        assert.ok(Math.abs(out[t]! - q.dot(t, qv)) < 1e-6 * (1 + Math.abs(out[t]!)), 'dots() agrees with dot()');
      }
    }),
  );
});

test('a dequantised row is within half a step of the original, and dotRows matches the rows', () => {
  fc.assert(
    fc.property(rows, (r) => {
      const { f, q, values } = both(r);
      const row = new Float32Array(DIM);
      for (let t = 0; t < r.length; t++) {
        q.copyRow(t, row);
        for (let d = 0; d < DIM; d++) assert.ok(Math.abs(row[d]! - values[t * DIM + d]!) <= q.scales[t]! / 2 + 1e-6);
        const other = (t + 1) % r.length;
        const exact = f.dotRows(t, other);
        const viaRows = q.dotRows(t, other);
        const back = new Float32Array(DIM);
        q.copyRow(other, back);
        assert.ok(Math.abs(viaRows - q.dot(t, back)) <= 1e-4 * (1 + Math.abs(viaRows)), 'dotRows = dot of the dequantised rows');
        assert.ok(Math.abs(viaRows - exact) <= bound(q.scales[t]!, back) + bound(q.scales[other]!, values.subarray(t * DIM, (t + 1) * DIM)));
      }
    }),
  );
});

test('both forms answer 0 for tracks out of range, and report non-finite values', () => {
  const { f, q } = both([[1, 2, 3, 4, 5, 6, 7, 8]]);
  const qv = new Float32Array(DIM).fill(1);
  for (const v of [f, q]) {
    assert.equal(v.count, 1);
    assert.equal(v.dot(-1, qv), 0);
    assert.equal(v.dot(1, qv), 0);
    assert.equal(v.dotRows(0, 5), 0);
    const row = new Float32Array(DIM).fill(9);
    v.copyRow(3, row);
    assert.deepEqual(Array.from(row), new Array(DIM).fill(0));
    assert.equal(v.firstNonFinite(100), -1);
  }
  assert.ok(Math.abs(q.dot(0, qv) - 36) < 36 / 127, 'sum of 1..8');
  const bad = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 1, NaN, 0, 0, 0, 0, 0, 0]);
  const qb = quantizeRows(bad, DIM);
  assert.equal(new Float32ItemVectors(bad, DIM).firstNonFinite(100), 9);
  assert.equal(new Int8ItemVectors(qb.codes, qb.scales, DIM).firstNonFinite(100), DIM, 'the NaN row is refused');
  const zero = quantizeRows(new Float32Array(DIM), DIM);
  assert.equal(zero.scales[0], 0, 'a zero vector stays zero');
});
