// GET /v1/tracks?q=: tracks whose title, or whose artist's name, starts with q. Two PrefixSearch indexes, built in
// the background (a chunk per event-loop turn) on the first search; until the first is ready, a query waits at most
// SCAN_AFTER_MS and is then answered by a scan of the names (in catalog order, not name order).
// Tracks and artists added later are found by a scan of the few names past the index until the next rebuild, which
// starts after the catalog has grown by REBUILD_AFTER entries. Renamed tracks keep their old index position (the
// name check still reads the new name).
import type { ArtistIndex, TrackIndex } from '../domain/ids.js';
import type { Catalog, NameSource } from './Catalog.js';
import { PrefixSearch } from './PrefixSearch.js';
import { groupByKey } from './groupByKey.js';

const REBUILD_AFTER = 10_000;
/** How long a search waits for the first index before a scan answers it. */
const SCAN_AFTER_MS = 500;

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

  constructor(
    private readonly catalog: Catalog,
    /** How long a search waits for the first index before a scan answers it (tests set 0). */
    private readonly scanAfterMs = SCAN_AFTER_MS,
  ) {}

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
    const sources = this.sources();
    const titles = await PrefixSearch.build(sources.trackTitles, tracks);
    const artists = await PrefixSearch.build(sources.artistNames, artistCount);
    const artistOf = c.columns.artist;
    const { start: artistStart, order: artistTracks } = groupByKey(artistOf.subarray(0, tracks), artistCount);
    return { titles, artists, artistStart, artistTracks };
  }

  /** find() without an index: title matches in catalog order, then tracks of matching artists. */
  private scan(q: string, limit: number, accept: (t: number) => boolean): number[] {
    const c = this.catalog;
    const sources = this.sources();
    const out = PrefixSearch.scan(sources.trackTitles, c.trackCount, q, limit, accept);
    if (out.length >= limit) return out;
    const artists = new Set(PrefixSearch.scan(sources.artistNames, c.artistCount, q, Number.MAX_SAFE_INTEGER));
    if (artists.size === 0) return out;
    const seen = new Set(out);
    const artistOf = c.columns.artist;
    for (let t = 0; t < c.trackCount && out.length < limit; t++) if (artists.has(artistOf[t]!) && !seen.has(t) && accept(t)) out.push(t);
    return out;
  }

  private sources(): { trackTitles: NameSource; artistNames: NameSource } {
    const c = this.catalog;
    return c.nameSources?.() ?? {
      trackTitles: decodedSource(c.trackCount, (t) => c.trackTitle(t as TrackIndex)),
      artistNames: decodedSource(c.artistCount, (a) => c.artistName(a as ArtistIndex)),
    };
  }

  /**
   * Track indices: title matches first, then tracks of matching artists; each at most once, at most `limit`.
   * Before the first index is ready (tens of seconds at 8.2M tracks, longer than a request may wait: the first
   * search answered 503 after 10 s), a query that has waited `scanAfterMs` is answered by a scan of the names.
   */
  async find(q: string, limit: number, accept: (t: number) => boolean): Promise<number[]> {
    const building = this.ensure();
    const ix = this.current ?? (await Promise.race([building, new Promise<null>((resolve) => setTimeout(() => resolve(null), this.scanAfterMs).unref())]));
    if (ix === null) return this.scan(q, limit, accept);
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
