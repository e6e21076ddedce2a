import { DAY_MS } from '../world/timeline.js';

/** The day (since 1970-01-01) a request at nowMs falls on: a track is out that day when its release day is not after it. */
export function requestDay(nowMs: number): number {
  return Math.floor(nowMs / DAY_MS);
}
