import type { AlbumIndex, ArtistIndex, TrackIndex } from '../domain/ids.js';
import { parseAlbumId, parseArtistId, parseTrackId, trackId as toTrackId } from '../domain/ids.js';
import { marketIndex } from '../domain/markets.js';
import { localCatalogChanges, type CatalogChangeRouter } from '../storage/CatalogChanges.js';
import type { Catalog, CatalogColumns, Genre } from './Catalog.js';

/** One track in PUT /v1/tracks. A new track needs every field except albumId/albumTitle; an update any subset. */
export interface TrackUpsert {
  readonly trackId: string;
  readonly title?: string;
  readonly artistId?: string;
  /** Required when artistId is a new artist (the next free id). */
  readonly artistName?: string;
  /** An existing album, the next free album id (a new album), or absent (a new single for a new track). */
  readonly albumId?: string;
  readonly albumTitle?: string;
  /** Leaf genre id or genre name. */
  readonly genre?: number | string;
  /** YYYY-MM-DD */
  readonly releaseDate?: string;
  readonly durationMs?: number;
  readonly explicit?: boolean;
  /** Every market where the track may be played; a market left out is a licence that ended there. */
  readonly markets?: readonly string[];
  /** Content features by name (see catalog.featureNames) or as an array in that order. */
  readonly features?: Readonly<Record<string, number>> | readonly number[];
  readonly popularity?: number;
}

export type UpsertResult =
  | { readonly kind: 'added'; readonly track: number }
  | { readonly kind: 'updated'; readonly track: number }
  | { readonly kind: 'rejected'; readonly reason: string };

/** Newest added tracks the cold-start source is offered (bounded so one request never scores an unbounded list). */
export const MAX_RECENTLY_ADDED = 50_000;
const DAY_MS = 86_400_000;

type Columns = {
  -readonly [K in keyof CatalogColumns]: CatalogColumns[K];
};

/**
 * A catalog that changes while serving (PUT /v1/tracks). It wraps a loaded Catalog: updates (markets,
 * explicit, genre, ...) are written in place into the column arrays, so every reader of
 * `catalog.columns` sees them at once; the first new track copies the columns into arrays with spare
 * capacity (amortised O(1) appends). Readers must take `catalog.columns` per request rather than keep
 * it: after an append that outgrows the capacity the columns are new arrays.
 */
export class MutableCatalog implements Catalog {
  readonly featureDim: number;
  readonly featureNames: readonly string[];
  readonly genres: readonly Genre[];
  private n: number;
  private artistN: number;
  private albumN: number;
  private cols: Columns;
  private grown = false;
  private view: CatalogColumns | null = null;
  private readonly titles = new Map<number, string>();
  private readonly artistNames = new Map<number, string>();
  private readonly albumTitles = new Map<number, string>();
  private readonly added: number[] = [];
  private coveredTracks: number;
  private recent: Int32Array | null = null;
  private readonly genreIds = new Set<number>();
  private readonly genreByName = new Map<string, number>();
  private readonly featureSlot = new Map<string, number>();
  /** Bumped on every change (caches keyed on the catalog can compare it). */
  version = 0;
  private router: CatalogChangeRouter = localCatalogChanges;

  constructor(private readonly base: Catalog) {
    this.n = base.trackCount;
    this.artistN = base.artistCount;
    this.albumN = base.albumCount;
    this.coveredTracks = base.trackCount;
    this.featureDim = base.featureDim;
    this.featureNames = base.featureNames;
    this.genres = base.genres;
    this.cols = { ...base.columns };
    for (const g of base.genres) {
      this.genreIds.add(g.id);
      this.genreByName.set(g.name.toLowerCase(), g.id);
    }
    base.featureNames.forEach((name, i) => this.featureSlot.set(name, i));
  }

  get trackCount(): number {
    return this.n;
  }
  get artistCount(): number {
    return this.artistN;
  }
  get albumCount(): number {
    return this.albumN;
  }

  get columns(): CatalogColumns {
    if (this.view === null) {
      const c = this.cols;
      const n = this.n;
      this.view = this.grown
        ? {
            artist: c.artist.subarray(0, n),
            album: c.album.subarray(0, n),
            genre: c.genre.subarray(0, n),
            releaseDay: c.releaseDay.subarray(0, n),
            durationMs: c.durationMs.subarray(0, n),
            explicit: c.explicit.subarray(0, n),
            markets: c.markets.subarray(0, n),
            popularity: c.popularity.subarray(0, n),
            features: c.features.subarray(0, n * this.featureDim),
            albumArtist: c.albumArtist.subarray(0, this.albumN),
          }
        : c;
    }
    return this.view;
  }

