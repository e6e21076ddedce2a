// GET /v1/tracks?q=: tracks whose title, or whose artist's name, starts with q. Two PrefixSearch indexes built once
// per catalog size (tracks added later are indexed at the next rebuild, which happens on the next query after an
// addition); taken-down and unavailable tracks are the caller's filter.
import type { ArtistIndex, TrackIndex } from '../domain/ids.js';
import type { Catalog } from './Catalog.js';
import { PrefixSearch } from './PrefixSearch.js';

export class CatalogSearch {
  private titles: PrefixSearch | null = null;
  private artists: PrefixSearch | null = null;
  /** Tracks per artist (CSR), for "artist name starts with q". */
  private artistStart: Int32Array = new Int32Array(1);
  private artistTracks: Int32Array = new Int32Array(0);

  constructor(private readonly catalog: Catalog) {}

  /** Builds the indexes now (the service does this at start so the first query is fast). */
  warm(): void {
    this.ensure();
  }

  private ensure(): void {
    const c = this.catalog;
    if (this.titles !== null && this.titles.size === c.trackCount && this.artists!.size === c.artistCount) return;
    const titleBytes = c.trackTitleBytes?.bind(c) ?? ((t: TrackIndex) => Buffer.from(c.trackTitle(t), 'utf8'));
    const artistBytes = c.artistNameBytes?.bind(c) ?? ((a: ArtistIndex) => Buffer.from(c.artistName(a), 'utf8'));
    this.titles = new PrefixSearch(c.trackCount, (t) => titleBytes(t as TrackIndex));
    this.artists = new PrefixSearch(c.artistCount, (a) => artistBytes(a as ArtistIndex));
    const artistOf = c.columns.artist;
    const start = new Int32Array(c.artistCount + 1);
    for (let t = 0; t < c.trackCount; t++) start[artistOf[t]! + 1]!++;
    for (let a = 0; a < c.artistCount; a++) start[a + 1]! += start[a]!;
    const fill = start.slice(0, c.artistCount);
    const tracks = new Int32Array(c.trackCount);
    for (let t = 0; t < c.trackCount; t++) tracks[fill[artistOf[t]!]!++] = t;
    this.artistStart = start;
    this.artistTracks = tracks;
  }

  /** Track indices: title matches first, then tracks of matching artists; each at most once, at most `limit`. */
  find(q: string, limit: number, accept: (t: number) => boolean): number[] {
    this.ensure();
    const out = this.titles!.find(q, limit, accept);
    if (out.length >= limit) return out;
    const seen = new Set(out);
    for (const a of this.artists!.find(q, limit)) {
      for (let k = this.artistStart[a]!; k < this.artistStart[a + 1]! && out.length < limit; k++) {
        const t = this.artistTracks[k]!;
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
