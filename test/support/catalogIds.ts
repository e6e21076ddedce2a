// Id dictionaries and availability sets for in-memory test catalogs, built the way a generated world has them:
// ids `${prefix}0..` (plain strings) and per-track availability sets interned from market bitmasks.
import { IdDictionary } from '../../src/catalog/IdDictionary.js';
import { EVERYWHERE, MarketSets } from '../../src/catalog/MarketSets.js';

/** `${prefix}0` .. `${prefix}${count - 1}`. */
export function sequentialIds(prefix: string, count: number): IdDictionary {
  const d = IdDictionary.create(count);
  for (let i = 0; i < count; i++) d.add(`${prefix}${i}`);
  return d;
}

/**
 * Availability sets for bitmasks over the first `marketCount` markets (bit i = market i): a mask with every bit
 * set is "everywhere" (set 0), any other its own set.
 */
export function marketSetsFromMasks(masks: ArrayLike<number>, marketCount: number): { marketSets: MarketSets; marketSet: Uint32Array } {
  const all = marketCount >= 32 ? 0xffffffff : 2 ** marketCount - 1;
  const marketSets = MarketSets.everywhereOnly();
  const marketSet = new Uint32Array(masks.length);
  for (let t = 0; t < masks.length; t++) {
    const mask = masks[t]! >>> 0;
    if (mask === all) {
      marketSet[t] = EVERYWHERE;
      continue;
    }
    const members: number[] = [];
    for (let m = 0; m < marketCount; m++) if ((mask >>> m) & 1) members.push(m);
    marketSet[t] = marketSets.intern(members);
  }
  return { marketSets, marketSet };
}

/** Every id of a dictionary, in index order. */
export function idsOf(d: IdDictionary): string[] {
  return Array.from({ length: d.size }, (_, i) => d.idAt(i));
}
