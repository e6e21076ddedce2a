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
  /** New, larger columns being filled in the background (reserve); every write goes to both meanwhile. */
  private pending: Columns | null = null;
  private growing: Promise<void> | null = null;
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
  /** Rows copied per event-loop turn while growing in the background. */
  static growthChunkRows = 1 << 18;
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
  async submit(upserts: readonly TrackUpsert[]): Promise<UpsertResult[]> {
    await this.reserveFor(upserts);
    return this.router.submit(this, upserts);
  }

  /**
   * Makes room for the new tracks and albums `upserts` may add without blocking the event loop: the
   * columns are copied into larger arrays in chunks across event-loop turns while requests go on (at 8.2M
   * tracks a one-shot copy would stall every request for a second or more). Updates are never delayed.
   */
  async reserveFor(upserts: readonly TrackUpsert[]): Promise<void> {
    let tracks = 0;
    let albums = 0;
    for (const u of upserts) {
      const t = typeof u.trackId === 'string' ? parseTrackId(u.trackId) : null;
      const isNew = t !== null && t >= this.n;
      if (isNew) tracks++;
      const al = typeof u.albumId === 'string' ? parseAlbumId(u.albumId) : null;
      if ((al !== null && al >= this.albumN) || (isNew && u.albumId === undefined)) albums++;
    }
    if (tracks === 0 && albums === 0) return;
    await this.reserve(this.n + tracks, this.albumN + albums);
  }

  private trackCapacity(): number {
    return this.grown ? this.cols.artist.length : this.n;
  }
  private albumCapacity(): number {
    return this.grown ? this.cols.albumArtist.length : this.albumN;
  }

  /** Grows the columns (in the background, chunk by chunk) until they hold `tracks` tracks and `albums` albums. */
  async reserve(tracks: number, albums: number): Promise<void> {
    while (this.trackCapacity() < tracks || this.albumCapacity() < albums) {
      if (this.growing === null) {
        this.growing = this.growInBackground(tracks, albums).finally(() => {
          this.growing = null;
        });
      }
      await this.growing;
    }
  }

  private async growInBackground(tracks: number, albums: number): Promise<void> {
    const target = this.allocate(this.spare(tracks), this.spare(albums));
    this.pending = target;
    const chunk = MutableCatalog.growthChunkRows;
    for (let copied = 0; ; ) {
      if (this.pending !== target) return; // a synchronous growth overtook this one
      const end = Math.min(this.n, copied + chunk);
      copyTrackRows(this.cols, target, copied, end, this.featureDim);
      copied = end;
      if (copied >= this.n) break;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (this.pending !== target) return;
    target.albumArtist.set(this.cols.albumArtist.subarray(0, this.albumN));
    this.cols = target;
    this.pending = null;
    this.grown = true;
    this.view = null;
  }

  private spare(n: number): number {
    // The first growth adds ~3% (at 8.2M tracks the columns are ~0.5 GB: no doubling); later ones 25%,
    // which keeps appends amortised O(1).
    return this.grown ? Math.max(n + 1024, Math.ceil(n * 1.25)) : n + Math.max(1024, n >> 5);
  }

  private allocate(trackCap: number, albumCap: number): Columns {
    return {
      artist: new Int32Array(trackCap),
      album: new Int32Array(trackCap),
      genre: new Uint16Array(trackCap),
      releaseDay: new Int32Array(trackCap),
      durationMs: new Int32Array(trackCap),
      explicit: new Uint8Array(trackCap),
      markets: new Uint16Array(trackCap),
      popularity: new Float32Array(trackCap),
      features: new Float32Array(trackCap * this.featureDim),
      albumArtist: new Int32Array(albumCap),
    };
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
    if (newArtist) {
      this.artistNames.set(artist, u.artistName!);
      this.artistN++;
    }
    const albumOwner = newAlbum ? (artist >= 0 ? artist : this.cols.artist[t]!) : -1;
    if (newAlbum) {
      this.albumTitles.set(album, u.albumTitle ?? u.title ?? this.trackTitle(t as TrackIndex));
      this.albumN++;
    }
    if (isNew) {
      this.n++;
      this.added.push(t);
      this.recent = null;
    }
    if (u.title !== undefined) this.titles.set(t, u.title);
    // Into the serving columns and, while a background growth runs, into its new columns too.
    const targets = this.pending !== null && t < this.pending.artist.length && album < this.pending.albumArtist.length ? [this.cols, this.pending] : [this.cols];
    if (targets.length === 1) this.pending = null; // cannot hold this write: let the growth start over
    for (const c of targets) {
      if (newAlbum) c.albumArtist[album] = albumOwner;
      if (isNew) c.popularity[t] = 0;
      if (artist >= 0) c.artist[t] = artist;
      if (album >= 0) c.album[t] = album;
      if (genre >= 0) c.genre[t] = genre;
      if (u.releaseDate !== undefined) c.releaseDay[t] = releaseDay;
      if (u.durationMs !== undefined) c.durationMs[t] = u.durationMs;
      if (u.explicit !== undefined) c.explicit[t] = u.explicit ? 1 : 0;
      if (u.markets !== undefined) c.markets[t] = mask;
      if (u.popularity !== undefined) c.popularity[t] = u.popularity;
      if (features !== null) c.features.set(features, t * this.featureDim);
    }
    this.view = null;
    this.version++;
    return isNew ? { kind: 'added', track: t } : { kind: 'updated', track: t };
  }

  /** Synchronous growth when an append finds no room (reserveFor was not awaited): copies at once. */
  private ensureCapacity(tracks: number, albums: number): void {
    if (this.trackCapacity() >= tracks && this.albumCapacity() >= albums) return;
    const next = this.allocate(Math.max(this.spare(tracks), this.trackCapacity()), Math.max(this.spare(albums), this.albumCapacity()));
    copyTrackRows(this.cols, next, 0, this.n, this.featureDim);
    next.albumArtist.set(this.cols.albumArtist.subarray(0, this.albumN));
    this.cols = next;
    this.pending = null;
    this.grown = true;
    this.view = null;
  }
}

function copyTrackRows(from: Columns, to: Columns, t0: number, t1: number, featureDim: number): void {
  to.artist.set(from.artist.subarray(t0, t1), t0);
  to.album.set(from.album.subarray(t0, t1), t0);
  to.genre.set(from.genre.subarray(t0, t1), t0);
  to.releaseDay.set(from.releaseDay.subarray(t0, t1), t0);
  to.durationMs.set(from.durationMs.subarray(t0, t1), t0);
  to.explicit.set(from.explicit.subarray(t0, t1), t0);
  to.markets.set(from.markets.subarray(t0, t1), t0);
  to.popularity.set(from.popularity.subarray(t0, t1), t0);
  to.features.set(from.features.subarray(t0 * featureDim, t1 * featureDim), t0 * featureDim);
}
