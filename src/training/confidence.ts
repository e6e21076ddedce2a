// Listening events -> one implicit-feedback confidence per (listener, track) pair, as a CSR matrix for trainAls.
//
// Rules (per pair, over the listener's TRAINING events only):
//   strength s = 1.0 x completes + 0.5 x late skips (skip at >= EARLY_SKIP_MS: heard a good part of it)
//              + 2.0 x likes + 2.0 x saves            (explicit positive feedback counts more than a play)
//              - 1.0 x early skips                    (skip before EARLY_SKIP_MS: "not for me")
//   imported data (events.weight present, type = complete): the row's weight replaces the 1.0 of a complete.
//   - a dislike anywhere in the training events EXCLUDES the pair (no entry at all, and see `disliked`).
//   - s > 0:  positive preference, confidence c = 1 + alpha * log1p(s)   (alpha = 1: the MovieLens-tuned setting)
//   - s <= 0 with early skips: negative evidence, encoded as -(1 + alpha * log1p(early skips)): preference 0
//     with confidence above the default 1 of an unobserved pair (trainAls treats negatives that way).
//   - play_start and impressions alone carry no evidence (the outcome event says how the play went).
import { EARLY_SKIP_MS, EventType } from '../domain/events.js';
import type { ConfidenceMatrix } from './als.js';

/** The columns of world events this module reads (src/world/World.ts WorldEvents satisfies it). */
export interface EventColumns {
  readonly count: number;
  readonly user: Int32Array;
  readonly track: Int32Array;
  readonly type: Uint8Array;
  readonly positionMs: Int32Array;
  readonly session: Int32Array;
  readonly timestampMs: Float64Array;
  readonly weight: Float32Array | null;
}

export const CONFIDENCE_WEIGHTS = { complete: 1, lateSkip: 0.5, like: 2, save: 2, earlySkip: 1, alpha: 1 } as const;

/** Event ranges per listener: events of user u are [start[u], end[u]); grouped by user ascending. */
export interface UserRanges {
  readonly start: Int32Array; // userCount
  /** End of the user's training events (start of the held-out last session). */
  readonly trainEnd: Int32Array;
  readonly end: Int32Array;
}

/**
 * Splits each listener's events into training and held-out: the LAST session is held out when the listener
 * has at least two sessions (a listener with one session keeps it for training, or it would have no history).
 */
export function userRanges(events: EventColumns, userCount: number, holdOutLastSession = true): UserRanges {
  const start = new Int32Array(userCount);
  const end = new Int32Array(userCount);
  const trainEnd = new Int32Array(userCount);
  let i = 0;
  for (let u = 0; u < userCount; u++) {
    start[u] = i;
    while (i < events.count && events.user[i]! === u) i++;
    end[u] = i;
    let te = i;
    if (i > start[u]!) {
      const last = events.session[i - 1]!;
      let s = i;
      while (s > start[u]! && events.session[s - 1]! === last) s--;
      if (s > start[u]! && holdOutLastSession) te = s;
    }
    trainEnd[u] = te;
  }
  return { start, trainEnd, end };
}

export interface ConfidenceResult {
  readonly matrix: ConfidenceMatrix;
  /** Per track, the number of listeners with a positive entry (used for popularity and the cold-start fit). */
  readonly positiveUsers: Int32Array;
  /** Disliked (user, track) pairs as CSR (indptr over users). */
  readonly disliked: { readonly indptr: Int32Array; readonly tracks: Int32Array };
}

/** One listener's tracks and what their events add up to; reused for every listener (cleared by reset()). */
class ListenerTally {
  private readonly slot = new Map<number, number>();
  n = 0;
  strength = new Float64Array(256);
  early = new Float64Array(256);
  isDisliked = new Uint8Array(256);
  trackOf = new Int32Array(256);

  reset(): void {
    this.slot.clear();
    this.n = 0;
  }

  /** The slot of track t, opened (zeroed) on its first event. */
  slotOf(t: number): number {
    const known = this.slot.get(t);
    if (known !== undefined) return known;
    const k = this.n++;
    if (k >= this.strength.length) this.grow();
    this.slot.set(t, k);
    this.strength[k] = 0;
    this.early[k] = 0;
    this.isDisliked[k] = 0;
    this.trackOf[k] = t;
    return k;
  }

