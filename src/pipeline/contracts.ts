import type { Catalog } from '../catalog/Catalog.js';
import type { ModelBundle } from '../model/ModelBundle.js';
import type { ListenerState } from '../storage/interfaces.js';

// Stage contracts of the feed pipeline (product-mixer style). Every component has a stable CamelCase
// `name`: the same string is its metric label, trace stage name, log field and config key.

/** Everything a request knows before retrieval starts. Built once by the context stage. */
export interface RequestContext {
  readonly requestId: string;
  readonly surface: string;
  readonly userId: string;
  /** Row in the bundle's userFactors, or null for a listener the model has never seen. */
  readonly userIndex: number | null;
  readonly market: number; // index into the catalog's market list
  readonly explicitOk: boolean;
  readonly nowMs: number;
  readonly limit: number;
  /** radio: the seed track; null on other surfaces. */
  readonly seedTrack: number | null;
  /** Listener vector (bundle row, or folded in from online state); null when nothing is known. */
  readonly userVector: Float32Array | null;
  /** Online state (session, likes, dislikes, bans); null for a listener with no events yet. */
  readonly state: ListenerState | null;
  /** Recent positive tracks from training history, newest first (empty for a new listener). */
  readonly history: Int32Array;
  /** Genres picked at onboarding (cold start), root genre ids. */
  readonly onboardingGenres: readonly number[];
  readonly catalog: Catalog;
  readonly bundle: ModelBundle;
}

/** What one candidate source returns: its own ranking, in its own score scale. */
export interface CandidateBatch {
  readonly source: string;
  readonly tracks: Int32Array;
  readonly scores: Float32Array;
  /** Per candidate, the track that explains it ("Because you played X"), or -1. Same length as tracks. */
  readonly becauseOf: Int32Array;
  readonly count: number;
}

export interface CandidateSource {
  readonly name: string;
  /** How many candidates this source is asked for on a surface is set in the surface config. */
  fetch(ctx: RequestContext, limit: number, signal: AbortSignal): CandidateBatch | Promise<CandidateBatch>;
}

/**
 * Merged, deduplicated candidates in flat arrays (one row per distinct track). Filters and the
 * re-ranker produce new row selections; scorers write into `score`.
 */
export interface CandidateSet {
  readonly sourceNames: readonly string[]; // column order of the per-source arrays
  count: number;
  tracks: Int32Array;
  /** count x sourceNames.length: the source's score for the row, NaN when that source did not return it. */
  sourceScores: Float32Array;
  /** count x sourceNames.length: 0-based rank within the source, -1 when absent. */
  sourceRanks: Int32Array;
  becauseOf: Int32Array;
  /** Final model score per row (written by the ranker). */
  score: Float32Array;
}

/** A filter returns what it kept and what it removed, so the trace can say who removed what. */
export interface FilterResult {
  readonly kept: Int32Array; // row indices into the CandidateSet, in input order
  readonly removed: Int32Array; // row indices removed by this filter
}

export interface CandidateFilter {
  readonly name: string;
  apply(ctx: RequestContext, set: CandidateSet): FilterResult;
}

/** A scorer returns one score per row in input order and never reorders. */
export interface Scorer {
  readonly name: string;
  score(ctx: RequestContext, set: CandidateSet, out: Float32Array): void;
}
