// How much a ranker over several generators' scores could gain on real data (issue 11 point 5), measured on the
// INNER validation split only (each listener's training rows of the shared MovieLens 100K accuracy split, a seeded
// 20 % held out again: src/eval/report/tune.ts), so nothing here looks at the test rows:
//   - Encore's ALS score alone (its confidence 1 + log1p(rating), λ 25, 64 factors: the settings of the offline path);
//   - EASE alone (λ 500, its tuned value);
//   - blends w · z(ALS) + (1 − w) · z(EASE) of the two scores' per-listener z-scores, and z(ALS) + β · log1p(popularity).
// A linear ranker over these scores can do no better than the best blend; if no blend beats the ALS score, the
// features carry no signal that ALS lacks on this data.
//   npm run bench:ranker-headroom [-- --out bench/results/ranker-headroom.md]
import fs from 'node:fs';
import os from 'node:os';
import { loadEvalData } from '../src/eval/report/loadInput.js';
import { innerSplit } from '../src/eval/report/tune.js';
import { toCsr, type Csr } from '../src/eval/interactions.js';
import { fitImplicitAls } from '../src/eval/baselines/implicitAls.js';
import { fitEasePrimal } from '../src/eval/baselines/ease.js';
import { ndcgAtK } from '../src/eval/metrics.js';
import { OFFLINE_TRAIN } from '../src/eval/offline.js';
import { datasetsDir } from '../src/eval/movielens.js';
import { topKDense } from '../src/eval/topk.js';

const K = 20;
const EASE_LAMBDA = 500;
const BLEND_WEIGHTS = [0, 0.3, 0.5, 0.7, 0.8, 0.9, 1];
const POPULARITY_BETAS = [-0.2, -0.1, 0.1, 0.2];

const argv = process.argv.slice(2);
const outIdx = argv.indexOf('--out');
const out = outIdx >= 0 && argv[outIdx + 1] ? argv[outIdx + 1]! : 'bench/results/ranker-headroom.md';

/** The inner training part with each row's rating as its value (what Encore's confidence reads). */
function withRatings(binary: Csr, rows: { user: Int32Array; item: Int32Array; weight: Float32Array }): Csr {
  const n = binary.cols;
  const rating = new Map<number, number>();
  for (let i = 0; i < rows.user.length; i++) rating.set(rows.user[i]! * n + rows.item[i]!, rows.weight[i]!);
  const r: number[] = [];
  const c: number[] = [];
  const v: number[] = [];
  for (let u = 0; u < binary.rows; u++) {
    for (let p = binary.indptr[u]!; p < binary.indptr[u + 1]!; p++) {
      r.push(u);
      c.push(binary.indices[p]!);
      v.push(rating.get(u * n + binary.indices[p]!) ?? 1);
    }
  }
  return toCsr(binary.rows, n, Int32Array.from(r), Int32Array.from(c), Float32Array.from(v));
}

/** In place: (a − mean) / std over the items the listener has not rated (the ones a list can hold). */
function zScore(a: Float64Array, excluded: Uint8Array): void {
  let s = 0;
  let q = 0;
  let c = 0;
  for (let j = 0; j < a.length; j++) {
    if (excluded[j]) continue;
    s += a[j]!;
    q += a[j]! * a[j]!;
    c++;
  }
  const mean = s / c;
  const sd = Math.sqrt(Math.max(1e-12, q / c - mean * mean));
  for (let j = 0; j < a.length; j++) a[j] = (a[j]! - mean) / sd;
}

