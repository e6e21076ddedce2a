// The production components by name: the retrieval sources (src/sources), the learned ranker
// (src/ranking), and the pipeline's own fallbacks (EmbeddingBlendScorer, LastResortPopular).
import { RankerScorer } from '../ranking/RankerScorer.js';
import { retrievalSources } from '../sources/index.js';
import { components, type PipelineComponents } from './components.js';
import { EmbeddingBlendScorer } from './EmbeddingBlendScorer.js';
import { LastResortPopular } from './LastResortPopular.js';

let cached: PipelineComponents | null = null;

export function defaultComponents(): PipelineComponents {
  cached ??= components([...retrievalSources(), new LastResortPopular()], [new RankerScorer(), new EmbeddingBlendScorer()]);
  return cached;
}
