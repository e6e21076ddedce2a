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

/** Builds the listener x track confidence matrix from the training part of each listener's events. */
export function buildConfidence(events: EventColumns, ranges: UserRanges, userCount: number, trackCount: number): ConfidenceResult {
  const W = CONFIDENCE_WEIGHTS;
  const indptr = new Int32Array(userCount + 1);
  let cap = 1 << 20;
  let indices = new Int32Array(cap);
  let confidence = new Float32Array(cap);
  let nnz = 0;
  const positiveUsers = new Int32Array(trackCount);
  const dislikedIdx: number[] = [];
  const dislikedPtr = new Int32Array(userCount + 1);
  // Per-user scratch: track -> slot, reused for every user (cleared after use).
  const slot = new Map<number, number>();
  let strength = new Float64Array(256);
  let early = new Float64Array(256);
  let isDisliked = new Uint8Array(256);
  let trackOf = new Int32Array(256);
  const weight = events.weight;
  for (let u = 0; u < userCount; u++) {
    slot.clear();
    let n = 0;
    for (let i = ranges.start[u]!; i < ranges.trainEnd[u]!; i++) {
      const type = events.type[i]!;
      if (type === EventType.impression || type === EventType.play_start || type === EventType.follow_artist || type === EventType.ban_artist) continue;
      const t = events.track[i]!;
      if (t < 0 || t >= trackCount) continue;
      let k = slot.get(t);
      if (k === undefined) {
        k = n++;
        if (k >= strength.length) {
          const grow = <T extends Float64Array | Uint8Array | Int32Array>(a: T): T => {
            const b = new (a.constructor as new (n: number) => T)(a.length * 2);
            b.set(a);
            return b;
          };
          strength = grow(strength);
          early = grow(early);
          isDisliked = grow(isDisliked);
          trackOf = grow(trackOf);
        }
        slot.set(t, k);
        strength[k] = 0;
        early[k] = 0;
        isDisliked[k] = 0;
        trackOf[k] = t;
      }
      switch (type) {
        case EventType.complete:
          strength[k]! += weight ? weight[i]! : W.complete;
          break;
        case EventType.skip:
          if (events.positionMs[i]! < EARLY_SKIP_MS) {
            strength[k]! -= W.earlySkip;
            early[k]! += 1;
          } else strength[k]! += W.lateSkip;
          break;
        case EventType.like:
          strength[k]! += W.like;
          break;
        case EventType.save:
          strength[k]! += W.save;
          break;
        case EventType.dislike:
          isDisliked[k] = 1;
          break;
        default:
          break;
      }
    }
    // Emit entries in ascending track order (stable CSR, deterministic).
    const order = Array.from(trackOf.subarray(0, n)).map((t, k) => [t, k] as const).sort((a, b) => a[0] - b[0]);
    if (nnz + n > cap) {
      while (nnz + n > cap) cap *= 2;
      const ni = new Int32Array(cap);
      ni.set(indices.subarray(0, nnz));
      indices = ni;
      const nc = new Float32Array(cap);
      nc.set(confidence.subarray(0, nnz));
      confidence = nc;
    }
    for (const [t, k] of order) {
      if (isDisliked[k]) {
        dislikedIdx.push(t);
        continue;
      }
      const s = strength[k]!;
      if (s > 0) {
        indices[nnz] = t;
        confidence[nnz++] = 1 + W.alpha * Math.log1p(s);
        positiveUsers[t]!++;
      } else if (early[k]! > 0) {
        indices[nnz] = t;
        confidence[nnz++] = -(1 + W.alpha * Math.log1p(early[k]!));
      }
    }
    indptr[u + 1] = nnz;
    dislikedPtr[u + 1] = dislikedIdx.length;
  }
  return {
    matrix: { rows: userCount, cols: trackCount, indptr, indices: indices.slice(0, nnz), confidence: confidence.slice(0, nnz) },
    positiveUsers,
    disliked: { indptr: dislikedPtr, tracks: Int32Array.from(dislikedIdx) },
  };
}
