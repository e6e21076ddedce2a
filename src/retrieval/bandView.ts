// One index band opened for search. With the native BandView (native/usearch-view, built by `npm install`)
// a band is memory-mapped without usearch's key -> slot table: about 15 bytes per vector of private memory
// instead of about 80, and a 200k-track band opens in about a third of the time (see that file's comment).
// Without the addon (no compiler at install, or ENCORE_USEARCH_VIEW=0) the usearch npm binding's view() is
// used; both search the same graph with the same parameters.
import { createRequire } from 'node:module';
import type { Index } from 'usearch';

/** A band ready to search: hits go into the caller's buffers (no allocation per search). */
export interface BandSearcher {
  size(): number;
  dimensions(): number;
  /** Writes up to k hits (keys, cosine distances, best first) into the buffers; returns how many. */
  search(query: Float32Array, k: number, keys: Uint32Array, distances: Float32Array): number;
  /**
   * Releases the band's memory now when it can (native views); false when only a collection frees it
   * (usearch's own view has no release: its finalizer runs once the object is collected).
   */
  close(): boolean;
}

interface NativeBandView {
  size(): number;
  dimensions(): number;
  search(query: Float32Array, k: number, keys: Uint32Array, distances: Float32Array): number;
  close(): void;
}
type NativeBandViewCtor = new (file: string, dimensions: number, expansionSearch: number) => NativeBandView;
interface NativeAddon {
  readonly BandView: NativeBandViewCtor;
  /** The same view built on a libuv thread (the main thread only wraps it). */
  readonly openBandView: (file: string, dimensions: number, expansionSearch: number) => Promise<NativeBandView>;
}

function loadAddon(): NativeAddon | null {
  if (process.env.ENCORE_USEARCH_VIEW === '0') return null;
  try {
    // dist/src/retrieval/bandView.js -> <repo>/native/usearch-view/build/Release/encore_usearch_view.node
    return createRequire(import.meta.url)('../../../native/usearch-view/build/Release/encore_usearch_view.node') as NativeAddon;
  } catch {
    return null;
  }
}

const addon = loadAddon();

/** True when bands open through the native view (no key table). */
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

/** The native view, behind the same interface. */
class NativeBand implements BandSearcher {
  constructor(private readonly view: NativeBandView) {}
  size(): number {
    return this.view.size();
  }
  dimensions(): number {
    return this.view.dimensions();
  }
  search(query: Float32Array, k: number, keys: Uint32Array, distances: Float32Array): number {
    return this.view.search(query, k, keys, distances);
  }
  close(): boolean {
    this.view.close();
    return true;
  }
}

/**
 * Opens the band file for search. `fallback` makes the usearch index used without the addon (its expansion
 * and metric parameters are the bundle's). Throws what the view throws (the caller maps it to a rejection).
 */
export function openBand(file: string, dim: number, expansionSearch: number, fallback: () => Index): BandSearcher {
  if (addon) return new NativeBand(new addon.BandView(file, dim, expansionSearch));
  const index = fallback();
  index.view(file);
  return new UsearchBand(index);
}

/**
 * openBand() with the view built off the event loop when the native view is available (a live swap opens 68
 * bands while serving; each 200k-vector view is ~12 ms of work idle, twice that under load).
 */
export async function openBandAsync(file: string, dim: number, expansionSearch: number, fallback: () => Index): Promise<BandSearcher> {
  if (addon) return new NativeBand(await addon.openBandView(file, dim, expansionSearch));
  return openBand(file, dim, expansionSearch, fallback);
}
