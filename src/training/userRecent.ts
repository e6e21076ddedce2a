// Per listener, the most recent distinct positive tracks (complete, like, save) of the TRAINING events,
// newest first: the listener's history as the service sees it (the held-out last session is excluded).
import { EventType } from '../domain/events.js';
import type { EventColumns, UserRanges } from './confidence.js';

export function buildUserRecent(events: EventColumns, ranges: UserRanges, userCount: number, perUser = 50): { indptr: Int32Array; tracks: Int32Array } {
  const indptr = new Int32Array(userCount + 1);
  const out: number[] = [];
  const seen = new Set<number>();
  for (let u = 0; u < userCount; u++) {
    seen.clear();
    for (let i = ranges.trainEnd[u]! - 1; i >= ranges.start[u]! && seen.size < perUser; i--) {
      const type = events.type[i]!;
      if (type !== EventType.complete && type !== EventType.like && type !== EventType.save) continue;
      const t = events.track[i]!;
      if (seen.has(t)) continue;
      seen.add(t);
      out.push(t);
    }
    indptr[u + 1] = out.length;
  }
  return { indptr, tracks: Int32Array.from(out) };
}
