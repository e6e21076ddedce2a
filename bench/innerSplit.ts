// The offline path's ALS choices measured on INNER splits of MovieLens 100K (issue 11 point 5), with the training
// code itself: each listener's training rows of the shared accuracy split (per-user 80/20, seed 42) are split
// again (a seeded 20 % held out: src/eval/report/tune.ts innerSplit), so nothing here reads the test rows. For each
// listener-activity exponent asked for, on each inner seed: confidence 1 + log1p(rating) (src/training/confidence.ts's
// rule for imported rows), withActivityWeighting, the 19 genres as feature listeners (withFeatureListeners), ALS
// at the offline settings (trainAls), then the listener's top 20 by u · v with their own rows excluded and, with the
// clock on, the items first rated (by anyone, in the inner training rows) after the listener's last day left out
// (the offline path's rule: src/world/importers/firstPlay.ts, UnreleasedTrackFilter). NDCG@20 against the held-out rows, every listener judged.
// The pipeline's other stages (sources, re-ranker) are not run: this is the first stage the choices change.
//   npm run bench:inner [-- --exponents 0,0.25,0.5,0.75 --seeds 99,7,13 --lambda 25 --feature-listeners 2 --no-clock]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { datasetsDir, movieLens100kPath, readMovieLens100k } from '../src/eval/movielens.js';
import { splitPerUser } from '../src/eval/split.js';
import { toCsr, type Csr, type InteractionTable } from '../src/eval/interactions.js';
import { innerSplit } from '../src/eval/report/tune.js';
import { OFFLINE_TRAIN } from '../src/eval/offline.js';
import { ndcgAtK } from '../src/eval/metrics.js';
import { topKDense } from '../src/eval/topk.js';
import { trainAls, type ConfidenceMatrix } from '../src/training/als.js';
import { CONFIDENCE_WEIGHTS } from '../src/training/confidence.js';
import { withActivityWeighting } from '../src/training/activityWeighting.js';
import { withFeatureListeners } from '../src/training/featureListeners.js';
import { columnsWithEntries } from '../src/training/compactAxes.js';
import { readMovieLens, MOVIELENS_GENRES } from '../src/world/importers/movielens.js';
import { firstPlayDays, lastActivityMs, NEVER_PLAYED_DAY } from '../src/world/importers/firstPlay.js';
import type { Interactions } from '../src/world/importers/delimited.js';
import { requestDay } from '../src/catalog/releaseDay.js';

const K = 20;

interface Inner {
  readonly train: Csr; // values: rating
  /** The same inner training entries as interaction rows (CSR order), for the offline path's clock rules. */
  readonly rows: Interactions;
  readonly valid: Csr;
}

/** The accuracy split's training rows, split again with `seed`; ratings and days kept per inner training entry. */
function innerOf(table: InteractionTable, seed: number): Inner {
  const isTest = splitPerUser(table).isTest;
  const trainRows = [...table.user.keys()].filter((i) => isTest[i] === 0);
  const U = table.userIds.length;
  const N = table.itemIds.length;
  const train = toCsr(U, N, Int32Array.from(trainRows, (i) => table.user[i]!), Int32Array.from(trainRows, (i) => table.item[i]!), Float32Array.from(trainRows, (i) => table.weight[i]!));
  const inner = innerSplit(train, seed, U);
  const key = new Map<number, number>(trainRows.map((i) => [table.user[i]! * N + table.item[i]!, i]));
  const m = inner.train;
  const user = new Int32Array(m.indices.length);
  const values = new Float32Array(m.indices.length);
  const timestampMs = new Float64Array(m.indices.length);
  for (let u = 0; u < U; u++) {
    for (let p = m.indptr[u]!; p < m.indptr[u + 1]!; p++) {
      const i = key.get(u * N + m.indices[p]!)!;
      user[p] = u;
      values[p] = table.weight[i]!;
      timestampMs[p] = table.timestampMs[i]!;
    }
  }
  const rows = { userIds: [...table.userIds], itemIds: [...table.itemIds], user, item: m.indices, weight: values, timestampMs };
  return { train: { ...m, values }, rows, valid: inner.valid };
}

/** u.item's 19 genre flags in the table's item order. */
function genreFeatures(dir: string, table: InteractionTable): Float32Array {
  const ml = readMovieLens(dir);
  const G = MOVIELENS_GENRES.length;
  const at = new Map(ml.interactions.itemIds.map((id, j) => [id, j]));
  const out = new Float32Array(table.itemIds.length * G);
  table.itemIds.forEach((id, j) => {
    const k = at.get(id);
    if (k !== undefined) out.set(ml.items!.features.subarray(k * G, (k + 1) * G), j * G);
  });
  return out;
}

/** ALS input as the offline path builds it: confidence, activity weighting, feature listeners. */
function alsInput(inner: Inner, exponent: number, genres: Float32Array, featureWeight: number): ConfidenceMatrix {
  const m = inner.train;
  const confidence = Float32Array.from(m.values, (r) => 1 + CONFIDENCE_WEIGHTS.alpha * Math.log1p(r));
  const weighted = withActivityWeighting({ rows: m.rows, cols: m.cols, indptr: m.indptr, indices: m.indices, confidence }, exponent);
  if (featureWeight <= 0) return weighted;
  return withFeatureListeners(weighted, columnsWithEntries(m), genres, MOVIELENS_GENRES.length, featureWeight);
}

