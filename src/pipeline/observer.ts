import type { FeedResult } from './types.js';

/** Receives every finished feed (metrics: per-stage latency, candidates per source, degradations). */
export interface FeedObserver {
  observe(result: FeedResult): void;
}
