import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupByKey } from '../../src/catalog/groupByKey.js';

test('groupByKey: groups in key order, rows in row order within a group, empty keys have empty groups', () => {
  const { start, order } = groupByKey(Int32Array.from([2, 0, 2, 1, 0, 2]), 4);
  assert.deepEqual([...start], [0, 2, 3, 6, 6]);
  assert.deepEqual([...order], [1, 4, 3, 0, 2, 5]);
  const none = groupByKey(new Int32Array(0), 2);
  assert.deepEqual([...none.start], [0, 0, 0]);
  assert.equal(none.order.length, 0);
});