async function main(): Promise<void> {
  if (datasetsDir() === null) {
    console.log('bench:ranker-headroom: MovieLens 100K not found (set ENCORE_DATASETS); nothing measured');
    return;
  }
  const started = performance.now();
  const data = loadEvalData({ world: null, dataset: 'ml-100k', split: null, days: 7, seed: 42, maxUsers: 2000 });
  if (data.encore.kind !== 'table') throw new Error('expected interaction rows');
  const inner = innerSplit(data.train);
  const train = withRatings(inner.train, data.encore.trainRows);
  const n = train.cols;
  const als = await fitImplicitAls(train, { factors: OFFLINE_TRAIN.factors, iterations: OFFLINE_TRAIN.iterations, lambda: OFFLINE_TRAIN.lambda, cgSteps: OFFLINE_TRAIN.cgSteps, seed: OFFLINE_TRAIN.seed, threads: 0, alpha: 1 });
  const ease = fitEasePrimal(inner.train, EASE_LAMBDA);
  const logPop = new Float64Array(n);
  for (let p = 0; p < inner.train.indices.length; p++) logPop[inner.train.indices[p]!]! += 1;
  for (let j = 0; j < n; j++) logPop[j] = Math.log1p(logPop[j]!);

  const variants: { name: string; mix: (j: number) => number; sum: number }[] = [];
  const za = new Float64Array(n);
  const ze = new Float64Array(n);
  for (const w of BLEND_WEIGHTS) variants.push({ name: w === 1 ? 'ALS score alone' : w === 0 ? 'EASE score alone' : `${w} · z(ALS) + ${(1 - w).toFixed(1)} · z(EASE)`, mix: (j) => w * za[j]! + (1 - w) * ze[j]!, sum: 0 });
  for (const b of POPULARITY_BETAS) variants.push({ name: `z(ALS) ${b < 0 ? '−' : '+'} ${Math.abs(b)} · log1p(popularity)`, mix: (j) => za[j]! + b * logPop[j]!, sum: 0 });
  const mixed = new Float64Array(n);
  const excluded = new Uint8Array(n);
  const list = new Int32Array(K);
  const heapIdx = new Int32Array(1024);
  const heapVal = new Float64Array(1024);
  for (const u of inner.users) {
    const own = inner.train.indices.subarray(inner.train.indptr[u]!, inner.train.indptr[u + 1]!);
    excluded.fill(0);
    for (const j of own) excluded[j] = 1;
    als.score(u, za);
    ease.score(u, ze);
    zScore(za, excluded);
    zScore(ze, excluded);
    const relevant = inner.valid.indices.subarray(inner.valid.indptr[u]!, inner.valid.indptr[u + 1]!);
    for (const v of variants) {
      for (let j = 0; j < n; j++) mixed[j] = v.mix(j);
      const got = topKDense(mixed, K, own, list, heapIdx, heapVal);
      v.sum += ndcgAtK(list.subarray(0, got), relevant, K);
    }
  }
  const alsVariant = variants[BLEND_WEIGHTS.indexOf(1)]!;
  const alsAlone = alsVariant.sum / inner.users.length;
  const easeAlone = variants[BLEND_WEIGHTS.indexOf(0)]!.sum / inner.users.length;
  const best = variants.reduce((a, b) => (b.sum > a.sum ? b : a));
  const lines = [
    '# Ranker headroom on real data (issue 11 point 5)',
    '',
    `- command: \`npm run bench:ranker-headroom\`; date ${new Date().toISOString()}; ${os.cpus()[0]?.model} x ${os.cpus().length}, Node ${process.version}`,
    `- inputs: MovieLens 100K accuracy split (seed 42), inner validation split of its training part (seed 99): ${inner.train.indices.length} rows to fit, ${inner.valid.indices.length} held out, ${inner.users.length} listeners judged; NDCG@${K}, training items excluded`,
    `- models: Encore's ALS (confidence 1 + log1p(rating), λ ${OFFLINE_TRAIN.lambda}, ${OFFLINE_TRAIN.factors} factors, ${OFFLINE_TRAIN.iterations} iterations), EASE (λ ${EASE_LAMBDA}); scores z-scored per listener over the unrated items`,
    '',
    `| scores combined | inner NDCG@${K} | vs ALS alone | vs EASE alone |`,
    '|---|---|---|---|',
    ...variants.map((v) => {
      const x = v.sum / inner.users.length;
      return `| ${v.name} | ${x.toFixed(4)} | ${(x - alsAlone >= 0 ? '+' : '')}${(x - alsAlone).toFixed(4)} | ${(x / easeAlone).toFixed(3)} × |`;
    }),
    '',
    `Best combination: ${best.name} (${(best.sum / inner.users.length).toFixed(4)}); ${((performance.now() - started) / 1000).toFixed(1)} s in all.`,
    best === alsVariant
      ? 'No blend of these scores beats the ALS score alone on the inner split: a linear ranker over them has nothing to add here.'
      : `Gain of the best blend over the ALS score: ${((best.sum / inner.users.length) - alsAlone).toFixed(4)}.`,
  ];
  for (const l of lines) console.log(l);
  fs.writeFileSync(out, lines.join('\n') + '\n');
}

await main();
