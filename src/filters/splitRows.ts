import type { FilterResult } from '../pipeline/contracts.js';

const NONE = new Int32Array(0);
const keepAllCache = new Map<number, Int32Array>();

/** Rows 0..count-1 kept, none removed (shared, read-only). */
export function keepAll(count: number): FilterResult {
  let kept = keepAllCache.get(count);
  if (kept === undefined) {
    kept = new Int32Array(count);
    for (let i = 0; i < count; i++) kept[i] = i;
    if (keepAllCache.size < 4096) keepAllCache.set(count, kept);
  }
  return { kept, removed: NONE };
}

/** Splits rows by a drop mask (1 = remove) into kept and removed row indices, both in input order. */
export function splitRows(count: number, drop: Uint8Array, dropped: number): FilterResult {
  if (dropped === 0) return keepAll(count);
  const kept = new Int32Array(count - dropped);
  const removed = new Int32Array(dropped);
  let k = 0;
  let r = 0;
  for (let i = 0; i < count; i++) {
    if (drop[i] === 1) removed[r++] = i;
    else kept[k++] = i;
  }
  return { kept, removed };
}

/** Builds a FilterResult removing the rows whose track is in `tracks` (small per-listener lists). */
export function removeTracksIn(tracks: Int32Array, count: number, banned: ReadonlySet<number>): FilterResult {
  if (banned.size === 0) return keepAll(count);
  const drop = new Uint8Array(count);
  let dropped = 0;
  for (let i = 0; i < count; i++) {
    if (banned.has(tracks[i]!)) {
      drop[i] = 1;
      dropped++;
    }
  }
  return splitRows(count, drop, dropped);
}
