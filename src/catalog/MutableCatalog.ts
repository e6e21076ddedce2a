import type { AlbumIndex, ArtistIndex, TrackIndex } from '../domain/ids.js';
import { localCatalogChanges, type CatalogChangeRouter } from '../storage/CatalogChanges.js';
import type { Catalog, CatalogColumns, Genre, NameSource } from './Catalog.js';
import type { IdDictionary } from './IdDictionary.js';
import { EVERYWHERE, MAX_MARKETS, type MarketSets } from './MarketSets.js';
import { checkTrackInput, genrePath, singleAlbumId, type TrackInput } from './trackInput.js';

/** One track in PUT /v1/tracks and in an import: the app's track object (src/catalog/trackInput.ts). */
export type TrackUpsert = TrackInput;

export type UpsertResult =
  | { readonly kind: 'added'; readonly track: number }
  | { readonly kind: 'updated'; readonly track: number }
  | { readonly kind: 'rejected'; readonly reason: string };

/** Newest added tracks the cold-start source is offered (bounded so one request never scores an unbounded list). */
export const MAX_RECENTLY_ADDED = 50_000;
const DAY_MS = 86_400_000;
/** Duration assumed for a track sent without one. */
export const UNKNOWN_DURATION_MS = 210_000;

interface Plan {
  readonly existing: number;
  readonly isNew: boolean;
  readonly artist: number;
  readonly newArtist: boolean;
  readonly albumId: string | undefined;
  readonly album: number;
  readonly newAlbum: boolean;
  readonly marketCodes: readonly string[] | null;
  readonly features: Float32Array | null;
  readonly releaseDay: number;
}

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
  readonly trackIds: IdDictionary;
  readonly artistIds: IdDictionary;
  readonly albumIds: IdDictionary;
  readonly marketSets: MarketSets;
  private genreList: readonly Genre[];
  private marketList: readonly string[];
  private readonly marketByCode = new Map<string, number>();
  /** The availability set of a takedown: no market, ever. */
  private nowhere = -1;
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
  /** "root" or "root/child", lower case -> genre id. */
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
    this.genreList = base.genres;
    this.marketList = base.markets;
    this.trackIds = base.trackIds;
    this.artistIds = base.artistIds;
    this.albumIds = base.albumIds;
    this.marketSets = base.marketSets;
    this.cols = { ...base.columns };
    base.markets.forEach((m, i) => this.marketByCode.set(m, i));
    for (const g of base.genres) this.genreByName.set(this.genreKey(g, base.genres), g.id);
    base.featureNames.forEach((name, i) => this.featureSlot.set(name, i));
  }

  get trackCount(): number {
    return this.n;
  }
  get genres(): readonly Genre[] {
    return this.genreList;
  }
  get markets(): readonly string[] {
    return this.marketList;
  }

  private genreKey(g: Genre, all: readonly Genre[]): string {
    const parent = g.parent >= 0 ? all.find((p) => p.id === g.parent) : undefined;
    return (parent !== undefined ? `${parent.name}/${g.name}` : g.name).toLowerCase();
  }

  /** Genre id of a name or `parent/child` path; a leaf name alone also finds its genre. Null when unknown. */
  genreId(name: string): number | null {
    const p = genrePath(name);
    if (p === null) return null;
    const direct = this.genreByName.get(p.join('/'));
    if (direct !== undefined) return direct;
    if (p.length === 1) {
      for (const [k, id] of this.genreByName) if (k.endsWith(`/${p[0]}`)) return id;
    }
    return null;
  }

  /** The genre of a path, created (with its parent) when new. New genres are unknown to the models until retrained. */
  private ensureGenre(name: string): number {
    const known = this.genreId(name);
    if (known !== null) return known;
    const p = genrePath(name)!;
    let parent = -1;
    if (p.length === 2) parent = this.genreByName.get(p[0]!) ?? this.addGenre(p[0]!, -1, p[0]!);
    return this.addGenre(p[p.length - 1]!, parent, p.join('/'));
  }

  private addGenre(name: string, parent: number, key: string): number {
    let id = 0;
    for (const g of this.genreList) id = Math.max(id, g.id + 1);
    this.genreList = [...this.genreList, { id, name, parent }];
    this.genreByName.set(key, id);
    return id;
  }

  /** Index of a market code, added to the market list when new (null when the list is full). */
  private ensureMarket(code: string): number | null {
    const known = this.marketByCode.get(code);
    if (known !== undefined) return known;
    if (this.marketList.length >= MAX_MARKETS) return null;
    const i = this.marketList.length;
    this.marketList = [...this.marketList, code];
    this.marketByCode.set(code, i);
    return i;
  }

  /** Market index of a code, or -1 when the catalog has never seen it. */
  marketIndex(code: string): number {
    return this.marketByCode.get(code) ?? -1;
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
            marketSet: c.marketSet.subarray(0, n),
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
  /** The base's tables with this catalog's renamed and added names; none when the base has no tables (CatalogSearch decodes then). */
  nameSources(): { trackTitles: NameSource; artistNames: NameSource } | undefined {
    const base = this.base.nameSources?.();
    if (base === undefined) return undefined;
    return { trackTitles: { table: base.trackTitles.table, changed: this.titles }, artistNames: { table: base.artistNames.table, changed: this.artistNames } };
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
      const isNew = typeof u.id === 'string' && !this.trackIds.has(u.id);
      if (isNew) tracks++;
      const albumId = u.album?.id ?? (isNew ? singleAlbumId(u.id) : undefined);
      if (albumId !== undefined && !this.albumIds.has(albumId)) albums++;
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
      marketSet: new Uint32Array(trackCap),
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

  /** Adds or updates one track (upsert by id); validates everything before writing anything. */
  upsert(raw: TrackUpsert): UpsertResult {
    // Checked again here (the routes check first): a journal or stream replayed from disk is input too.
    const checked = checkTrackInput(raw);
    if (checked.kind === 'rejected') return { kind: 'rejected', reason: `${checked.field} ${checked.reason}` };
    const u = checked.track;
    const plan = this.plan(u);
    if (typeof plan === 'string') return { kind: 'rejected', reason: plan };
    return this.write(u, plan);
  }

  /** Resolves a track object against the catalog: every check, no write. A string is the reason for a rejection. */
  private plan(u: TrackUpsert): Plan | string {
    if (typeof u.id !== 'string' || u.id.length === 0) return 'id is required';
    const existing = this.trackIds.indexOf(u.id);
    const isNew = existing < 0;
    if (isNew && u.takedown === true) return `unknown track "${u.id}"`;
    if (isNew && (u.title === undefined || u.artist === undefined)) return 'a new track needs title and artist';
    let artist = -1;
    let newArtist = false;
    if (u.artist !== undefined) {
      artist = this.artistIds.indexOf(u.artist.id);
      newArtist = artist < 0;
      if (newArtist && u.artist.name === undefined) return `a new artist ("${u.artist.id}") needs a name`;
    }
    const albumId = u.album?.id ?? (isNew ? singleAlbumId(u.id) : undefined);
    let album = -1;
    let newAlbum = false;
    if (albumId !== undefined) {
      album = this.albumIds.indexOf(albumId);
      newAlbum = album < 0;
    }
    let marketCodes: readonly string[] | null = null;
    if (u.markets !== undefined) {
      const fresh = new Set(u.markets.filter((m) => !this.marketByCode.has(m)));
      if (this.marketList.length + fresh.size > MAX_MARKETS) return `more than ${MAX_MARKETS} markets`;
      marketCodes = u.markets;
    }
    let features: Float32Array | null = null;
    if (u.features !== undefined) {
      features = new Float32Array(this.featureDim);
      for (const [name, value] of Object.entries(u.features)) {
        const slot = this.featureSlot.get(name);
        if (slot === undefined) return `unknown feature ${JSON.stringify(name)} (known: ${this.featureNames.join(', ') || 'none'})`;
        features[slot] = value;
      }
    }
    let releaseDay = 0;
    if (u.releaseDate !== undefined) releaseDay = Math.floor(Date.parse(`${u.releaseDate}T00:00:00Z`) / DAY_MS);
    return { existing, isNew, artist, newArtist, albumId, album, newAlbum, marketCodes, features, releaseDay };
  }

  private write(u: TrackUpsert, p: Plan): UpsertResult {
    const { isNew, newArtist, newAlbum } = p;
    if (isNew || newAlbum) this.ensureCapacity(isNew ? this.n + 1 : this.n, newAlbum ? this.albumN + 1 : this.albumN);
    let artist = p.artist;
    if (newArtist) {
      artist = this.artistIds.add(u.artist!.id).index;
      this.artistNames.set(artist, u.artist!.name!);
      this.artistN++;
    }
    const t = isNew ? this.trackIds.add(u.id).index : p.existing;
    let album = p.album;
    if (newAlbum) {
      album = this.albumIds.add(p.albumId!).index;
      this.albumTitles.set(album, u.album?.name ?? u.title ?? this.trackTitle(t as TrackIndex));
      this.albumN++;
    }
    const albumOwner = newAlbum ? (artist >= 0 ? artist : this.cols.artist[t]!) : -1;
    const genre = u.genres !== undefined && u.genres.length > 0 ? this.ensureGenre(u.genres[0]!) : isNew ? this.unknownGenre() : -1;
    let marketSet = -1;
    if (u.takedown === true) marketSet = this.nowhere >= 0 ? this.nowhere : (this.nowhere = this.marketSets.intern([]));
    else if (p.marketCodes !== null) marketSet = this.marketSets.intern(p.marketCodes.map((m) => this.ensureMarket(m)!));
    else if (isNew) marketSet = EVERYWHERE;
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
      if (u.releaseDate !== undefined || isNew) c.releaseDay[t] = p.releaseDay;
      if (u.durationMs !== undefined || isNew) c.durationMs[t] = u.durationMs ?? UNKNOWN_DURATION_MS;
      if (u.explicit !== undefined || isNew) c.explicit[t] = u.explicit === true ? 1 : 0;
      if (marketSet >= 0) c.marketSet[t] = marketSet;
      if (u.popularity !== undefined) c.popularity[t] = u.popularity;
      if (p.features !== null) c.features.set(p.features, t * this.featureDim);
    }
    this.view = null;
    this.version++;
    return isNew ? { kind: 'added', track: t } : { kind: 'updated', track: t };
  }

  /** The genre of tracks that name none. */
  private unknownGenre(): number {
    return this.genreByName.get('unknown') ?? this.addGenre('unknown', -1, 'unknown');
  }

  /** True when the track was taken down (DELETE /v1/tracks/{id}). */
  isTakenDown(t: number): boolean {
    return this.nowhere >= 0 && this.cols.marketSet[t] === this.nowhere;
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
  to.marketSet.set(from.marketSet.subarray(t0, t1), t0);
  to.popularity.set(from.popularity.subarray(t0, t1), t0);
  to.features.set(from.features.subarray(t0 * featureDim, t1 * featureDim), t0 * featureDim);
}
