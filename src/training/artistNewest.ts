// Per artist, that artist's tracks newest release first (capped), for the "new releases" source.
import type { Catalog } from '../catalog/Catalog.js';

export function buildArtistNewest(catalog: Catalog, perArtist = 50): { indptr: Int32Array; tracks: Int32Array } {
  const { artist, releaseDay } = catalog.columns;
  const A = catalog.artistCount;
  const n = catalog.trackCount;
  // Counting sort by artist, then a small sort inside each artist's bucket (about 12 tracks each).
  const start = new Int32Array(A + 1);
  for (let t = 0; t < n; t++) {
    const a = artist[t]!;
    if (a >= 0 && a < A) start[a + 1]!++;
  }
  for (let a = 0; a < A; a++) start[a + 1]! += start[a]!;
  const cursor = start.slice(0, A);
  const byArtist = new Int32Array(start[A]!);
  for (let t = 0; t < n; t++) {
    const a = artist[t]!;
    if (a >= 0 && a < A) byArtist[cursor[a]!++] = t;
  }
  const indptr = new Int32Array(A + 1);
  let total = 0;
  for (let a = 0; a < A; a++) total += Math.min(perArtist, start[a + 1]! - start[a]!);
  const tracks = new Int32Array(total);
  let o = 0;
  for (let a = 0; a < A; a++) {
    const bucket = byArtist.subarray(start[a]!, start[a + 1]!);
    bucket.sort((x, y) => releaseDay[y]! - releaseDay[x]! || y - x);
    const take = Math.min(perArtist, bucket.length);
    tracks.set(bucket.subarray(0, take), o);
    o += take;
    indptr[a + 1] = o;
  }
  return { indptr, tracks };
}
