// Places each stage of a feed trace on a time axis. The trace lists durations, not start times, in the
// order the pipeline records them: Context, then each candidate source (they run concurrently, listed as
// they finish), then CandidateSources (the span of all sources), then the sequential stages. So sources
// start where Context ends; every other stage starts where the previous sequential one ended.
import type { StageTrace } from './types.js';

export const SOURCES_SPAN = 'CandidateSources';

export interface PlacedStage {
  readonly stage: StageTrace;
  readonly startMs: number;
  /** A candidate source, drawn inside the CandidateSources span. */
  readonly concurrent: boolean;
  /** in − out for stages that remove candidates (filters; merge: duplicates), else 0. */
  readonly removed: number;
}

export function removes(stage: StageTrace): boolean {
  return stage.name.endsWith('Filter') || stage.name === 'MergeDedupe';
}

export function placeStages(stages: readonly StageTrace[]): PlacedStage[] {
  const spanAt = stages.findIndex((s) => s.name === SOURCES_SPAN);
  const placed: PlacedStage[] = [];
  let cursor = 0;
  let sourcesStart = 0;
  stages.forEach((stage, i) => {
    const concurrent = spanAt >= 0 && i > 0 && i < spanAt;
    if (i === 1 && concurrent) sourcesStart = cursor;
    const startMs = concurrent ? sourcesStart : i === spanAt && spanAt > 1 ? sourcesStart : cursor;
    placed.push({ stage, startMs, concurrent, removed: removes(stage) ? Math.max(0, stage.in - stage.out) : 0 });
    if (!concurrent) cursor = startMs + stage.ms;
  });
  return placed;
}

/** The axis: the response's total time, or the last stage's end when that is later. */
export function axisMs(placed: readonly PlacedStage[], totalMs: number): number {
  return Math.max(totalMs, ...placed.map((p) => p.startMs + p.stage.ms), 0.001);
}
