// The JSON shape of an `encore eval` report (written as report.json; the table and the HTML are views of it).
import type { Interval } from '../stats/bootstrap.js';
import type { PairedTTest } from '../stats/pairedTest.js';
import type { TuneResult } from './tune.js';

export interface ModelRow {
  readonly name: string;
  /** Hyper-parameters used, as text (e.g. "λ = 25 (tuned)"). */
  readonly settings: string;
  readonly recall: number;
  readonly ndcg: number;
  readonly coverage: number;
  readonly artistGini: number;
  readonly artistDiversity: number;
  readonly genreDiversity: number;
  readonly novelty: number;
  readonly seconds: number;
  readonly tuning: TuneResult | null;
}

export interface PairedComparison {
  readonly encore: string;
  readonly baseline: string;
  readonly users: number;
  /** Mean per-user NDCG@K difference (Encore − baseline) with its percentile bootstrap interval. */
  readonly ndcgDifference: Interval;
  readonly bootstrap: { readonly resamples: number; readonly seed: number; readonly level: number };
  readonly test: PairedTTest;
  /** Per-user differences, for the histogram. */
  readonly differences: number[];
}

export interface EvalReport {
  readonly command: string;
  readonly date: string;
  readonly machine: string;
  readonly data: string;
  readonly k: number;
  readonly tuning: string;
  readonly models: ModelRow[];
  readonly skipped: { readonly name: string; readonly reason: string }[];
  readonly comparison: PairedComparison | null;
  /** The learned ranker's inner-split report (grid choice, ranker vs single scores), when Encore trained one. */
  readonly ranker?: string;
}
