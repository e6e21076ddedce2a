import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { movieLens100kPath, readMovieLens100k } from '../../src/eval/movielens.js';
import { splitPerUser, DEFAULT_SPLIT } from '../../src/eval/split.js';
import { toCsr } from '../../src/eval/interactions.js';
import { evaluateLists, evaluateRecommender } from '../../src/eval/evaluate.js';
import { fitPopularity } from '../../src/eval/baselines/popularity.js';
import { runOffline, DEFAULT_OFFLINE } from '../../src/eval/offline.js';
import { readRecsFile, writeInteractionsFile } from '../../src/eval/recsFile.js';
import { readMovieLens } from '../../src/world/importers/movielens.js';

// The `encore offline` path on MovieLens 100K (80/20 per-user split): one list of K per listener, none of the
// listener's own rows, nothing first rated (by anyone, in the training rows) after the listener's own last training
// day (each listener is asked at their own clock), and more accurate than popularity. Skips when the dataset is absent.
test('encore offline on MovieLens 100K beats popularity and never returns a training item', { timeout: 300_000 }, async (t) => {
  const file = movieLens100kPath();
  if (!file) {
    t.skip('MovieLens 100K not found (ENCORE_DATASETS)');
    return;
  }
  const K = 20;
  const table = readMovieLens100k(file);
  const split = splitPerUser(table, DEFAULT_SPLIT);
  const isTrain = split.isTest.map((x) => 1 - x);
  const ones = new Float32Array(table.user.length).fill(1);
  const train = toCsr(table.userIds.length, table.itemIds.length, table.user, table.item, ones, isTrain);
  const testSet = toCsr(table.userIds.length, table.itemIds.length, table.user, table.item, ones, split.isTest);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'encore-ml-'));
  try {
    const trainFile = path.join(dir, 'train.tsv');
    const out = path.join(dir, 'recs.tsv');
    writeInteractionsFile(trainFile, table, isTrain);
    const ml = readMovieLens(path.dirname(file));
    const summary = await runOffline({ ...DEFAULT_OFFLINE, trainFile, k: K, out, diversity: false, quiet: true }, undefined, { ids: ml.interactions.itemIds, meta: ml.items! });
    assert.equal(summary.users, table.userIds.length);
    const recs = readRecsFile(out, table, K);
    const lines = fs.readFileSync(out, 'utf8').trim().split('\n');
    assert.equal(lines.length, table.userIds.length * K, 'K lines per listener');
    const DAY = 86_400_000;
    const firstDay = new Float64Array(table.itemIds.length).fill(Infinity);
    const lastDay = new Float64Array(table.userIds.length).fill(-Infinity);
    for (let i = 0; i < table.user.length; i++) {
      if (!isTrain[i]) continue;
      const d = Math.floor(table.timestampMs[i]! / DAY);
      firstDay[table.item[i]!] = Math.min(firstDay[table.item[i]!]!, d);
      lastDay[table.user[i]!] = Math.max(lastDay[table.user[i]!]!, d);
    }
    let later = 0;
    for (let u = 0; u < table.userIds.length; u++) {
      const own = new Set(train.indices.subarray(train.indptr[u]!, train.indptr[u + 1]!));
      for (let r = 0; r < K; r++) {
        const item = recs[u * K + r]!;
        assert.ok(item >= 0, `listener ${table.userIds[u]} rank ${r + 1} missing`);
        assert.ok(!own.has(item), `listener ${table.userIds[u]} got a training item`);
        assert.ok(!Number.isFinite(firstDay[item]!) || firstDay[item]! <= lastDay[u]!, `listener ${table.userIds[u]} got item ${table.itemIds[item]} first rated on day ${firstDay[item]}, after their last day ${lastDay[u]}`);
        if (firstDay[item]! > lastDay[u]! - 30) later++;
      }
    }
    assert.ok(later > 0, 'some lists hold items first rated within a month of the listener\'s last day (the clock is not just the file\'s start)');
    const encore = evaluateLists('Encore', recs, K, testSet);
    const pop = evaluateRecommender(fitPopularity(train), train, testSet, K);
    assert.ok(encore.ndcg > pop.ndcg + 0.05, `Encore NDCG@20 ${encore.ndcg} vs popularity ${pop.ndcg}`);
    assert.ok(encore.recall > pop.recall + 0.05, `Encore Recall@20 ${encore.recall} vs popularity ${pop.recall}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
