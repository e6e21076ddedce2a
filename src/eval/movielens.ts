import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { InteractionTable } from './interactions.js';

/** The datasets folder: ENCORE_DATASETS, else /work/shared/datasets when present, else null. */
export function datasetsDir(): string | null {
  const env = process.env['ENCORE_DATASETS'];
  if (env && existsSync(env)) return env;
  if (existsSync('/work/shared/datasets')) return '/work/shared/datasets';
  return null;
}

/** Path of MovieLens 100K's u.data, or null when the dataset is absent. */
export function movieLens100kPath(): string | null {
  const dir = datasetsDir();
  if (!dir) return null;
  const p = join(dir, 'ml-100k', 'u.data');
  return existsSync(p) ? p : null;
}

/**
 * Reads MovieLens 100K u.data (user TAB item TAB rating TAB unix-seconds, no header): every rating is an
 * interaction whose weight is the rating. Ids keep their MovieLens numbers; indices are dense in order of
 * first appearance.
 */
export function readMovieLens100k(path: string): InteractionTable {
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n');
  const userIndex = new Map<string, number>();
  const itemIndex = new Map<string, number>();
  const userIds: string[] = [];
  const itemIds: string[] = [];
  const n = lines.filter((l) => l.length > 0).length;
  const user = new Int32Array(n);
  const item = new Int32Array(n);
  const weight = new Float32Array(n);
  const timestampMs = new Float64Array(n);
  let row = 0;
  for (const line of lines) {
    if (line.length === 0) continue;
    const [u, i, r, ts] = line.split('\t');
    if (u === undefined || i === undefined || r === undefined || ts === undefined) continue;
    let ui = userIndex.get(u);
    if (ui === undefined) {
      ui = userIds.length;
      userIndex.set(u, ui);
      userIds.push(u);
    }
    let ii = itemIndex.get(i);
    if (ii === undefined) {
      ii = itemIds.length;
      itemIndex.set(i, ii);
      itemIds.push(i);
    }
    user[row] = ui;
    item[row] = ii;
    weight[row] = Number(r);
    timestampMs[row] = Number(ts) * 1000;
    row++;
  }
  return { userIds, itemIds, user: user.subarray(0, row), item: item.subarray(0, row), weight: weight.subarray(0, row), timestampMs: timestampMs.subarray(0, row) };
}