  private grow(): void {
    const twice = <T extends Float64Array | Uint8Array | Int32Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(a.length * 2);
      b.set(a);
      return b;
    };
    this.strength = twice(this.strength);
    this.early = twice(this.early);
    this.isDisliked = twice(this.isDisliked);
    this.trackOf = twice(this.trackOf);
  }
}

/** Adds events [from, to) of one listener to the tally (impressions, starts and artist events carry no track signal). */
function tallyEvents(events: EventColumns, from: number, to: number, trackCount: number, tally: ListenerTally): void {
  const W = CONFIDENCE_WEIGHTS;
  const weight = events.weight;
  for (let i = from; i < to; i++) {
    const type = events.type[i]!;
    if (type === EventType.impression || type === EventType.play_start || type === EventType.follow_artist || type === EventType.ban_artist) continue;
    const t = events.track[i]!;
    if (t < 0 || t >= trackCount) continue;
    const k = tally.slotOf(t);
    switch (type) {
      case EventType.complete:
        tally.strength[k]! += weight ? weight[i]! : W.complete;
        break;
      case EventType.skip:
        if (events.positionMs[i]! < EARLY_SKIP_MS) {
          tally.strength[k]! -= W.earlySkip;
          tally.early[k]! += 1;
        } else tally.strength[k]! += W.lateSkip;
        break;
      case EventType.like:
        tally.strength[k]! += W.like;
        break;
      case EventType.save:
        tally.strength[k]! += W.save;
        break;
      case EventType.dislike:
        tally.isDisliked[k] = 1;
        break;
      default:
        break;
    }
  }
}

/** The matrix's entries, grown by doubling. */
class EntryBuffer {
  nnz = 0;
  private cap = 1 << 20;
  indices = new Int32Array(this.cap);
  confidence = new Float32Array(this.cap);

  reserve(more: number): void {
    if (this.nnz + more <= this.cap) return;
    while (this.nnz + more > this.cap) this.cap *= 2;
    const ni = new Int32Array(this.cap);
    ni.set(this.indices.subarray(0, this.nnz));
    this.indices = ni;
    const nc = new Float32Array(this.cap);
    nc.set(this.confidence.subarray(0, this.nnz));
    this.confidence = nc;
  }

  push(t: number, c: number): void {
    this.indices[this.nnz] = t;
    this.confidence[this.nnz++] = c;
  }
}

/** Builds the listener x track confidence matrix from the training part of each listener's events. */
export function buildConfidence(events: EventColumns, ranges: UserRanges, userCount: number, trackCount: number): ConfidenceResult {
  const W = CONFIDENCE_WEIGHTS;
  const indptr = new Int32Array(userCount + 1);
  const entries = new EntryBuffer();
  const positiveUsers = new Int32Array(trackCount);
  const dislikedIdx: number[] = [];
  const dislikedPtr = new Int32Array(userCount + 1);
  const tally = new ListenerTally();
  for (let u = 0; u < userCount; u++) {
    tally.reset();
    tallyEvents(events, ranges.start[u]!, ranges.trainEnd[u]!, trackCount, tally);
    const n = tally.n;
    // Emit entries in ascending track order (stable CSR, deterministic).
    const order = Array.from(tally.trackOf.subarray(0, n)).map((t, k) => [t, k] as const).sort((a, b) => a[0] - b[0]);
    entries.reserve(n);
    for (const [t, k] of order) {
      if (tally.isDisliked[k]) {
        dislikedIdx.push(t);
        continue;
      }
      const st = tally.strength[k]!;
      if (st > 0) {
        entries.push(t, 1 + W.alpha * Math.log1p(st));
        positiveUsers[t]!++;
      } else if (tally.early[k]! > 0) entries.push(t, -(1 + W.alpha * Math.log1p(tally.early[k]!)));
    }
    indptr[u + 1] = entries.nnz;
    dislikedPtr[u + 1] = dislikedIdx.length;
  }
  const nnz = entries.nnz;
  return {
    matrix: { rows: userCount, cols: trackCount, indptr, indices: entries.indices.slice(0, nnz), confidence: entries.confidence.slice(0, nnz) },
    positiveUsers,
    disliked: { indptr: dislikedPtr, tracks: Int32Array.from(dislikedIdx) },
  };
}
