import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitPerUser } from '../../src/eval/split.js';
import type { InteractionTable } from '../../src/eval/interactions.js';
import { toCsr, transpose } from '../../src/eval/interactions.js';

function table(rowsPerUser: readonly number[]): InteractionTable {
  const user: number[] = [];
  const item: number[] = [];
  rowsPerUser.forEach((n, u) => {
    for (let i = 0; i < n; i++) {
      user.push(u);
      item.push((u * 7 + i) % 50);
    }
  });
  return {
    userIds: rowsPerUser.map((_, u) => String(u)),
    itemIds: Array.from({ length: 50 }, (_, i) => String(i)),
    user: Int32Array.from(user),
    item: Int32Array.from(item),
    weight: new Float32Array(user.length).fill(1),
    timestampMs: new Float64Array(user.length).fill(NaN),
  };
}

test('per-user split is deterministic for a seed and differs across seeds', () => {
  const t = table([10, 20, 4, 30, 5]);
  const a = splitPerUser(t, { testFraction: 0.2, minInteractions: 5, seed: 1 });
  const b = splitPerUser(t, { testFraction: 0.2, minInteractions: 5, seed: 1 });
  const c = splitPerUser(t, { testFraction: 0.2, minInteractions: 5, seed: 2 });
  assert.deepEqual(a.isTest, b.isTest);
  assert.notDeepEqual(a.isTest, c.isTest);
});

test('20% of each eligible user goes to test; users under the minimum stay in train', () => {
  const t = table([10, 20, 4, 30, 5]);
  const s = splitPerUser(t, { testFraction: 0.2, minInteractions: 5, seed: 3 });
  const perUser = [0, 0, 0, 0, 0];
  for (let i = 0; i < t.user.length; i++) if (s.isTest[i] === 1) perUser[t.user[i]!]!++;
  assert.deepEqual(perUser, [2, 4, 0, 6, 1]);
  assert.equal(s.evaluatedUsers, 4);
  assert.equal(s.testRows, 13);
});

test('CSR merges duplicate rows and transposes', () => {
  const m = toCsr(2, 3, Int32Array.from([0, 0, 1, 0]), Int32Array.from([2, 0, 1, 2]), Float32Array.from([1, 1, 1, 2]));
  assert.deepEqual(Array.from(m.indptr), [0, 2, 3]);
  assert.deepEqual(Array.from(m.indices), [0, 2, 1]);
  assert.deepEqual(Array.from(m.values), [1, 3, 1]);
  const t = transpose(m);
  assert.deepEqual(Array.from(t.indptr), [0, 1, 2, 3]);
  assert.deepEqual(Array.from(t.indices), [0, 1, 0]);
});
