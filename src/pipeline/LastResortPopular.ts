// The last fallback source: the bundle's popularity list for the listener's market, or the catalog's
// own popularity column when the bundle cannot answer. Answers every listener, known or not.
import type { Catalog } from '../catalog/Catalog.js';
import type { CandidateBatch, CandidateSource, RequestContext } from './contracts.js';

const catalogTop = new WeakMap<Catalog, Int32Array>();
const TOP_N = 2000;

/** Most popular tracks of the catalog (computed once per catalog; a bounded insertion list, one pass). */
function popularFromCatalog(catalog: Catalog): Int32Array {
  let top = catalogTop.get(catalog);
  if (top !== undefined) return top;
  const pop = catalog.columns.popularity;
  const n = catalog.trackCount;
  const k = Math.min(TOP_N, n);
  const ids = new Int32Array(k);
  const vals = new Float32Array(k).fill(-Infinity);
  let size = 0;
  for (let t = 0; t < n; t++) {
    const p = pop[t]!;
    if (size === k && p <= vals[k - 1]!) continue;
    let j = size < k ? size++ : k - 1;
    while (j > 0 && vals[j - 1]! < p) {
      vals[j] = vals[j - 1]!;
      ids[j] = ids[j - 1]!;
      j--;
    }
    vals[j] = p;
    ids[j] = t;
  }
  top = ids.subarray(0, size);
  catalogTop.set(catalog, top);
  return top;
}

export class LastResortPopular implements CandidateSource {
  readonly name = 'LastResortPopular';
  fetch(ctx: RequestContext, limit: number): CandidateBatch {
    let list: Int32Array;
    try {
      list = ctx.bundle.popularity.inMarket(ctx.market);
      if (list.length === 0) list = popularFromCatalog(ctx.catalog);
    } catch {
      list = popularFromCatalog(ctx.catalog);
    }
    const count = Math.min(limit, list.length);
    const scores = new Float32Array(count);
    for (let i = 0; i < count; i++) scores[i] = 1 / (1 + i);
    return { source: this.name, tracks: list.subarray(0, count), scores, becauseOf: new Int32Array(count).fill(-1), count };
  }
}
