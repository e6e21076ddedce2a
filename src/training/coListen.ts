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

type PositiveSequence = ReturnType<typeof positiveSequence>;

/** Every ordered pair (a, b), a != b, of positives at most `window` apart in the same session. */
function forEachSessionPair(seq: PositiveSequence, window: number, visit: (a: number, b: number) => void): void {
  for (let i = 0; i < seq.length; i++) {
    const s = seq.session[i]!;
    const a = seq.track[i]!;
    for (let j = Math.max(0, i - window); j <= i + window && j < seq.length; j++) {
      if (j === i || seq.session[j]! !== s) continue;
      const b = seq.track[j]!;
      if (b !== a) visit(a, b);
    }
  }
}

/** One pass's scratch and output: the candidate neighbours of a track, the top-N pick, and the rows written so far. */
interface RowWriter {
  readonly indptr: Int32Array;
  readonly out: GrowableRows;
  readonly candB: Int32Array;
  readonly candW: Float32Array;
  readonly pick: TopByWeight;
  readonly freq: Float64Array;
}

/**
 * Rows [lo, hi) from their pairs' sorted keys (a * SHIFT + b): per a, each b's count, cosine-normalised by both
 * tracks' frequencies, then the top N by weight.
 */
function writeRows(keys: Float64Array, k: number, lo: number, hi: number, w: RowWriter): void {
  const { indptr, out, candB, candW, pick, freq } = w;
  let i = 0;
  let a = lo;
  const flushRowsUpTo = (next: number): void => {
    while (a < next) indptr[++a] = out.length;
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
    pick.select(candB, candW, nc, out);
    indptr[ka + 1] = out.length;
    a = ka + 1;
  }
  flushRowsUpTo(hi);
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
  let totalPairs = 0;
  forEachSessionPair(seq, opts.window, (a) => {
    pairsOf[a]!++;
    totalPairs++;
  });
  const candB = new Int32Array(trackCount > 0 ? Math.min(trackCount, 1 << 20) : 1);
  const writer: RowWriter = { indptr: new Int32Array(trackCount + 1), out: new GrowableRows(1 << 20), candB, candW: new Float32Array(candB.length), pick: new TopByWeight(opts.topN), freq };
  let lo = 0;
  let donePairs = 0;
  while (lo < trackCount) {
    // One pass: the tracks [lo, hi) whose pairs fit in opts.pairsPerPass keys (at least one track).
    let hi = lo;
    let count = 0;
    while (hi < trackCount && (count + pairsOf[hi]! <= opts.pairsPerPass || hi === lo)) count += pairsOf[hi++]!;
    const keys = new Float64Array(count);
    let k = 0;
    forEachSessionPair(seq, opts.window, (a, b) => {
      if (a >= lo && a < hi) keys[k++] = a * SHIFT + b;
    });
    keys.sort();
    writeRows(keys, k, lo, hi, writer);
    donePairs += count;
    onProgress?.(donePairs, totalPairs);
    lo = hi;
  }
  const { out } = writer;
  return { indptr: writer.indptr, tracks: out.tracks.slice(0, out.length), weights: out.weights.slice(0, out.length) };
}

/** The output rows, appended to flat arrays that double when full (no array per track: 3M rows at full scale). */
class GrowableRows {
  tracks: Int32Array;
  weights: Float32Array;
  length = 0;
  constructor(capacity: number) {
    this.tracks = new Int32Array(capacity);
    this.weights = new Float32Array(capacity);
  }
  push(track: number, weight: number): void {
    if (this.length === this.tracks.length) {
      const t = new Int32Array(this.tracks.length * 2);
      t.set(this.tracks);
      this.tracks = t;
      const w = new Float32Array(this.weights.length * 2);
      w.set(this.weights);
      this.weights = w;
    }
    this.tracks[this.length] = track;
    this.weights[this.length++] = weight;
  }
}

/**
 * The `n` best candidates by weight (ties: smaller track index first, deterministic), appended best first. A min-heap
 * of candidate positions with the worst kept one on top; per track a row used to be an array sorted with a
 * comparator and copied into typed arrays of its own, whose allocations cost a quarter of the table's build time
 * in garbage collection.
 */
class TopByWeight {
  private readonly heap: Int32Array;
  constructor(private readonly n: number) {
    this.heap = new Int32Array(Math.max(1, n));
  }
  select(b: Int32Array, w: Float32Array, count: number, out: GrowableRows): void {
    const heap = this.heap;
    // better(x, y): x ranks before y.
    const better = (x: number, y: number): boolean => w[x]! > w[y]! || (w[x] === w[y] && b[x]! < b[y]!);
    let size = 0;
    for (let c = 0; c < count; c++) {
      if (size < this.n) {
        let i = size++;
        heap[i] = c;
        while (i > 0) {
          const p = (i - 1) >> 1;
          if (!better(heap[p]!, heap[i]!)) break;
          const t = heap[p]!;
          heap[p] = heap[i]!;
          heap[i] = t;
          i = p;
        }
      } else if (better(c, heap[0]!)) {
        heap[0] = c;
        siftDown(heap, size, better);
      }
    }
    // Pop the worst first into the tail of the row, so the row reads best first.
    const start = out.length;
    for (let x = 0; x < size; x++) out.push(0, 0);
    for (let x = size - 1; x >= 0; x--) {
      const top = heap[0]!;
      out.tracks[start + x] = b[top]!;
      out.weights[start + x] = w[top]!;
      heap[0] = heap[--size]!;
      siftDown(heap, size, better);
    }
  }
}

function siftDown(heap: Int32Array, size: number, better: (x: number, y: number) => boolean): void {
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= size) return;
    const r = l + 1;
    // The worse child goes up (the heap keeps the worst kept candidate on top).
    const worse = r < size && better(heap[l]!, heap[r]!) ? r : l;
    if (!better(heap[i]!, heap[worse]!)) return;
    const t = heap[i]!;
    heap[i] = heap[worse]!;
    heap[worse] = t;
    i = worse;
  }
}
