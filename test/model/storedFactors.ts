// The float32 item vectors a trained bundle keeps on disk (what ALS wrote): the exact reference for tests of
// the served (int8) vectors and of the index.
import { BUNDLE_FILES, readManifest, readTyped } from '../../src/model/bundleFiles.js';
import type { ModelBundle } from '../../src/model/ModelBundle.js';

export function storedItemFactors(b: Pick<ModelBundle, 'dir'>): Float32Array {
  return readTyped(b.dir, readManifest(b.dir), BUNDLE_FILES.itemFactors, Float32Array, false);
}
