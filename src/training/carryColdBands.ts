// What a warm retrain takes over from the previous bundle's index: its cold-start bands, when that bundle
// recorded which tracks were cold (track-group.u8) and its bands by group. Tracks that were cold then and are
// still cold keep their previous content vector, so those bands stay exact for them; see
// src/retrieval/buildTrackIndex.ts.
import { BUNDLE_FILES, readJson, readManifest, readTyped } from '../model/bundleFiles.js';
import { GROUP_FILE, ORDER_FILE } from '../retrieval/UsearchIndex.js';
import type { CarriedBands } from '../retrieval/buildTrackIndex.js';
import type { BundleMeta } from './trainBundle.js';

export interface ColdCarry {
  readonly bands: CarriedBands;
  /** Tracks that keep the previous bundle's vector (cold then and now). */
  readonly keep: number;
}

/**
 * Null when the previous bundle has no grouped bands. Otherwise copies the previous vector of every track
 * cold in both bundles into `itemFactors` and returns the bands to carry.
 */
export function carryColdBands(prevDir: string, itemFactors: Float32Array, cold: Uint8Array, dim: number): ColdCarry | null {
  const m = readManifest(prevDir);
  if (!m.files[GROUP_FILE] || m.dim !== dim) return null;
  const meta = readJson<BundleMeta>(prevDir, m, BUNDLE_FILES.meta);
  if (!meta.index.bands.some((b) => b.group === 1)) return null;
  const prevCold = readTyped(prevDir, m, GROUP_FILE, Uint8Array, false);
  const prevItems = readTyped(prevDir, m, BUNDLE_FILES.itemFactors, Float32Array, false);
  const order = readTyped(prevDir, m, ORDER_FILE, Int32Array, false);
  let keep = 0;
  const n = Math.min(prevCold.length, cold.length);
  for (let t = 0; t < n; t++) {
    if (prevCold[t] !== 1 || cold[t] !== 1) continue;
    itemFactors.set(prevItems.subarray(t * dim, (t + 1) * dim), t * dim);
    keep++;
  }
  return { bands: { dir: prevDir, bands: meta.index.bands, order }, keep };
}