/**
 * Mean NDCG@K of u · v lists over the listeners with held-out rows. Items without a training row are never listed
 * (NEVER_PLAYED_DAY); with `clock`, nor are those first rated after the listener's last day (the offline path's
 * firstPlayDays / lastActivityMs / requestDay, as UnreleasedTrackFilter applies them).
 */
function score(inner: Inner, userFactors: Float32Array, itemFactors: Float32Array, f: number, clock: boolean): number {
  const { train, valid, rows } = inner;
  const N = train.cols;
  const releaseDay = firstPlayDays(rows)!;
  const lastMs = lastActivityMs(rows)!;
  const out = new Float64Array(N);
  const list = new Int32Array(K);
  const heapIdx = new Int32Array(1024);
  const heapVal = new Float64Array(1024);
  let sum = 0;
  let judged = 0;
  for (let u = 0; u < train.rows; u++) {
    const relevant = valid.indices.subarray(valid.indptr[u]!, valid.indptr[u + 1]!);
    const own = train.indices.subarray(train.indptr[u]!, train.indptr[u + 1]!);
    if (relevant.length === 0 || own.length === 0) continue;
    const today = clock ? requestDay(lastMs.get(rows.userIds[u]!)!) : NEVER_PLAYED_DAY - 1;
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let d = 0; d < f; d++) s += userFactors[u * f + d]! * itemFactors[j * f + d]!;
      out[j] = releaseDay[j]! > today ? -Infinity : s;
    }
    const got = topKDense(out, K, own, list, heapIdx, heapVal);
    sum += ndcgAtK(list.subarray(0, got), relevant, K);
    judged++;
  }
  return sum / judged;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { exponents: { type: 'string', default: '0,0.25,0.5,0.75,1' }, seeds: { type: 'string', default: '99,7,13' }, lambda: { type: 'string', default: String(OFFLINE_TRAIN.lambda) }, 'feature-listeners': { type: 'string', default: String(OFFLINE_TRAIN.featureListeners) }, 'no-clock': { type: 'boolean', default: false }, out: { type: 'string', default: 'bench/results/inner-split.md' } } });
  const file = movieLens100kPath();
  const dir = datasetsDir();
  if (file === null || dir === null) {
    console.log('bench:inner: MovieLens 100K not found (set ENCORE_DATASETS); nothing measured');
    return;
  }
  const exponents = values.exponents.split(',').map(Number);
  const seeds = values.seeds.split(',').map(Number);
  const lambda = Number(values.lambda);
  const featureWeight = Number(values['feature-listeners']);
  const clock = !values['no-clock'];
  const table = readMovieLens100k(file);
  const genres = genreFeatures(path.join(dir, 'ml-100k'), table);
  const f = OFFLINE_TRAIN.factors;
  const started = performance.now();
  const rows: string[] = [];
  const inners = seeds.map((seed) => innerOf(table, seed));
  for (const x of exponents) {
    const perSeed: number[] = [];
    for (const [i, seed] of seeds.entries()) {
      const inner = inners[i]!;
      const als = await trainAls(alsInput(inner, x, genres, featureWeight), { factors: f, iterations: OFFLINE_TRAIN.iterations, lambda, cgSteps: OFFLINE_TRAIN.cgSteps, seed: OFFLINE_TRAIN.seed, threads: 0 });
      perSeed.push(score(inner, als.userFactors, als.itemFactors, f, clock));
      console.log(`activity exponent ${x}, inner seed ${seed}: NDCG@${K} ${perSeed.at(-1)!.toFixed(4)}`);
    }
    rows.push(`| ${x} | ${perSeed.map((v) => v.toFixed(4)).join(' | ')} | ${(perSeed.reduce((a, b) => a + b, 0) / perSeed.length).toFixed(4)} |`);
  }
  const md = [
    '# Inner-split choices of the offline path (issue 11 point 5)',
    '',
    `- command: \`npm run bench:inner -- ${process.argv.slice(2).join(' ')}\`; date ${new Date().toISOString()}; ${os.cpus()[0]?.model} x ${os.cpus().length}, Node ${process.version}; ${((performance.now() - started) / 1000).toFixed(0)} s`,
    `- inputs: MovieLens 100K accuracy split (per-user 80/20, seed 42), its training rows split again per listener (20 % held out) with each inner seed; every listener with held-out rows judged; NDCG@${K}, own rows excluded${clock ? ', the listener\'s clock on' : ''}`,
    `- model: ALS ${f} factors, λ ${lambda}, ${OFFLINE_TRAIN.iterations} iterations, confidence 1 + log1p(rating), genre feature listeners at weight ${featureWeight}; the row's exponent x scales each listener's positive weights by (n / mean n)^-x`,
    '',
    `| activity exponent | ${seeds.map((s) => `seed ${s}`).join(' | ')} | mean |`,
    `|---|${seeds.map(() => '---|').join('')}---|`,
    ...rows,
  ];
  fs.writeFileSync(values.out, md.join('\n') + '\n');
  console.log(md.join('\n'));
}

await main();
