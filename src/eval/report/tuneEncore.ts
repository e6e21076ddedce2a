// Encore's ALS regularisation chosen on an inner validation problem built from the training part only: for a
// world, the same time split one window earlier (the training world cut again, its last days held out); for
// interaction rows, a per-listener random 20 % of the training rows (seed 99). Scored by NDCG@K.
import { DEFAULT_TRAIN } from '../../training/trainBundle.js';
import { OFFLINE_TRAIN } from '../offline.js';
import type { EvalData } from './evalData.js';
import { encoreLists } from './encoreLists.js';
import { mean, perUserAccuracy } from './perUser.js';
import { tableSplit } from './tableSplit.js';
import { worldTimeSplit } from './worldSplit.js';
import { INNER_SEED, INNER_USERS, type TuneResult } from './tune.js';

export const ENCORE_GRID_WORLD = [1, 5, DEFAULT_TRAIN.lambda];
export const ENCORE_GRID_TABLE = [10, OFFLINE_TRAIN.lambda, 50];

function innerProblem(data: EvalData): EvalData {
  const enc = data.encore;
  if (enc.kind === 'world') {
    return worldTimeSplit(enc.trainWorld, data.days, INNER_USERS);
  }
  return tableSplit(
    { label: 'inner', rows: enc.trainRows, itemArtist: data.itemArtist, artistCount: data.artistCount, itemGenre: data.itemGenre, items: enc.items },
    { split: 'random', days: 0, seed: INNER_SEED, maxUsers: INNER_USERS },
  );
}

export async function tuneEncore(data: EvalData, k: number, diversity: boolean, log: (s: string) => void): Promise<TuneResult> {
  const inner = innerProblem(data);
  const grid: { value: number; ndcg: number }[] = [];
  for (const value of data.encore.kind === 'world' ? ENCORE_GRID_WORLD : ENCORE_GRID_TABLE) {
    const run = await encoreLists(inner, { k, diversity, lambda: value, quiet: true });
    const ndcg = mean(perUserAccuracy(run.lists, inner.test, inner.evalUsers, k).ndcg);
    log(`eval: tuning Encore λ = ${value}: inner NDCG@${k} ${ndcg.toFixed(4)}`);
    grid.push({ value, ndcg });
  }
  const best = grid.reduce((a, b) => (b.ndcg > a.ndcg ? b : a));
  return { parameter: 'λ', grid, chosen: best.value };
}