  trackTitle(t: TrackIndex): string {
    return this.titles.get(t) ?? (t < this.base.trackCount ? this.base.trackTitle(t) : '');
  }
  artistName(a: ArtistIndex): string {
    return this.artistNames.get(a) ?? (a < this.base.artistCount ? this.base.artistName(a) : '');
  }
  albumTitle(al: AlbumIndex): string {
    return this.albumTitles.get(al) ?? (al < this.base.albumCount ? this.base.albumTitle(al) : '');
  }

  recentlyAdded(): Int32Array {
    if (this.recent === null) {
      const out: number[] = [];
      for (let i = this.added.length - 1; i >= 0 && out.length < MAX_RECENTLY_ADDED; i--) {
        const t = this.added[i]!;
        if (t >= this.coveredTracks) out.push(t);
      }
      this.recent = Int32Array.from(out);
    }
    return this.recent;
  }

  /**
   * Routes PUT /v1/tracks batches through a change log (src/storage/CatalogChanges.ts: a journal that is
   * replayed at start, or a NATS stream every replica applies in order). Default: in memory only.
   */
  useChangeRouter(router: CatalogChangeRouter): void {
    this.router = router;
  }

  /** Applies a batch of upserts through the change router (durable / replicated when one is set). */
  submit(upserts: readonly TrackUpsert[]): Promise<UpsertResult[]> {
    return this.router.submit(this, upserts);
  }

  /** Called after a model bundle swap: tracks below `bundleTrackCount` have trained vectors now. */
  markCovered(bundleTrackCount: number): void {
    if (bundleTrackCount <= this.coveredTracks) return;
    this.coveredTracks = bundleTrackCount;
    let keep = 0;
    for (let i = 0; i < this.added.length; i++) if (this.added[i]! >= bundleTrackCount) this.added[keep++] = this.added[i]!;
    this.added.length = keep;
    this.recent = null;
  }

