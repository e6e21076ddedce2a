// Cold start for tracks: a vector in the ALS space computed from what the catalog knows about a track that
// nobody has played (content features, leaf genre, artist). The mapping is a ridge regression fitted at
// training time on played tracks (src/training/coldStartFit.ts) and stored in the bundle; the same code runs
// offline for the unplayed tail and online for tracks added with PUT /v1/tracks.
import type { Catalog } from '../catalog/Catalog.js';
import type { ColdStartModel, ModelBundle } from '../model/ModelBundle.js';
import { Errors } from '../domain/errors.js';

/**
 * Writes the regression input of track `t` into `z` (length model.inputDim). `artistMean` overrides the
 * artist block (used at fit time for a leave-one-out mean); null = use the model's artist table.
 */
export function coldStartInput(
  model: Pick<ColdStartModel, 'featureMeans' | 'featureStds' | 'genreSlots' | 'artistFactors' | 'artistHasFactor' | 'artistCount'>,
  catalog: Catalog,
  t: number,
  dim: number,
  z: Float64Array,
  artistMean: Float32Array | null = null,
  hasArtist = false,
): void {
  z.fill(0);
  const F = catalog.featureDim;
  const feats = catalog.columns.features;
  for (let k = 0; k < F && k < model.featureMeans.length; k++) z[k] = (feats[t * F + k]! - model.featureMeans[k]!) / model.featureStds[k]!;
  let o = model.featureMeans.length;
  const g = catalog.columns.genre[t]!;
  if (g < model.genreSlots) z[o + g] = 1;
  o += model.genreSlots;
  if (artistMean) {
    if (hasArtist) for (let k = 0; k < dim; k++) z[o + k] = artistMean[k]!;
    z[o + dim] = hasArtist ? 1 : 0;
  } else {
    const a = catalog.columns.artist[t]!;
    if (a >= 0 && a < model.artistCount && model.artistHasFactor[a] === 1) {
      for (let k = 0; k < dim; k++) z[o + k] = model.artistFactors[a * dim + k]!;
      z[o + dim] = 1;
    }
  }
  z[o + dim + 1] = 1;
}

/** z . W for a dim-wide output. */
export function applyColdStart(weights: Float32Array, z: Float64Array, dim: number, out: Float32Array, outOffset = 0): void {
  for (let k = 0; k < dim; k++) out[outOffset + k] = 0;
  for (let i = 0; i < z.length; i++) {
    const zi = z[i]!;
    if (zi === 0) continue;
    const row = i * dim;
    for (let k = 0; k < dim; k++) out[outOffset + k]! += zi * weights[row + k]!;
  }
}

/** The content-derived vector of track `t` (works for tracks the bundle has never seen, e.g. added online). */
export function coldStartVector(bundle: ModelBundle, catalog: Catalog, track: number): Float32Array {
  const model = bundle.coldStart;
  if (!model) throw Errors.notReady('the model bundle has no cold-start mapping');
  if (track < 0 || track >= catalog.trackCount) throw Errors.unknownTrack(catalog.trackIds.idAt(track) || `index ${track}`);
  const z = new Float64Array(model.inputDim);
  coldStartInput(model, catalog, track, bundle.dim, z);
  const out = new Float32Array(bundle.dim);
  applyColdStart(model.weights, z, bundle.dim, out);
  return out;
}
