// gramOf (rows taken four at a time) equals Y^T Y + lambda I over the included rows, summed one row at a time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { gramOf } from '../../src/training/trainBundle.js';

test('gramOf is Y^T Y + lambda I over the included rows', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }), (n, dim, seed) => {
      let s = seed;
      const next = (): number => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5;
      const Y = Float32Array.from({ length: n * dim }, next);
      const include = Uint8Array.from({ length: n }, () => (next() > -0.2 ? 1 : 0));
      const g = gramOf(Y, n, dim, 0.5, include);
      for (let a = 0; a < dim; a++) {
        for (let b = 0; b < dim; b++) {
          let want = a === b ? 0.5 : 0;
          for (let i = 0; i < n; i++) if (include[i] === 1) want += Y[i * dim + a]! * Y[i * dim + b]!;
          assert.ok(Math.abs(g[a * dim + b]! - want) <= 1e-5 * (1 + Math.abs(want)), `(${a}, ${b}): ${g[a * dim + b]} vs ${want}`);
        }
      }
    }),
  );
});
