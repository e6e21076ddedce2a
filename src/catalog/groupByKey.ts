// Rows grouped by an integer key with a stable counting sort: the group of key k is order[start[k] .. start[k + 1]),
// in row order. Tracks by genre or artist, events by listener: the same few lines were written four times.

export interface KeyGroups {
  /** keyCount + 1 offsets into `order`. */
  readonly start: Int32Array;
  /** Row indices, grouped by key, each group in row order. */
  readonly order: Int32Array;
}

/** Groups rows 0 .. keys.length by keys[row] (each in [0, keyCount)). */
export function groupByKey(keys: ArrayLike<number>, keyCount: number): KeyGroups {
  const n = keys.length;
  const start = new Int32Array(keyCount + 1);
  for (let i = 0; i < n; i++) start[keys[i]! + 1]!++;
  for (let k = 0; k < keyCount; k++) start[k + 1]! += start[k]!;
  const fill = start.slice(0, keyCount);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[fill[keys[i]!]!++] = i;
  return { start, order };
}
