// IntTable against a Map on random operations: the same keys, values, sizes and absences, through growth and reuse.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { IntTable } from '../../src/ranking/IntTable.js';

const op = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), key: fc.nat(5000), v: fc.integer({ min: -5, max: 5 }) }),
  fc.record({ kind: fc.constant('max' as const), key: fc.nat(5000), v: fc.integer({ min: -5, max: 50 }) }),
  fc.record({ kind: fc.constant('put' as const), key: fc.oneof(fc.nat(64), fc.nat(1 << 30)), v: fc.constant(0) }),
  fc.record({ kind: fc.constant('reset' as const), key: fc.nat(100), v: fc.constant(0) }),
);

test('IntTable behaves as a Map from non-negative ints to numbers', () => {
  const table = new IntTable();
  fc.assert(
    fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
      table.reset();
      const ref = new Map<number, number>();
      for (const o of ops) {
        if (o.kind === 'reset') {
          table.reset(o.key);
          ref.clear();
        } else if (o.kind === 'add') {
          assert.equal(table.add(o.key, o.v), !ref.has(o.key));
          ref.set(o.key, (ref.get(o.key) ?? 0) + o.v);
        } else if (o.kind === 'max') {
          table.max(o.key, o.v);
          ref.set(o.key, Math.max(ref.get(o.key) ?? -Infinity, o.v));
        } else {
          assert.equal(table.put(o.key), !ref.has(o.key));
          if (!ref.has(o.key)) ref.set(o.key, 0);
        }
      }
      assert.equal(table.size, ref.size);
      for (const [k, v] of ref) {
        assert.ok(table.has(k));
        assert.equal(table.get(k), v);
      }
      for (const k of [0, 1, 4999, 5001, 1 << 29]) if (!ref.has(k)) assert.equal(table.get(k, -7), -7);
      assert.equal(table.has(-1), false);
      assert.equal(table.get(-1, 3), 3);
    }),
    { numRuns: 300 },
  );
});

test('keys that share their low bits are all kept and found', () => {
  const table = new IntTable();
  table.reset(1024);
  for (let i = 0; i < 1024; i++) table.put(i << 12);
  assert.equal(table.size, 1024);
  for (let i = 0; i < 1024; i++) assert.ok(table.has(i << 12));
});
