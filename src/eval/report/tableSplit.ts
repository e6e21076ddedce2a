// Splits of interaction rows (MovieLens, an imported world): per-user random 80/20 (the protocol of the published
// MovieLens figures, /work/shared/FACTS.md) or time-based (the last D days of the data held out).
import { Errors } from '../../domain/errors.js';
import { toCsr, mapValues, type Csr, type InteractionTable } from '../interactions.js';
import { splitPerUser, DEFAULT_SPLIT } from '../split.js';
import type { Interactions } from '../../world/importers/delimited.js';
import type { ItemsById } from '../../world/importers/alignItems.js';
import type { World } from '../../world/World.js';
import { pickEvalUsers, type EvalData } from './evalData.js';
import { DAY_MS } from './worldSplit.js';

export interface TableInput {
  readonly label: string;
  readonly rows: Interactions;
  readonly itemArtist: Int32Array;
  readonly artistCount: number;
  readonly itemGenre: ArrayLike<number>;
  /** Item metadata (content features, for Encore's feature listeners), or null. */
  readonly items: ItemsById | null;
}

export interface TableSplitOptions {
  readonly split: 'random' | 'time';
  /** Time split: days held out at the end. */
  readonly days: number;
  /** Random split: seed of the per-user shuffle. */
  readonly seed: number;
  readonly maxUsers: number;
}

/** An imported world's events (one `complete` per row, carrying its weight) as interaction rows. */
export function worldRows(world: World): TableInput {
  const ev = world.events;
  const c = world.catalog;
  const itemIds = Array.from({ length: c.trackCount }, (_, t) => c.trackIds.idAt(t));
  return {
    label: `imported world ${world.dir} (${world.manifest.source})`,
    rows: {
      userIds: Array.from({ length: world.users.count }, (_, u) => world.users.ids.idAt(u)),
      itemIds,
      user: ev.user,
      item: ev.track,
      weight: ev.weight ?? new Float32Array(ev.count).fill(1),
      timestampMs: ev.timestampMs,
    },
    itemArtist: c.columns.artist,
    artistCount: c.artistCount,
    itemGenre: c.columns.genre,
    items: {
      ids: itemIds,
      meta: { titles: Array.from({ length: c.trackCount }, () => ''), releaseDay: c.columns.releaseDay, genre: c.columns.genre, genreNames: c.genres.map((g) => g.name), features: c.columns.features, featureNames: c.featureNames },
    },
  };
}

function asTable(rows: Interactions): InteractionTable {
  return { ...rows, timestampMs: rows.timestampMs ?? new Float64Array(rows.user.length).fill(NaN) };
}

function subset(rows: Interactions, take: Uint8Array): Interactions {
  const idx: number[] = [];
  for (let i = 0; i < take.length; i++) if (take[i] === 1) idx.push(i);
  return {
    userIds: rows.userIds,
    itemIds: rows.itemIds,
    user: Int32Array.from(idx, (i) => rows.user[i]!),
    item: Int32Array.from(idx, (i) => rows.item[i]!),
    weight: Float32Array.from(idx, (i) => rows.weight[i]!),
    timestampMs: rows.timestampMs ? Float64Array.from(idx, (i) => rows.timestampMs![i]!) : null,
  };
}

/** Which rows are test rows: the per-user random split, or every row at or after cutoff = last + 1 ms − days. */
function testRows(rows: Interactions, opts: TableSplitOptions): { isTest: Uint8Array; cutoffMs: number; how: string } {
  if (opts.split === 'random') {
    const s = splitPerUser(asTable(rows), { ...DEFAULT_SPLIT, seed: opts.seed });
    return { isTest: s.isTest, cutoffMs: NaN, how: `per-user random ${Math.round(DEFAULT_SPLIT.testFraction * 100)} % test split, seed ${opts.seed}, listeners with >= ${DEFAULT_SPLIT.minInteractions} rows` };
  }
  const ts = rows.timestampMs;
  if (!ts) throw Errors.badRequest('a time split needs timestamps; this data has none (use --split random)');
  let last = -Infinity;
  for (let i = 0; i < ts.length; i++) last = Math.max(last, ts[i]!);
  const cutoffMs = last + 1 - opts.days * DAY_MS;
  const isTest = new Uint8Array(ts.length);
  for (let i = 0; i < ts.length; i++) isTest[i] = ts[i]! >= cutoffMs ? 1 : 0;
  return { isTest, cutoffMs, how: `time split at ${new Date(cutoffMs).toISOString()} (last ${opts.days} days held out)` };
}

function binary(rows: Interactions, take: Uint8Array): Csr {
  const ones = new Float32Array(rows.user.length).fill(1);
  return mapValues(toCsr(rows.userIds.length, rows.itemIds.length, rows.user, rows.item, ones, take), () => 1);
}

/** Removes from `test` every (user, item) also in `train` (a test row must be new to the listener). */
function minus(test: Csr, train: Csr): Csr {
  const take: number[] = [];
  const users: number[] = [];
  for (let u = 0; u < test.rows; u++) {
    const tr = new Set(train.indices.subarray(train.indptr[u]!, train.indptr[u + 1]!));
    for (let p = test.indptr[u]!; p < test.indptr[u + 1]!; p++) {
      if (tr.has(test.indices[p]!)) continue;
      take.push(test.indices[p]!);
      users.push(u);
    }
  }
  return mapValues(toCsr(test.rows, test.cols, Int32Array.from(users), Int32Array.from(take), new Float32Array(take.length).fill(1)), () => 1);
}

export function tableSplit(input: TableInput, opts: TableSplitOptions): EvalData {
  const rows = input.rows;
  const { isTest, cutoffMs, how } = testRows(rows, opts);
  const isTrain = isTest.map((x) => 1 - x);
  const train = binary(rows, isTrain);
  const test = minus(binary(rows, isTest), train);
  const evalUsers = pickEvalUsers(train, test, opts.maxUsers);
  const trainRows = subset(rows, isTrain);
  return {
    description:
      `${input.label}: ${rows.user.length} rows, ${rows.userIds.length} listeners, ${rows.itemIds.length} items (every row an interaction); ${how}: ` +
      `${trainRows.user.length} training rows, ${test.indices.length} relevant test pairs; ${evalUsers.length} listeners judged; full ranking over all items, training items excluded, binary relevance`,
    split: opts.split,
    users: rows.userIds.length,
    items: rows.itemIds.length,
    train,
    exclude: train,
    excludeForAll: new Int32Array(0),
    test,
    evalUsers,
    itemArtist: input.itemArtist,
    artistCount: input.artistCount,
    itemGenre: input.itemGenre,
    cutoffMs,
    days: opts.split === 'time' ? opts.days : NaN,
    encore: { kind: 'table', trainRows, userIds: rows.userIds, itemIds: rows.itemIds, items: input.items },
  };
}
