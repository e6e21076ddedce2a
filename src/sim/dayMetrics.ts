// Per-day, per-policy totals of a simulation and the figures the report shows.
import { pairwiseDistinctShare } from '../eval/report/listMetrics.js';

export class DayTotals {
  active = 0;
  sessions = 0;
  plays = 0;
  completes = 0;
  skips = 0;
  earlySkips = 0;
  likes = 0;
  listenedMs = 0;
  served = 0;
  appealSum = 0;
  discoveryPlays = 0;
  feeds = 0;
  degradedFeeds = 0;
  diversitySum = 0;
  diversityFeeds = 0;
  readonly servedTracks = new Set<number>();

  /** One served feed: its tracks, their artists, and the truth appeal of each (no fatigue). */
  addFeed(tracks: readonly number[], itemArtist: Int32Array, appeal: readonly number[], degraded = false): void {
    this.feeds++;
    if (degraded) this.degradedFeeds++;
    this.served += tracks.length;
    for (const t of tracks) this.servedTracks.add(t);
    for (const a of appeal) this.appealSum += a;
    const d = pairwiseDistinctShare(Int32Array.from(tracks), itemArtist);
    if (!Number.isNaN(d)) {
      this.diversitySum += d;
      this.diversityFeeds++;
    }
  }
}

export interface DayFigures {
  readonly day: number;
  readonly policy: string;
  readonly modelVersion: string;
  readonly activeListeners: number;
  readonly sessions: number;
  readonly completionRate: number;
  readonly skipRate: number;
  /** Early skips (< 30 s) over plays. */
  readonly earlySkipRate: number;
  readonly likesPerSession: number;
  readonly minutesPerSession: number;
  /** Plays per session. */
  readonly sessionLength: number;
  /** Mean share of item pairs by different artists in a served feed. */
  readonly artistDiversity: number;
  /** Distinct tracks served / catalog tracks. */
  readonly catalogCoverage: number;
  /** Plays of artists the listener had never played before (history or earlier simulated days). */
  readonly discoveryShare: number;
  /** Mean truth-model completion probability of the tracks served (before fatigue). */
  readonly meanAppeal: number;
  /** Feeds the service answered degraded (load shedding, a source over budget) over feeds served. */
  readonly degradedShare: number;
}

const div = (a: number, b: number): number => (b > 0 ? a / b : NaN);

export function dayFigures(day: number, policy: string, modelVersion: string, t: DayTotals, trackCount: number): DayFigures {
  return {
    day,
    policy,
    modelVersion,
    activeListeners: t.active,
    sessions: t.sessions,
    completionRate: div(t.completes, t.plays),
    skipRate: div(t.skips, t.plays),
    earlySkipRate: div(t.earlySkips, t.plays),
    likesPerSession: div(t.likes, t.sessions),
    minutesPerSession: div(t.listenedMs / 60_000, t.sessions),
    sessionLength: div(t.plays, t.sessions),
    artistDiversity: div(t.diversitySum, t.diversityFeeds),
    catalogCoverage: div(t.servedTracks.size, trackCount),
    discoveryShare: div(t.discoveryPlays, t.plays),
    meanAppeal: div(t.appealSum, t.served),
    degradedShare: div(t.degradedFeeds, t.feeds),
  };
}
