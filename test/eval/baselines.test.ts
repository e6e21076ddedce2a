import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toCsr, type Csr } from '../../src/eval/interactions.js';
import { fitPopularity } from '../../src/eval/baselines/popularity.js';
import { fitItemKnn } from '../../src/eval/baselines/itemKnn.js';
import { fitEase, fitEaseDual, fitEasePrimal } from '../../src/eval/baselines/ease.js';
import { invertSpdInPlace } from '../../src/eval/cholesky.js';
import { topKDense } from '../../src/eval/topk.js';

// Two taste clusters: users 0-5 play items 0-3, users 6-11 play items 4-7; item 8 is played by everyone
// in cluster B only once more (so it is the most popular).
function tinyWorld(): Csr {
  const u: number[] = [];
  const i: number[] = [];
  for (let user = 0; user < 12; user++) {
    const base = user < 6 ? 0 : 4;
    for (let k = 0; k < 4; k++) if ((user + k) % 4 !== 0) {
      u.push(user);
      i.push(base + k);
    }
    u.push(user);
    i.push(8);
  }
  return toCsr(12, 9, Int32Array.from(u), Int32Array.from(i), new Float32Array(u.length).fill(1));
}

function recommendFor(rec: ReturnType<typeof fitPopularity>, train: Csr, user: number, k: number): number[] {
  const out = new Int32Array(k);
  const n = rec.recommend(user, k, train.indices.subarray(train.indptr[user]!, train.indptr[user + 1]!), out);
  return Array.from(out.subarray(0, n));
}

test('popularity recommends the most played item the user has not played', () => {
  const train = tinyWorld();
  const pop = fitPopularity(train);
  const recs = recommendFor(pop, train, 0, 3);
  assert.ok(!recs.includes(8), 'user 0 played item 8 already');
  assert.equal(recs.length, 3);
});

test('item-kNN and EASE recommend the missing item of the user\'s own cluster first', () => {
  const train = tinyWorld();
  for (const rec of [fitItemKnn(train, { neighbours: 5 }), fitEase(train, 1)]) {
    // user u misses k = (4 - u % 4) % 4: user 0 misses item 0, user 7 misses item 4 + 1 = 5
    assert.equal(recommendFor(rec, train, 0, 1)[0], 0, rec.name);
    assert.equal(recommendFor(rec, train, 7, 1)[0], 5, rec.name);
  }
});

test('SPD inverse: A * inv(A) = I', () => {
  const n = 4;
  const a = Float64Array.from([4, 1, 0, 1, 1, 3, 1, 0, 0, 1, 5, 2, 1, 0, 2, 6]);
  const inv = a.slice();
  invertSpdInPlace(inv, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += a[i * n + k]! * inv[k * n + j]!;
      assert.ok(Math.abs(s - (i === j ? 1 : 0)) < 1e-10);
    }
  }
});

test('topKDense returns the best k in order and skips exclusions', () => {
  const scores = Float64Array.from([0.1, 0.9, 0.5, 0.7, 0.3]);
  const out = new Int32Array(3);
  const n = topKDense(scores, 3, Int32Array.from([1]), out, new Int32Array(3), new Float64Array(3));
  assert.equal(n, 3);
  assert.deepEqual(Array.from(out), [3, 2, 4]);
  assert.equal(scores[1], 0.9, 'exclusions are restored');
});

test('EASE in its listeners x listeners (dual) form ranks exactly as the items x items form', () => {
  let seed = 7;
  const rnd = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const users = 15;
  const items = 40;
  const u: number[] = [];
  const i: number[] = [];
  for (let a = 0; a < users; a++) for (let b = 0; b < items; b++) if (rnd() < 0.2) {
    u.push(a);
    i.push(b);
  }
  const train = toCsr(users, items, Int32Array.from(u), Int32Array.from(i), new Float32Array(u.length).fill(1));
  for (const lambda of [1, 10]) {
    const primal = fitEasePrimal(train, lambda);
    const dual = fitEaseDual(train, lambda);
    for (let user = 0; user < users; user++) {
      const none = new Int32Array(0);
      const a = new Int32Array(10);
      const b = new Int32Array(10);
      primal.recommend(user, 10, none, a);
      dual.recommend(user, 10, none, b);
      assert.deepEqual(Array.from(b), Array.from(a), `user ${user}, lambda ${lambda}`);
    }
  }
});
