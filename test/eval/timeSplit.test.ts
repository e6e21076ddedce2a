// No future leaks into training: everything the models learn from (the cut world Encore trains on, the
// baselines' matrix, the popularity counts) lies strictly before the cutoff.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateWorld, openWorld } from '../../src/world/World.js';
import { DAY_MS, isPositiveType, worldTimeSplit } from '../../src/eval/report/worldSplit.js';
import { tableSplit } from '../../src/eval/report/tableSplit.js';
import { exclusionsOf, trainUserCounts } from '../../src/eval/report/evalData.js';
import { fitPopularity } from '../../src/eval/baselines/popularity.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'encore-eval-split-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

test('world time split: the training world, matrix and popularity hold nothing at or after the cutoff', async () => {
  const dir = path.join(root, 'world');
  await generateWorld({ tracks: 3000, users: 300, seed: 4, out: dir });
  const world = openWorld(dir);
  const days = 30;
  const data = worldTimeSplit(world, days, 1000);
  const cutoff = world.manifest.nowMs - days * DAY_MS;
  assert.equal(data.cutoffMs, cutoff);
  assert.equal(data.encore.kind, 'world');
  if (data.encore.kind !== 'world') return;
  const tw = data.encore.trainWorld;
  assert.equal(tw.manifest.nowMs, cutoff, 'the training world ends at the cutoff');
  assert.ok(tw.events.count > 0 && tw.events.count < world.events.count);
  for (let i = 0; i < tw.events.count; i++) assert.ok(tw.events.timestampMs[i]! < cutoff);
  assert.equal(tw.events.userStart[tw.users.count], tw.events.count);

  // Per-track positives before / after the cutoff, counted independently from the raw events.
  const before = new Map<string, number>();
  const seenAfter = new Set<number>();
  const ev = world.events;
  for (let i = 0; i < ev.count; i++) {
    if (!isPositiveType(ev.type[i]!)) continue;
    if (ev.timestampMs[i]! < cutoff) before.set(`${ev.user[i]}:${ev.track[i]}`, 1);
    else seenAfter.add(ev.track[i]!);
  }
  assert.equal(data.train.indices.length, before.size, 'training positives are exactly the pairs before the cutoff');
  for (let u = 0; u < data.train.rows; u++) {
    for (let p = data.train.indptr[u]!; p < data.train.indptr[u + 1]!; p++) assert.ok(before.has(`${u}:${data.train.indices[p]}`));
  }
  // Popularity (what the popularity baseline ranks by and novelty uses) is counted on the past only: a track
  // with positives only after the cutoff counts 0 and the baseline never ranks it above a track with any.
  const counts = trainUserCounts(data.train);
  const futureOnly = [...seenAfter].filter((t) => counts[t] === 0);
  assert.ok(futureOnly.length > 0, 'the world has tracks first liked after the cutoff (the canary)');
  const pop = fitPopularity(data.train);
  const out = new Int32Array(50);
  const n = pop.recommend(0, 50, new Int32Array(0), out);
  for (let r = 0; r < n; r++) assert.ok(!futureOnly.includes(out[r]!));
  // Relevant test pairs come from the test window only and are new to the listener.
  let relevant = 0;
  const excluded = exclusionsOf(data);
  for (let u = 0; u < data.test.rows; u++) {
    for (let p = data.test.indptr[u]!; p < data.test.indptr[u + 1]!; p++) {
      relevant++;
      assert.ok(!before.has(`${u}:${data.test.indices[p]}`));
      assert.ok(!excluded(u).includes(data.test.indices[p]!), 'a relevant track is never an excluded one');
    }
  }
  // Tracks released at or after the cutoff are excluded from every list, once for all listeners.
  const releaseDay = world.catalog.columns.releaseDay;
  const unreleased = Array.from(releaseDay.keys()).filter((t) => releaseDay[t]! > 0 && releaseDay[t]! * DAY_MS >= cutoff);
  assert.ok(unreleased.length > 0, 'the world releases tracks after the cutoff (the canary)');
  assert.deepEqual(Array.from(data.excludeForAll), unreleased);
  const u0 = data.evalUsers[0]!;
  const mine = excluded(u0);
  for (const t of unreleased) assert.ok(mine.includes(t), `unreleased track ${t} excluded for listener ${u0}`);
  assert.ok(relevant > 0 && data.evalUsers.length > 0);
});

test('table time split: rows at or after the cutoff reach neither the training rows nor the matrix', () => {
  const T0 = Date.UTC(2020, 0, 1);
  const user = Int32Array.from([0, 0, 0, 1, 1, 1]);
  const item = Int32Array.from([0, 1, 2, 0, 2, 3]);
  const timestampMs = Float64Array.from([T0, T0 + DAY_MS, T0 + 9 * DAY_MS, T0, T0 + 2 * DAY_MS, T0 + 9.5 * DAY_MS]);
  const rows = { userIds: ['a', 'b'], itemIds: ['w', 'x', 'y', 'z'], user, item, weight: new Float32Array(6).fill(1), timestampMs };
  const data = tableSplit({ label: 't', rows, itemArtist: Int32Array.from([0, 1, 2, 3]), artistCount: 4, itemGenre: [0, 0, 0, 0], items: null }, { split: 'time', days: 2, seed: 1, maxUsers: 10 });
  // last row at day 9.5 -> cutoff at day 7.5 + 1 ms: rows at day 9 and 9.5 are test
  assert.equal(data.train.indices.length, 4);
  assert.deepEqual(Array.from(data.test.indices), [2, 3]);
  if (data.encore.kind !== 'table') throw new Error('expected table input');
  assert.equal(data.encore.trainRows.user.length, 4);
  for (const t of data.encore.trainRows.timestampMs!) assert.ok(t < data.cutoffMs);
  // user 1's item 2 is a training row, so only item 3 is new and relevant for user 1; user 0's item 2 is new.
  assert.deepEqual(Array.from(data.test.indptr), [0, 1, 2]);
});
