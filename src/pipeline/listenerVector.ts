// The listener's vector in the bundle's space. No online events: the trained row as is (a view, no
// copy). With online events (likes, plays, skips, dislikes since training): the exact ALS user step
// folded in from the training history plus those events (src/retrieval/foldIn.ts), so the next feed
// reflects them at once. A listener the bundle has never seen but who has events is folded in the same
// way. On radio the vector is pulled to the seed track.
import type { ModelBundle } from '../model/ModelBundle.js';
import { foldInUser } from '../retrieval/foldIn.js';
import type { ListenerState } from '../storage/interfaces.js';

/** Confidences of online evidence (same scale as training: c >= 1 positive, c < 0 a negative). */
const HISTORY_CONFIDENCE = 2;
const PLAY_CONFIDENCE = 2;
const LIKE_CONFIDENCE = 6;
const DISLIKE_CONFIDENCE = -6;
const SKIP_CONFIDENCE = -2;
const MAX_ONLINE = 200;
/** Weight of the listener's taste against the seed on radio (both normalised). */
const TASTE_ON_RADIO = 0.35;

function normalise(v: Float32Array): void {
  let n = 0;
  for (let d = 0; d < v.length; d++) n += v[d]! * v[d]!;
  if (n <= 0) return;
  const inv = 1 / Math.sqrt(n);
  for (let d = 0; d < v.length; d++) v[d]! *= inv;
}

function hasOnlineEvidence(s: ListenerState | null): s is ListenerState {
  return s !== null && (s.likedTracks.length > 0 || s.recentTracks.length > 0 || s.dislikedTracks.length > 0 || s.sessionSkipped.length > 0);
}

function foldIn(bundle: ModelBundle, state: ListenerState, history: Int32Array): Float32Array {
  const tracks: number[] = [];
  const weights: number[] = [];
  const push = (list: readonly number[] | Int32Array, c: number): void => {
    for (let i = 0; i < list.length && tracks.length < MAX_ONLINE * 2; i++) {
      tracks.push(list[i]!);
      weights.push(c);
    }
  };
  push(history, HISTORY_CONFIDENCE);
  push(state.recentTracks, PLAY_CONFIDENCE);
  push(state.likedTracks, LIKE_CONFIDENCE);
  push(state.sessionSkipped, SKIP_CONFIDENCE);
  push(state.dislikedTracks, DISLIKE_CONFIDENCE);
  return foldInUser(bundle, Int32Array.from(tracks), Float32Array.from(weights));
}

/** null when nothing at all is known (a new listener without events, not on radio). */
export function listenerVector(
  bundle: ModelBundle,
  userIndex: number | null,
  state: ListenerState | null,
  history: Int32Array,
  seedTrack: number | null,
): Float32Array | null {
  const dim = bundle.dim;
  const row = userIndex !== null ? bundle.userFactors.subarray(userIndex * dim, (userIndex + 1) * dim) : null;
  const seedKnown = seedTrack !== null && seedTrack >= 0 && seedTrack < bundle.trackCount;
  let taste: Float32Array | null = row;
  if (hasOnlineEvidence(state)) {
    try {
      taste = foldIn(bundle, state, history);
    } catch {
      taste = row; // a singular system (degenerate bundle): keep the trained row
    }
  }
  if (!seedKnown) return taste;
  const v = new Float32Array(dim);
  if (taste !== null) {
    v.set(taste);
    normalise(v);
    for (let d = 0; d < dim; d++) v[d]! *= TASTE_ON_RADIO;
  }
  const seedVec = new Float32Array(dim);
  bundle.itemVectors.copyRow(seedTrack, seedVec);
  normalise(seedVec);
  for (let d = 0; d < dim; d++) v[d]! += seedVec[d]!;
  return v;
}
