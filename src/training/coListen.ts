// Co-listening table: for each track, the tracks most often played to the end near it in the same session
// (within WINDOW positions), weighted by cosine co-occurrence count / sqrt(freq a * freq b), top N per track.
//
// Counting pairs with a hash map would cost one JS object per pair (hundreds of millions at full scale), so
// pairs are encoded as float64 keys a * 2^26 + b (exact below 2^53), sorted and counted run by run, in
// several passes over ranges of `a` to bound memory.
import { EventType } from '../domain/events.js';
import type { EventColumns, UserRanges } from './confidence.js';

export interface CoListenCsr {
  readonly indptr: Int32Array; // trackCount + 1
  readonly tracks: Int32Array;
  readonly weights: Float32Array;
}

export interface CoListenOptions {
  readonly window: number;
  readonly topN: number;
  /** Max pairs held per pass (memory bound: 8 bytes each). */
  readonly pairsPerPass: number;
}

export const DEFAULT_COLISTEN: CoListenOptions = { window: 3, topN: 50, pairsPerPass: 40_000_000 };
const SHIFT = 2 ** 26;

const isPositive = (type: number): boolean => type === EventType.complete || type === EventType.like || type === EventType.save;

/** Positive plays per user (training part), consecutive duplicates removed, as flat arrays. */
function positiveSequence(events: EventColumns, ranges: UserRanges, userCount: number): { track: Int32Array; session: Int32Array; length: number } {
  let n = 0;
  for (let u = 0; u < userCount; u++) for (let i = ranges.start[u]!; i < ranges.trainEnd[u]!; i++) if (events.type[i]! === EventType.complete) n++;
  const track = new Int32Array(n);
  const session = new Int32Array(n);
  let k = 0;
  for (let u = 0; u < userCount; u++) {
    for (let i = ranges.start[u]!; i < ranges.trainEnd[u]!; i++) {
      if (events.type[i]! !== EventType.complete || !isPositive(events.type[i]!)) continue;
      const t = events.track[i]!;
      // A new user always starts a new session number (sessions are global and increasing).
      if (k > 0 && track[k - 1] === t && session[k - 1] === events.session[i]) continue;
      track[k] = t;
      session[k] = events.session[i]!;
      k++;
    }
  }
  return { track, session, length: k };
}

export function buildCoListen(
  events: EventColumns,
  ranges: UserRanges,
  userCount: number,
  trackCount: number,
  opts: CoListenOptions = DEFAULT_COLISTEN,
  onProgress?: (done: number, total: number) => void,
): CoListenCsr {
  const seq = positiveSequence(events, ranges, userCount);
  const freq = new Float64Array(trackCount);
  for (let i = 0; i < seq.length; i++) freq[seq.track[i]!]!++;
  // Pairs per `a` so that passes can be cut at track boundaries.
  const pairsOf = new Float64Array(trackCount);
  const W = opts.window;
  const forEachPair = (visit: (a: number, b: number) => void): void => {
    for (let i = 0; i < seq.length; i++) {
      const s = seq.session[i]!;
      const a = seq.track[i]!;
      for (let j = Math.max(0, i - W); j <= i + W && j < seq.length; j++) {
        if (j === i || seq.session[j]! !== s) continue;
        const b = seq.track[j]!;
        if (b !== a) visit(a, b);
      }
    }
  };
  let totalPairs = 0;
  forEachPair((a) => {
    pairsOf[a]!++;
    totalPairs++;
  });
  const indptr = new Int32Array(trackCount + 1);
  const outTracks: Int32Array[] = [];
  const outWeights: Float32Array[] = [];
  const candB = new Int32Array(trackCount > 0 ? Math.min(trackCount, 1 << 20) : 1);
  const candW = new Float32Array(candB.length);
  let written = 0;
  let lo = 0;
  let donePairs = 0;
  while (lo < trackCount) {
    let hi = lo;
    let count = 0;
    while (hi < trackCount && (count + pairsOf[hi]! <= opts.pairsPerPass || hi === lo)) count += pairsOf[hi++]!;
    const keys = new Float64Array(count);
    let k = 0;
    forEachPair((a, b) => {
      if (a >= lo && a < hi) keys[k++] = a * SHIFT + b;
    });
    keys.sort();
    const rowT: number[] = [];
    const rowW: number[] = [];
    let i = 0;
    let a = lo;
    const flushRowsUpTo = (next: number): void => {
      while (a < next) indptr[++a] = written;
    };
    while (i < k) {
      const ka = Math.floor(keys[i]! / SHIFT);
      flushRowsUpTo(ka);
      // Collect all b of this a.
      let nc = 0;
      while (i < k && Math.floor(keys[i]! / SHIFT) === ka) {
        const key = keys[i]!;
        let j = i;
        while (j < k && keys[j] === key) j++;
        const b = key - ka * SHIFT;
        if (nc < candB.length) {
          candB[nc] = b;
          candW[nc] = (j - i) / Math.sqrt(freq[ka]! * freq[b]!);
          nc++;
        }
        i = j;
      }
      // Top N by weight (ties: smaller track index first, deterministic).
      const order = Array.from({ length: nc }, (_, x) => x).sort((x, y) => candW[y]! - candW[x]! || candB[x]! - candB[y]!);
      const take = Math.min(opts.topN, nc);
      rowT.length = 0;
      rowW.length = 0;
      for (let x = 0; x < take; x++) {
        rowT.push(candB[order[x]!]!);
        rowW.push(candW[order[x]!]!);
      }
      outTracks.push(Int32Array.from(rowT));
      outWeights.push(Float32Array.from(rowW));
      written += take;
      indptr[ka + 1] = written;
      a = ka + 1;
    }
    flushRowsUpTo(hi);
    donePairs += count;
    onProgress?.(donePairs, totalPairs);
    lo = hi;
  }
  const tracks = new Int32Array(written);
  const weights = new Float32Array(written);
  let o = 0;
  for (let r = 0; r < outTracks.length; r++) {
    tracks.set(outTracks[r]!, o);
    weights.set(outWeights[r]!, o);
    o += outTracks[r]!.length;
  }
  return { indptr, tracks, weights };
}
