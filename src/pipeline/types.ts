// Public request/response shapes of the feed pipeline: what recommend() takes and returns. The HTTP
// feed route serialises FeedResult as is; `encore offline` reads items[].trackId.

export interface RecommendRequest {
  readonly userId: string;
  readonly surface: string; // 'home' | 'radio' | any surface in src/surfaces/index.ts
  readonly limit: number;
  /** radio: the track to continue from (the app's track id). */
  readonly seedTrackId?: string;
  /** Cold start: genre ids picked at onboarding (the HTTP layer resolves names). */
  readonly onboardingGenres?: readonly number[];
  /** For a listener with no profile: market index and explicit setting sent with the request. */
  readonly market?: number;
  readonly explicitOk?: boolean;
  /** false turns the re-ranking rules (artist spacing, album spread, discovery, exploration) off. Default true. */
  readonly diversity?: boolean;
  /**
   * false: no exploration slot, the other rules stay (a batch export that keeps no impression log with
   * propensities, where a random pick could teach nothing). Default true; off whenever diversity is.
   */
  readonly exploration?: boolean;
  /** Track indices never to return (offline evaluation excludes a listener's training items). */
  readonly excludeTracks?: Int32Array | readonly number[];
  /** Overrides for reproducible runs (tests, offline mode). */
  readonly requestId?: string;
  readonly nowMs?: number;
  /**
   * performance.now() when the request arrived (HTTP): the surface budget counts from here, so a request
   * that queued behind others gets less time and degrades to the cheap fallbacks instead of adding to
   * the queue. Default: when recommend() is called.
   */
  readonly receivedAt?: number;
  /** Seed of the exploration policy; default derives from the request id. */
  readonly explorationSeed?: number;
  /** true: the result carries the exploration slot's whole policy (off-policy evaluation; not on HTTP). */
  readonly withExplorationPolicy?: boolean;
}

/** The exploration slot's policy for one request: every track it could have drawn and its probability. */
export interface ExplorationPolicy {
  readonly trackIds: readonly string[];
  readonly probabilities: Float64Array;
}

export interface FeedItem {
  readonly trackId: string;
  readonly title: string;
  readonly artistId: string;
  readonly artist: string; // display name
  readonly albumId: string;
  readonly album: string; // display title
  readonly score: number;
  /** Names of the candidate sources that returned this track, the winning (explaining) source first. */
  readonly sources: readonly string[];
  /** Why this track is here, in words a listener understands. */
  readonly reason: string;
  /** Present on the exploration slot: probability the policy chose this item (log it with the impression). */
  readonly propensity?: number;
  readonly exploration?: boolean;
}

export type StageStatus = 'ok' | 'degraded' | 'timeout' | 'failed' | 'skipped';

export interface StageTrace {
  readonly name: string;
  readonly ms: number;
  readonly in: number;
  readonly out: number;
  readonly status: StageStatus;
  /** Optional detail (e.g. removed counts, error message). */
  readonly detail?: string;
}

export interface Degradation {
  readonly component: string;
  readonly reason: string;
}

export interface FeedResult {
  readonly requestId: string;
  readonly surface: string;
  readonly modelVersion: string;
  readonly items: readonly FeedItem[];
  readonly trace: { readonly totalMs: number; readonly stages: readonly StageTrace[] };
  readonly degraded: readonly Degradation[];
  /** Only when the request asked for it (withExplorationPolicy). */
  readonly explorationPolicy?: ExplorationPolicy;
}
