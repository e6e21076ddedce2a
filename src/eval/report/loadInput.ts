// What `encore eval` evaluates on: a world directory (synthetic: time split of its event history; imported:
// its interaction rows) or a named dataset read from $ENCORE_DATASETS (ml-100k).
import path from 'node:path';
import fs from 'node:fs';
import { Errors } from '../../domain/errors.js';
import { openWorld } from '../../world/World.js';
import { readMovieLens } from '../../world/importers/movielens.js';
import { datasetsDir } from '../movielens.js';
import type { EvalData } from './evalData.js';
import { tableSplit, worldRows, type TableInput } from './tableSplit.js';
import { worldTimeSplit } from './worldSplit.js';

export interface InputOptions {
  readonly world: string | null;
  readonly dataset: string | null;
  /** null = the default: time for a world, random for a dataset (the published MovieLens protocol). */
  readonly split: 'time' | 'random' | null;
  readonly days: number;
  readonly seed: number;
  readonly maxUsers: number;
}

export const DATASETS = ['ml-100k'] as const;

function movieLensInput(): TableInput {
  const root = datasetsDir();
  const dir = root ? path.join(root, 'ml-100k') : null;
  if (!dir || !fs.existsSync(path.join(dir, 'u.data'))) throw Errors.badRequest('MovieLens 100K not found: set ENCORE_DATASETS to the folder holding ml-100k/');
  const data = readMovieLens(dir);
  const n = data.interactions.itemIds.length;
  return {
    label: `MovieLens 100K (${dir})`,
    rows: data.interactions,
    // MovieLens names no artists: each item is its own "artist" (as `encore import` writes it).
    itemArtist: Int32Array.from({ length: n }, (_, i) => i),
    artistCount: n,
    itemGenre: data.items?.genre ?? new Uint16Array(n),
    items: data.items ? { ids: data.interactions.itemIds, meta: data.items } : null,
  };
}

export function loadEvalData(o: InputOptions): EvalData {
  if ((o.world === null) === (o.dataset === null)) throw Errors.badRequest('give exactly one of --world DIR or --dataset NAME');
  if (!(Number.isInteger(o.days) && o.days >= 1)) throw Errors.badRequest(`--days must be a positive integer, got ${o.days}`);
  if (o.dataset !== null) {
    if (o.dataset !== 'ml-100k') throw Errors.badRequest(`unknown dataset "${o.dataset}" (known: ${DATASETS.join(', ')})`);
    return tableSplit(movieLensInput(), { split: o.split ?? 'random', days: o.days, seed: o.seed, maxUsers: o.maxUsers });
  }
  const world = openWorld(o.world!);
  if (world.manifest.source === 'synthetic') {
    if (o.split === 'random') throw Errors.badRequest('a synthetic world is evaluated on a time split only (its history is sessions of plays, not rows)');
    return worldTimeSplit(world, o.days, o.maxUsers);
  }
  return tableSplit(worldRows(world), { split: o.split ?? 'time', days: o.days, seed: o.seed, maxUsers: o.maxUsers });
}
