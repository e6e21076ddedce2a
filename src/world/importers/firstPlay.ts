// When interaction data says nothing about when an item entered the catalog, its first play is the best
// evidence: the item cannot have been available later than that. Imported worlds date such items by it, and
// the offline mode asks each listener's feed at their own last activity, so UnreleasedTrackFilter keeps out
// what others only found later (on MovieLens 100K, chosen on the inner split: NDCG@20 +0.0017 and +0.0013 on
// two inner seeds; u.item's theatrical release dates, mostly bare years, gave nothing: docs/evaluation.md).
import { DAY_MS } from '../timeline.js';
import type { Interactions } from './delimited.js';

/** The release day of an item without a single row: no evidence it was ever there, so never listed at any clock. */
export const NEVER_PLAYED_DAY = 0x7fffffff;

/**
 * Day (since 1970-01-01) of each item's first row; NEVER_PLAYED_DAY for an item without rows (an items list
 * may name more items than the rows do: on MovieLens the items only rated in the test part, which the genre
 * features would otherwise give cold-start vectors and list); null without timestamps.
 */
export function firstPlayDays(x: Interactions): Int32Array | null {
  const ts = x.timestampMs;
  if (ts === null) return null;
  const first = new Float64Array(x.itemIds.length).fill(Infinity);
  for (let i = 0; i < x.item.length; i++) if (ts[i]! < first[x.item[i]!]!) first[x.item[i]!] = ts[i]!;
  return Int32Array.from(first, (t) => (Number.isFinite(t) ? Math.floor(t / DAY_MS) : NEVER_PLAYED_DAY));
}

/** Time of each listener's last row (by listener id); null without timestamps. */
export function lastActivityMs(x: Interactions): Map<string, number> | null {
  const ts = x.timestampMs;
  if (ts === null) return null;
  const last = new Float64Array(x.userIds.length).fill(-Infinity);
  for (let i = 0; i < x.user.length; i++) if (ts[i]! > last[x.user[i]!]!) last[x.user[i]!] = ts[i]!;
  const byId = new Map<string, number>();
  x.userIds.forEach((id, u) => {
    if (Number.isFinite(last[u]!)) byId.set(id, last[u]!);
  });
  return byId;
}

/**
 * Release days for an imported world: the catalog's when the import has one (0 stays "unknown", as the catalog
 * import writes it), else the first play's (0 without timestamps).
 */
export function releaseDaysOf(known: Int32Array | null, x: Interactions): Int32Array {
  return known ?? firstPlayDays(x) ?? new Int32Array(x.itemIds.length);
}
