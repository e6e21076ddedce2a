// Writers shared by the generator and the importers for the catalog's availability sets and id dictionaries.
import type { ColumnSpec } from '../world/format.js';
import { writeColumn } from '../world/format.js';
import { IdDictionary } from './IdDictionary.js';
import { EVERYWHERE, MarketSets } from './MarketSets.js';

/**
 * Writes per-track availability given as bitmasks over the first `marketCount` markets (bit i = market i):
 * a mask with every bit set becomes "everywhere" (set 0), any other mask its own interned set.
 */
export function writeMarketMasks(dir: string, masks: Uint16Array | Uint32Array, marketCount: number, files: Record<string, ColumnSpec>, paths: { set: string; sets: string }): void {
  const all = marketCount >= 32 ? 0xffffffff : 2 ** marketCount - 1;
  const sets = MarketSets.everywhereOnly();
  const setOf = new Map<number, number>();
  const column = new Uint32Array(masks.length);
  const members: number[] = [];
  for (let t = 0; t < masks.length; t++) {
    const mask = masks[t]! >>> 0;
    if (mask === all) {
      column[t] = EVERYWHERE;
      continue;
    }
    let s = setOf.get(mask);
    if (s === undefined) {
      members.length = 0;
      for (let m = 0; m < marketCount; m++) if ((mask >>> m) & 1) members.push(m);
      s = sets.intern(members);
      setOf.set(mask, s);
    }
    column[t] = s;
  }
  writeColumn(dir, paths.set, column, files);
  writeColumn(dir, paths.sets, sets.words, files);
}

/** Writes the dictionary of a generated world's ids: `${prefix}0` .. `${prefix}${count - 1}`. */
export function writeSequentialIds(dir: string, name: string, prefix: string, count: number, files: Record<string, ColumnSpec>): void {
  const d = IdDictionary.create(count);
  for (let i = 0; i < count; i++) d.add(`${prefix}${i}`);
  d.save(dir, name, files);
}
