// The direct-method reward model of the doubly robust estimator: each track's completion rate in the world's
// history (the data the candidate was trained on, not the logged rewards being judged), shrunk toward the
// overall rate with PRIOR_PLAYS pseudo-plays so rarely played tracks do not get 0 or 1.
import { EventType } from '../domain/events.js';
import type { WorldEvents } from '../world/World.js';

export const PRIOR_PLAYS = 5;

export function trackCompletionModel(events: WorldEvents, trackCount: number): Float64Array {
  const plays = new Float64Array(trackCount);
  const done = new Float64Array(trackCount);
  let allPlays = 0;
  let allDone = 0;
  for (let i = 0; i < events.count; i++) {
    const t = events.track[i]!;
    const type = events.type[i]!;
    if (type === EventType.play_start) {
      plays[t]! += 1;
      allPlays++;
    } else if (type === EventType.complete) {
      done[t]! += 1;
      allDone++;
    }
  }
  const mu = allPlays > 0 ? allDone / allPlays : 0.5;
  const q = new Float64Array(trackCount);
  for (let t = 0; t < trackCount; t++) q[t] = (Math.min(done[t]!, plays[t]!) + PRIOR_PLAYS * mu) / (plays[t]! + PRIOR_PLAYS);
  return q;
}
