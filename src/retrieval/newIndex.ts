// A new, empty usearch band index with Encore's settings (cosine, i8). Its own module so that the band-build
// worker (bandBuildWorker.ts) loads usearch alone: UsearchIndex.ts also loads Encore's native band view,
// and an addon loaded into a worker thread next to usearch crashed the build.
import usearch, { type Index } from 'usearch';
import type { IndexParams } from './UsearchIndex.js';

export function newIndex(dim: number, p: IndexParams): Index {
  return new usearch.Index({
    dimensions: dim,
    metric: usearch.MetricKind.Cos,
    quantization: usearch.ScalarKind.I8,
    connectivity: p.connectivity,
    expansion_add: p.expansionAdd,
    expansion_search: p.expansionSearch,
    multi: false,
  });
}
