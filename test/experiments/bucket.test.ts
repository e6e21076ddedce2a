import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assignVariant, bucketUniform, variantAt } from '../../src/experiments/bucket.js';
import { srmCheck } from '../../src/eval/stats/srm.js';
import type { ExperimentConfig } from '../../src/surfaces/SurfaceConfig.js';

const exp = (weights: number[]): ExperimentConfig => ({ name: 'ranker-test', variants: weights.map((weight, i) => ({ name: `v${i}`, weight, overrides: {} })) });
const ids = Array.from({ length: 20_000 }, (_, i) => `listener-${i}`);

test('bucketing is deterministic per (experiment, listener) and independent across experiments', () => {
  for (const id of ids.slice(0, 100)) assert.equal(bucketUniform('a', id), bucketUniform('a', id));
  let same = 0;
  for (const id of ids) if (assignVariant({ ...exp([1, 1]), name: 'a' }, id).name === assignVariant({ ...exp([1, 1]), name: 'b' }, id).name) same++;
  // Independent 50/50 assignments agree for about half the listeners (sd 0.35 %).
  assert.ok(Math.abs(same / ids.length - 0.5) < 0.02, `agreement ${same / ids.length}`);
});

test('contiguous ranges in declared order: a hand-checked mapping of u to variant', () => {
  const v = exp([1, 3]).variants;
  assert.equal(variantAt(v, 0).name, 'v0');
  assert.equal(variantAt(v, 0.2499).name, 'v0');
  assert.equal(variantAt(v, 0.25).name, 'v1');
  assert.equal(variantAt(v, 0.9999).name, 'v1');
  assert.equal(variantAt(exp([1, 0, 1]).variants, 0.6).name, 'v2', 'a zero-weight variant gets nobody');
});

test('stable when weights change: ramping treatment 50 % -> 70 % moves only control listeners, about 20 % of all', () => {
  let moved = 0;
  for (const id of ids) {
    const before = assignVariant(exp([50, 50]), id).name;
    const after = assignVariant(exp([30, 70]), id).name;
    if (before === 'v1') assert.equal(after, 'v1', `${id} left the arm that grew`);
    if (before !== after) moved++;
  }
  assert.ok(Math.abs(moved / ids.length - 0.2) < 0.015, `moved ${moved / ids.length}`);
});

test('uniform: shares follow the weights (no SRM) and u is flat over ten bins', () => {
  const counts = [0, 0, 0];
  const bins = new Array<number>(10).fill(0);
  for (const id of ids) {
    counts[Number(assignVariant(exp([1, 1, 2]), id).name.slice(1))]!++;
    bins[Math.floor(bucketUniform('flat', id) * 10)]!++;
  }
  assert.equal(srmCheck(counts, [1, 1, 2]).mismatch, false, `counts ${counts}`);
  assert.ok(Math.abs(counts[2]! / ids.length - 0.5) < 0.015);
  assert.ok(srmCheck(bins, new Array<number>(10).fill(1)).p > 0.001, `bins ${bins}`);
});
