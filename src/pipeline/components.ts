// Component registry: candidate sources and scorers by their stable name (the same name surfaces use
// in their config). Built once at the composition root; tests pass their own.
import type { CandidateSource, Scorer } from './contracts.js';

export interface PipelineComponents {
  readonly sources: ReadonlyMap<string, CandidateSource>;
  readonly scorers: ReadonlyMap<string, Scorer>;
}

export function components(sources: readonly CandidateSource[], scorers: readonly Scorer[]): PipelineComponents {
  return {
    sources: new Map(sources.map((s) => [s.name, s])),
    scorers: new Map(scorers.map((s) => [s.name, s])),
  };
}
