// GET /v1/tracks?q=: tracks whose title, or whose artist's name, starts with q. Two PrefixSearch indexes, built in
// the background (a chunk per event-loop turn) when the service starts; a query before then waits for the build.
// Tracks and artists added later are found by a scan of the few names past the index until the next rebuild, which
// starts after the catalog has grown by REBUILD_AFTER entries. Renamed tracks keep their old index position (the
// name check still reads the new name).
import type { ArtistIndex, TrackIndex } from '../domain/ids.js';
import type { Catalog, NameSource } from './Catalog.js';
import { PrefixSearch } from './PrefixSearch.js';

const REBUILD_AFTER = 10_000;

interface Indexes {
  readonly titles: PrefixSearch;
  readonly artists: PrefixSearch;
  /** Tracks per artist (CSR) at build time, for "artist name starts with q". */
  readonly artistStart: Int32Array;
  readonly artistTracks: Int32Array;
}

/** A name source for catalogs that expose none (hand-made test catalogs): every name is "changed". */
function decodedSource(count: number, name: (i: number) => string): NameSource {
  const changed = new Map<number, string>();
  for (let i = 0; i < count; i++) changed.set(i, name(i));
  return { table: { offsets: new Uint32Array(1), blob: new Uint8Array(0) }, changed };
}

export class CatalogSearch {
  private current: Indexes | null = null;
  private building: Promise<Indexes> | null = null;

  constructor(private readonly catalog: Catalog) {}

  /** Starts (or joins) a build; resolves when an index is ready. */
  warm(): Promise<void> {
    return this.ensure().then(() => undefined);
  }

  private ensure(): Promise<Indexes> {
    const c = this.catalog;
    const cur = this.current;
    const stale = cur === null || c.trackCount - cur.titles.size >= REBUILD_AFTER || c.artistCount - cur.artists.size >= REBUILD_AFTER;
    if (stale && this.building === null) {
      this.building = this.build().then((ix) => {
        this.current = ix;
        this.building = null;
        return ix;
      });
    }
    return cur !== null ? Promise.resolve(cur) : this.building!;
  }

  private async build(): Promise<Indexes> {
    const c = this.catalog;
    const tracks = c.trackCount;
    const artistCount = c.artistCount;
    const sources = c.nameSources?.() ?? {
      trackTitles: decodedSource(tracks, (t) => c.trackTitle(t as TrackIndex)),
      artistNames: decodedSource(artistCount, (a) => c.artistName(a as ArtistIndex)),
    };
    const titles = await PrefixSearch.build(sources.trackTitles, tracks);
    const artists = await PrefixSearch.build(sources.artistNames, artistCount);
    const artistOf = c.columns.artist;
    const artistStart = new Int32Array(artistCount + 1);
    for (let t = 0; t < tracks; t++) artistStart[artistOf[t]! + 1]!++;
    for (let a = 0; a < artistCount; a++) artistStart[a + 1]! += artistStart[a]!;
    const fill = artistStart.slice(0, artistCount);
    const artistTracks = new Int32Array(tracks);
    for (let t = 0; t < tracks; t++) artistTracks[fill[artistOf[t]!]!++] = t;
    return { titles, artists, artistStart, artistTracks };
  }

  /** Track indices: title matches first, then tracks of matching artists; each at most once, at most `limit`. */
  async find(q: string, limit: number, accept: (t: number) => boolean): Promise<number[]> {
    const ix = await this.ensure();
    const c = this.catalog;
    const out = ix.titles.find(q, limit, accept);
    const seen = new Set(out);
    const lower = q.toLowerCase();
    // tracks added since the build
    for (let t = ix.titles.size; t < c.trackCount && out.length < limit; t++) {
      if (c.trackTitle(t as TrackIndex).toLowerCase().startsWith(lower) && accept(t) && !seen.has(t)) {
        seen.add(t);
        out.push(t);
      }
    }
    if (out.length >= limit) return out;
    for (const a of ix.artists.find(q, limit)) {
      for (let k = ix.artistStart[a]!; k < ix.artistStart[a + 1]! && out.length < limit; k++) {
        const t = ix.artistTracks[k]!;
        if (!seen.has(t) && accept(t)) {
          seen.add(t);
          out.push(t);
        }
      }
      if (out.length >= limit) break;
    }
    return out;
  }
}
