// The listener's vector in the bundle's space: the trained row, moved by what the online state says
// (likes, recent plays) so that the next feed reflects new events at once; on radio, pulled to the seed.
import type { ModelBundle } from '../model/ModelBundle.js';
import type { ListenerState } from '../storage/interfaces.js';

/** Weight of the trained row against online evidence, and of the seed on radio. */
const ONLINE_WEIGHT = 0.5;
const SEED_WEIGHT = 1.0;

function addRow(out: Float32Array, factors: Float32Array, t: number, dim: number, w: number): void {
  const o = t * dim;
  for (let d = 0; d < dim; d++) out[d]! += w * factors[o + d]!;
}

function normalise(v: Float32Array): void {
  let n = 0;
  for (let d = 0; d < v.length; d++) n += v[d]! * v[d]!;
  if (n <= 0) return;
  const inv = 1 / Math.sqrt(n);
  for (let d = 0; d < v.length; d++) v[d]! *= inv;
}

/**
 * Returns the trained row itself (a view, no copy) when nothing online changes it; otherwise a new
 * vector: the row (if any) plus the normalised mean of the online positives' item vectors, minus
 * the disliked ones; plus the seed's item vector on radio. null when nothing at all is known.
 */
export function listenerVector(
  bundle: ModelBundle,
  userIndex: number | null,
  state: ListenerState | null,
  _history: Int32Array,
  seedTrack: number | null,
): Float32Array | null {
  const dim = bundle.dim;
  const f = bundle.itemFactors;
  const n = bundle.trackCount;
  const row = userIndex !== null ? bundle.userFactors.subarray(userIndex * dim, (userIndex + 1) * dim) : null;
  const seedKnown = seedTrack !== null && seedTrack >= 0 && seedTrack < n;
  const online = state !== null && (state.likedTracks.length > 0 || state.recentTracks.length > 0 || state.dislikedTracks.length > 0);
  if (!online && !seedKnown) return row;

  const v = new Float32Array(dim);
  if (online) {
    // Hand-written instead of the least-squares fold-in: a mean of item vectors is enough to move the
    // feed toward what was just played and costs dim x (a few dozen) flops on the request path.
    const onlineVec = new Float32Array(dim);
    let k = 0;
    for (const t of state.likedTracks) {
      if (t >= 0 && t < n && k++ < 100) addRow(onlineVec, f, t, dim, 2);
    }
    for (const t of state.recentTracks) {
      if (t >= 0 && t < n && k++ < 150) addRow(onlineVec, f, t, dim, 1);
    }
    for (const t of state.dislikedTracks) if (t >= 0 && t < n) addRow(onlineVec, f, t, dim, -1);
    normalise(onlineVec);
    let rowNorm = 0;
    if (row !== null) {
      for (let d = 0; d < dim; d++) rowNorm += row[d]! * row[d]!;
      rowNorm = Math.sqrt(rowNorm);
      for (let d = 0; d < dim; d++) v[d] = row[d]!;
    }
    const scale = row !== null && rowNorm > 0 ? rowNorm * ONLINE_WEIGHT : 1;
    for (let d = 0; d < dim; d++) v[d]! += scale * onlineVec[d]!;
  } else if (row !== null) {
    for (let d = 0; d < dim; d++) v[d] = row[d]!;
  }
  if (seedKnown) {
    normalise(v);
    const seedVec = new Float32Array(dim);
    addRow(seedVec, f, seedTrack, dim, 1);
    normalise(seedVec);
    for (let d = 0; d < dim; d++) v[d] = 0.35 * v[d]! + SEED_WEIGHT * seedVec[d]!;
  }
  return v;
}
