// One index band opened for search. With the native BandView (native/usearch-view, built by `npm install`)
// a band's usearch file is memory-mapped and searched with 4 bytes of private memory per vector (one offset per
// graph node) instead of about 80 (usearch's pointer tables and key -> slot table; see that file's comment),
// and a band opens in well under a millisecond. Without the addon (no compiler at install, or
// ENCORE_USEARCH_VIEW=0) the usearch npm binding's view() is used; both search the same graph with the same
// parameters and usearch's own distance.
import type { Index } from 'usearch';
import { optionalAddon } from '../model/optionalAddon.js';

/** A band ready to search: hits go into the caller's buffers (no allocation per search). */
export interface BandSearcher {
  size(): number;
  dimensions(): number;
  /** Writes up to k hits (keys, cosine distances, best first) into the buffers; returns how many. */
  search(query: Float32Array, k: number, keys: Uint32Array, distances: Float32Array): number;
  /**
   * Releases the band's memory now when it can (native views: true); false when only a collection frees it
   * (usearch's own view has no release: its finalizer runs once the object is collected).
   */
  close(): boolean;
}

/** The addon's BandView objects implement BandSearcher themselves (native/usearch-view/view.cpp). */
interface NativeAddon {
  readonly BandView: new (file: string, dimensions: number, expansionSearch: number) => BandSearcher;
  /** The same view built on a libuv thread (the main thread only wraps it). */
  readonly openBandView: (file: string, dimensions: number, expansionSearch: number) => Promise<BandSearcher>;
}

const addon = optionalAddon<NativeAddon>('usearch-view', 'encore_usearch_view', 'ENCORE_USEARCH_VIEW');

/** True when bands open through the native view (no per-process pointer or key tables). */
export const nativeBandViews = addon !== null;

/** usearch's own view, behind the same interface. */
class UsearchBand implements BandSearcher {
  constructor(private readonly index: Index) {}
  size(): number {
    return this.index.size();
  }
  dimensions(): number {
    return this.index.dimensions();
  }
  search(query: Float32Array, k: number, keys: Uint32Array, distances: Float32Array): number {
    const m = this.index.search(query, k, 1);
    const n = Math.min(m.keys.length, k);
    for (let i = 0; i < n; i++) {
      keys[i] = Number(m.keys[i]);
      distances[i] = m.distances[i]!;
    }
    return n;
  }
  close(): boolean {
    return false;
  }
}

/**
 * Opens the band file for search. `fallback` makes the usearch index used without the addon (its expansion
 * and metric parameters are the bundle's). Throws what the view throws (the caller maps it to a rejection).
 */
export function openBand(file: string, dim: number, expansionSearch: number, fallback: () => Index): BandSearcher {
  if (addon) return new addon.BandView(file, dim, expansionSearch);
  const index = fallback();
  index.view(file);
  return new UsearchBand(index);
}

/**
 * openBand() with the view built off the event loop when the native view is available (a live swap opens 68
 * bands while serving; each 200k-vector view is ~12 ms of work idle, twice that under load).
 */
export async function openBandAsync(file: string, dim: number, expansionSearch: number, fallback: () => Index): Promise<BandSearcher> {
  if (addon) return addon.openBandView(file, dim, expansionSearch);
  return openBand(file, dim, expansionSearch, fallback);
}
