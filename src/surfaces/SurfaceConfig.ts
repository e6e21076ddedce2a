// A surface is configuration, not code: its latency budget, candidate sources, filters, ranker,
// re-ranking rules and fallbacks. The pipeline runner (src/pipeline/recommend.ts) interprets it.

export interface SourceSlot {
  /** Stable component name (CandidateSource.name), also the metric label and trace stage. */
  readonly name: string;
  /** How many candidates to ask for. */
  readonly limit: number;
  /** Its own deadline; the runner uses min(budgetMs, time left in the surface budget). */
  readonly budgetMs: number;
  /** true: a failure or overrun is skipped and reported as degraded; false: the request falls back. */
  readonly failOpen: boolean;
  /**
   * Load shedding (brownout), fail-open sources only: skip this source while the process is saturated
   * (event-loop lag above its threshold: requests are queueing, see src/server/EventLoopLoad.ts) or when the request
   * already waited this long before retrieval. The cheaper sources still answer, the response lists the
   * source as degraded, and the queue drains instead of growing. Absent = never shed.
   */
  readonly shedAfterMs?: number;
}

export interface RerankConfig {
  readonly maxPerArtist: number;
  /** Minimum share of items from artists the listener has never played, when the candidates allow. */
  readonly discoveryShare: number;
  /** 0-based position of the exploration slot, or -1 for none. */
  readonly explorationSlot: number;
  /** How many eligible candidates the exploration policy samples from. */
  readonly explorationPool: number;
  /** Softmax temperature over normalised scores; higher explores more. */
  readonly explorationTemperature: number;
  /**
   * Share of the exploration probability spread uniformly over the first `explorationWidePool` eligible candidates
   * (absent or 0: none). Why: off-policy evaluation of another bundle needs the logged slot to be able to draw what
   * that bundle would; a softmax over this bundle's top `explorationPool` alone misses about half of a retrained
   * bundle's pool (bench/results/simulate.md), which biases IPS by the missing mass.
   */
  readonly explorationUniformShare?: number;
  readonly explorationWidePool?: number;
  /** Candidates (best score first) the re-ranker considers. */
  readonly window: number;
}

/** What a variant changes on its surface (anything absent keeps the surface's own setting). */
export interface VariantOverrides {
  readonly ranker?: string;
  readonly rerank?: Partial<RerankConfig>;
}

export interface ExperimentVariant {
  readonly name: string;
  /** Traffic weight (any non-negative scale; shares are weight / sum of weights). */
  readonly weight: number;
  readonly overrides: VariantOverrides;
}

/**
 * An experiment on a surface: listeners are bucketed by a hash of experiment name + listener id
 * (src/experiments/bucket.ts); the first variant is the control of the readout.
 */
export interface ExperimentConfig {
  readonly name: string;
  readonly variants: readonly ExperimentVariant[];
}

export interface SurfaceConfig {
  readonly name: string;
  /** End-to-end budget of the pipeline, ms. */
  readonly budgetMs: number;
  /** radio needs a seed track; home does not. */
  readonly requiresSeed: boolean;
  readonly sources: readonly SourceSlot[];
  /**
   * Used when every regular source failed or returned nothing (e.g. popularity in the market), so a
   * request any fallback could answer never errors.
   */
  readonly fallbackSources: readonly SourceSlot[];
  /** Filter names, applied in order (src/filters/index.ts). */
  readonly filters: readonly string[];
  /** Scorer name; `fallbackRanker` is used when it is missing or fails. */
  readonly ranker: string;
  readonly fallbackRanker: string;
  /** Budget for the ranker stage, ms; on overrun the retrieval order is kept. */
  readonly rankerBudgetMs: number;
  readonly rerank: RerankConfig;
  readonly experiment?: ExperimentConfig;
}
