// Accuracy benchmark: MovieLens 100K, one per-user random 80/20 split shared by every model,
// Recall@20 / NDCG@20 for popularity, item-kNN, EASE, implicit ALS and Encore's offline mode.
import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import { runOffline, DEFAULT_OFFLINE } from '../src/eval/offline.js';
import { readRecsFile, writeInteractionsFile } from '../src/eval/recsFile.js';
import { evaluateLists } from '../src/eval/evaluate.js';
import { movieLens100kPath, readMovieLens100k } from '../src/eval/movielens.js';
import { splitPerUser, DEFAULT_SPLIT } from '../src/eval/split.js';
import { toCsr } from '../src/eval/interactions.js';
import { evaluateRecommender, type AccuracyResult } from '../src/eval/evaluate.js';
import { fitPopularity } from '../src/eval/baselines/popularity.js';
import { fitItemKnn } from '../src/eval/baselines/itemKnn.js';
import { fitEase } from '../src/eval/baselines/ease.js';
import { fitImplicitAls, ALS_BASELINE } from '../src/eval/baselines/implicitAls.js';

const K = 20;

async function main(): Promise<void> {
  const mlPath = movieLens100kPath();
  if (!mlPath) throw new Error('MovieLens 100K not found (set ENCORE_DATASETS)');
  console.log(`machine: ${os.cpus()[0]?.model ?? '?'} x ${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`);
  console.log(`date: ${new Date().toISOString()}`);
  const table = readMovieLens100k(mlPath);
  const split = splitPerUser(table, DEFAULT_SPLIT);
  const ones = new Float32Array(table.user.length).fill(1);
  const nu = table.userIds.length;
  const ni = table.itemIds.length;
  const train = toCsr(nu, ni, table.user, table.item, ones, split.isTest.map((x) => 1 - x));
  const test = toCsr(nu, ni, table.user, table.item, ones, split.isTest);
  console.log(`input: ${mlPath}: ${table.user.length} rows, ${nu} users, ${ni} items; split seed ${DEFAULT_SPLIT.seed}: ${train.indices.length} train, ${test.indices.length} test rows, ${split.evaluatedUsers} evaluated users`);
  const results: { r: AccuracyResult; fit: number }[] = [];
  for (const [name, fit] of [
    ['popularity', () => fitPopularity(train)],
    ['item-kNN', () => fitItemKnn(train, { neighbours: 100 })],
    ['EASE', () => fitEase(train, 500)],
    ['implicit ALS (64 f, λ=10, 1+log1p(w))', () => fitImplicitAls(train, ALS_BASELINE)],
  ] as const) {
    const t0 = performance.now();
    const rec = await fit();
    const fitS = (performance.now() - t0) / 1000;
    const r = evaluateRecommender(rec, train, test, K);
    results.push({ r, fit: fitS });
    console.log(`${name.padEnd(40)} Recall@${K} ${r.recall.toFixed(4)}  NDCG@${K} ${r.ndcg.toFixed(4)}  fit ${fitS.toFixed(1)} s  recommend ${r.seconds.toFixed(1)} s`);
  }
  // Encore: the `encore offline` path end to end (file in, RECS file out), with and without diversity.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'encore-acc-'));
  const trainFile = path.join(tmp, 'train.tsv');
  writeInteractionsFile(trainFile, table, split.isTest.map((x) => 1 - x));
  for (const diversity of [false, true]) {
    const out = path.join(tmp, `recs-${diversity}.tsv`);
    const s = await runOffline({ ...DEFAULT_OFFLINE, trainFile, k: K, out, diversity, quiet: true });
    const r = evaluateLists(`Encore offline (${diversity ? 'diversity on' : '--no-diversity'})`, readRecsFile(out, table, K), K, test, s.seconds);
    results.push({ r, fit: s.trainSeconds });
    console.log(`${r.name.padEnd(40)} Recall@${K} ${r.recall.toFixed(4)}  NDCG@${K} ${r.ndcg.toFixed(4)}  total ${s.seconds.toFixed(1)} s (train ${s.trainSeconds.toFixed(1)} s, recommend ${s.recommendSeconds.toFixed(1)} s)`);
    console.log(`  ${s.rankerMessage.split('\n').join('\n  ')}`);
  }
  fs.rmSync(tmp, { recursive: true, force: true });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
