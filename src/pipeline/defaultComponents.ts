// The production components by name. Sources come from src/sources (retrieval), the learned ranker
// from src/ranking; the pipeline-local EmbeddingBlendScorer and LastResortPopular are always there.
import { components, type PipelineComponents } from './components.js';
import { EmbeddingBlendScorer } from './EmbeddingBlendScorer.js';
import { LastResortPopular } from './LastResortPopular.js';

let cached: PipelineComponents | null = null;

export function defaultComponents(): PipelineComponents {
  cached ??= components([new LastResortPopular()], [new EmbeddingBlendScorer()]);
  return cached;
}
