// What a warm retrain takes over from the previous bundle's index: its cold-start bands, when that bundle
// recorded which tracks were cold (track-group.u8) and its bands by group. Tracks that were cold then and are
// still cold keep their previous content vector, so those bands stay exact for them; see
// src/retrieval/buildTrackIndex.ts.
import { BUNDLE_FILES, readJson, readManifest, readTyped } from '../model/bundleFiles.js';
import { GROUP_FILE, ORDER_FILE, type BandInfo } from '../retrieval/UsearchIndex.js';
import type { CarriedBands } from '../retrieval/buildTrackIndex.js';

export interface ColdCarry {
  /** Null when the previous bundle has no cold bands to carry (its still-cold vectors are copied all the same). */
  readonly bands: CarriedBands | null;
  /** Tracks that keep the previous bundle's vector (cold then and now). */
  readonly keep: number;
}

/**
 * Tracks cold in the previous bundle (its track-group.u8) that are still untrained: their vector will be kept,
 * so the cold-start fill can skip them. Null when the previous bundle has no groups.
 */
export function stillColdTracks(prevDir: string, trained: Uint8Array): Uint8Array | null {
  const m = readManifest(prevDir);
  if (!m.files[GROUP_FILE]) return null;
  const prevCold = readTyped(prevDir, m, GROUP_FILE, Uint8Array, false);
  const keep = new Uint8Array(trained.length);
  const n = Math.min(prevCold.length, trained.length);
  for (let t = 0; t < n; t++) keep[t] = prevCold[t] === 1 && trained[t] !== 1 ? 1 : 0;
  return keep;
}

/**
 * Copies the previous vector of every track in `keep` (stillColdTracks) into `itemFactors`, taking it from
 * `prevItems` (the previous bundle's factors, already read for the warm start: rows past its tracks are zero),
 * and returns the previous bundle's cold bands to carry (null bands when it has none).
 */
export function carryColdBands(prevDir: string, keep: Uint8Array, prevItems: Float32Array, itemFactors: Float32Array, dim: number): ColdCarry {
  const m = readManifest(prevDir);
  // Only the bands of meta.json are read here (the rest of BundleMeta belongs to trainBundle.ts).
  const meta = readJson<{ readonly index: { readonly bands: readonly BandInfo[] } }>(prevDir, m, BUNDLE_FILES.meta);
  let kept = 0;
  for (let t = 0; t < keep.length; t++) {
    if (keep[t] !== 1) continue;
    itemFactors.set(prevItems.subarray(t * dim, (t + 1) * dim), t * dim);
    kept++;
  }
  const hasColdBands = meta.index.bands.some((b) => b.group === 1);
  const bands = hasColdBands ? { dir: prevDir, bands: meta.index.bands, order: readTyped(prevDir, m, ORDER_FILE, Int32Array, false) } : null;
  return { bands, keep: kept };
}