  /** Adds or updates one track; validates everything before writing anything. */
  upsert(u: TrackUpsert): UpsertResult {
    const t = parseTrackId(u.trackId);
    if (t === null) return { kind: 'rejected', reason: 'trackId must look like "t123"' };
    const isNew = t >= this.n;
    if (isNew && t !== this.n) return { kind: 'rejected', reason: `a new track takes the next free id ${toTrackId(this.n)} (ids are dense)` };
    if (isNew) {
      for (const f of ['title', 'artistId', 'genre', 'releaseDate', 'durationMs', 'explicit', 'markets', 'features'] as const) {
        if (u[f] === undefined) return { kind: 'rejected', reason: `a new track needs ${f}` };
      }
    }
    // --- validate
    if (u.title !== undefined && (typeof u.title !== 'string' || u.title.length === 0)) return { kind: 'rejected', reason: 'title must be a non-empty string' };
    let artist = -1;
    let newArtist = false;
    if (u.artistId !== undefined) {
      const a = parseArtistId(u.artistId);
      if (a === null) return { kind: 'rejected', reason: 'artistId must look like "a123"' };
      if (a > this.artistN) return { kind: 'rejected', reason: `unknown artist ${u.artistId} (a new artist takes the next free id a${this.artistN})` };
      newArtist = a === this.artistN;
      if (newArtist && (typeof u.artistName !== 'string' || u.artistName.length === 0)) return { kind: 'rejected', reason: 'a new artist needs artistName' };
      artist = a;
    }
    let album = -1;
    let newAlbum = false;
    if (u.albumId !== undefined) {
      const al = parseAlbumId(u.albumId);
      if (al === null) return { kind: 'rejected', reason: 'albumId must look like "al123"' };
      if (al > this.albumN) return { kind: 'rejected', reason: `unknown album ${u.albumId} (a new album takes the next free id al${this.albumN})` };
      newAlbum = al === this.albumN;
      album = al;
    } else if (isNew) {
      newAlbum = true;
      album = this.albumN;
    }
    let genre = -1;
    if (u.genre !== undefined) {
      genre = typeof u.genre === 'number' ? (this.genreIds.has(u.genre) ? u.genre : -1) : (this.genreByName.get(String(u.genre).toLowerCase()) ?? -1);
      if (genre < 0) return { kind: 'rejected', reason: `unknown genre ${JSON.stringify(u.genre)}` };
    }
    let releaseDay = 0;
    if (u.releaseDate !== undefined) {
      const ms = /^\d{4}-\d{2}-\d{2}$/.test(u.releaseDate) ? Date.parse(`${u.releaseDate}T00:00:00Z`) : NaN;
      if (!Number.isFinite(ms)) return { kind: 'rejected', reason: 'releaseDate must be YYYY-MM-DD' };
      releaseDay = Math.floor(ms / DAY_MS);
    }
    if (u.durationMs !== undefined && !(Number.isInteger(u.durationMs) && u.durationMs > 0 && u.durationMs < 2 ** 31)) {
      return { kind: 'rejected', reason: 'durationMs must be a positive integer' };
    }
    if (u.explicit !== undefined && typeof u.explicit !== 'boolean') return { kind: 'rejected', reason: 'explicit must be true or false' };
    let mask = 0;
    if (u.markets !== undefined) {
      if (!Array.isArray(u.markets)) return { kind: 'rejected', reason: 'markets must be an array of market codes' };
      for (const m of u.markets) {
        const mi = marketIndex(m);
        if (mi < 0) return { kind: 'rejected', reason: `unknown market ${JSON.stringify(m)}` };
        mask |= 1 << mi;
      }
    }
    let features: Float32Array | null = null;
    if (u.features !== undefined) {
      features = new Float32Array(this.featureDim);
      if (Array.isArray(u.features)) {
        if (u.features.length !== this.featureDim) return { kind: 'rejected', reason: `features must have ${this.featureDim} values` };
        for (let i = 0; i < this.featureDim; i++) features[i] = u.features[i] as number;
      } else {
        for (const [name, value] of Object.entries(u.features as Record<string, number>)) {
          const slot = this.featureSlot.get(name);
          if (slot === undefined) return { kind: 'rejected', reason: `unknown feature ${JSON.stringify(name)} (known: ${this.featureNames.join(', ')})` };
          features[slot] = value;
        }
      }
      for (let i = 0; i < this.featureDim; i++) if (!Number.isFinite(features[i]!)) return { kind: 'rejected', reason: 'features must be finite numbers' };
    }
    if (u.popularity !== undefined && !(typeof u.popularity === 'number' && u.popularity >= 0 && u.popularity <= 1)) {
      return { kind: 'rejected', reason: 'popularity must be in [0, 1]' };
    }

    // --- write
    if (isNew || newAlbum) this.ensureCapacity(isNew ? this.n + 1 : this.n, newAlbum ? this.albumN + 1 : this.albumN);
    const c = this.cols;
    if (newArtist) {
      this.artistNames.set(artist, u.artistName!);
      this.artistN++;
    }
    if (newAlbum) {
      const owner = artist >= 0 ? artist : c.artist[t]!;
      c.albumArtist[album] = owner;
      this.albumTitles.set(album, u.albumTitle ?? u.title ?? this.trackTitle(t as TrackIndex));
      this.albumN++;
    }
    if (isNew) {
      this.n++;
      c.popularity[t] = 0;
      this.added.push(t);
      this.recent = null;
    }
    if (u.title !== undefined) this.titles.set(t, u.title);
    if (artist >= 0) c.artist[t] = artist;
    if (album >= 0) c.album[t] = album;
    if (genre >= 0) c.genre[t] = genre;
    if (u.releaseDate !== undefined) c.releaseDay[t] = releaseDay;
    if (u.durationMs !== undefined) c.durationMs[t] = u.durationMs;
    if (u.explicit !== undefined) c.explicit[t] = u.explicit ? 1 : 0;
    if (u.markets !== undefined) c.markets[t] = mask;
    if (u.popularity !== undefined) c.popularity[t] = u.popularity;
    if (features !== null) c.features.set(features, t * this.featureDim);
    this.view = null;
    this.version++;
    return isNew ? { kind: 'added', track: t } : { kind: 'updated', track: t };
  }

  /** Copies the columns into larger arrays when an append would not fit (1.5x growth, amortised O(1)). */
  private ensureCapacity(tracks: number, albums: number): void {
    const c = this.cols;
    const spare = (n: number): number => Math.max(n + 1024, Math.ceil(n * 1.5));
    if (!this.grown || c.artist.length < tracks) {
      const cap = spare(tracks);
      const d = this.featureDim;
      this.cols = {
        ...c,
        artist: grow(Int32Array, c.artist, cap, this.n),
        album: grow(Int32Array, c.album, cap, this.n),
        genre: grow(Uint16Array, c.genre, cap, this.n),
        releaseDay: grow(Int32Array, c.releaseDay, cap, this.n),
        durationMs: grow(Int32Array, c.durationMs, cap, this.n),
        explicit: grow(Uint8Array, c.explicit, cap, this.n),
        markets: grow(Uint16Array, c.markets, cap, this.n),
        popularity: grow(Float32Array, c.popularity, cap, this.n),
        features: grow(Float32Array, c.features, cap * d, this.n * d),
      };
    }
    if (!this.grown || this.cols.albumArtist.length < albums) {
      this.cols.albumArtist = grow(Int32Array, c.albumArtist, spare(albums), this.albumN);
    }
    this.grown = true;
  }
}

type Ctor<A> = new (n: number) => A;
function grow<A extends Int32Array | Uint16Array | Uint8Array | Float32Array>(ctor: Ctor<A>, from: A, capacity: number, used: number): A {
  const out = new ctor(capacity);
  (out as Int32Array).set((from as Int32Array).subarray(0, used));
  return out;
}
