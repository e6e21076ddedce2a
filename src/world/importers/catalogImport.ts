// `encore import --format jsonl|csv --catalog tracks [--users users] [--events events] --out DIR`: an app's own
// catalog, listener profiles and listening history as a world directory (docs/formats.md), the same format `encore world` writes, so `encore train` and
// `encore serve` take it as they take a generated one.
//
// Streaming with bounded memory: both files are read chunk by chunk, one row at a time (never whole); ids go into
// IdDictionary (flat typed arrays, no JS string per id), per-track values into growable typed arrays, titles and
// names straight to their string tables on disk. Measured: 0.39 GiB peak RSS for 1M tracks + 3.3M events; at 8.2M
// tracks + 27M events an estimated 3-3.5 GB (bench/results/import.md, `npm run bench:import`).
//
// Every track row is checked by checkTrackInput (src/catalog/trackInput.ts, the same check as PUT /v1/tracks) and
// every event row by validateEvent (src/storage/validateEvent.ts, the same check as POST /v1/events) against the
// catalog read so far: an event naming a track that is not in the catalog file is a bad row of the events file.
// A bad row is reported as `file:line: field: reason`; up to `maxErrors` bad rows are skipped (all reported), one
// more aborts the import with nothing written. The world is built in DIR.partial-PID and renamed at the end.
//
// What the world gets where the files say nothing (see also trackInput.ts for a track's optional fields):
//   - an import adds to checkTrackInput: `title` and `artist` are required for a catalog row; a duplicate track id
//     and `takedown` are bad rows; a feature name is 1-100 characters, at most MAX_IMPORT_FEATURES names.
//   - genres: names, `parent/child` builds the hierarchy (the child's manifest name is the child part, its parent
//     the root's id); ids in first-seen order; the track's genre column is its first genre; a track without genres
//     gets the root genre "unknown".
//   - markets: the codes the data uses, in first-seen order (at most 256); a track without `markets` is available
//     everywhere (availability set 0). A catalog naming no market gets the one market "ZZ".
//   - features: the union of the names seen, in first-seen order; a track without a feature has 0 for it.
//   - popularity: as given, else the track's event count (impressions excluded) / the largest count.
//   - artists: named by their first track's `artist.name` (else their id); home genre = their first track's genre,
//     home market 0. Albums: first track's album name (a single named after its track), artist and release day.
//   - listeners: those of the users file (checkUserRow, src/world/importers/userRow.ts) in file order, then every
//     other userId the events name, in first-seen order. A users-file listener gets its `market` (a code the
//     catalog does not use is added to the world's markets, at most 256 in all) and `explicit` setting; without
//     them, and for listeners only the events name, market 0 (the first market) and explicit allowed. Onboarding
//     `genres` are checked, not kept (the world format has no column for them: send them with PUT /v1/users).
//     A duplicate id in the users file is a bad row. Signup day = the day of the first event (of "now" without).
//   - events: grouped by listener, chronological (ties keep file order); a session ends after 30 minutes without an
//     event; a skip keeps its position, other types position 0; a follow_artist/ban_artist naming only an artist is
//     stored with the artist's first track (the event columns hold a track). eventId is checked, not deduplicated.
//   - nowMs (the world's "now"): `nowMs` option (--now), else last event + 1 ms, else the wall clock.
import fs from 'node:fs';
import path from 'node:path';
import type { Genre } from '../../catalog/Catalog.js';
import { CATALOG_FILES } from '../../catalog/ColumnarCatalog.js';
import { IdDictionary, idDictionaryFiles } from '../../catalog/IdDictionary.js';
import { EVERYWHERE, MAX_MARKETS, MarketSets } from '../../catalog/MarketSets.js';
import { checkTrackInput, genrePath, singleAlbumId, type TrackInput } from '../../catalog/trackInput.js';
import { EncoreError } from '../../domain/errors.js';
import { EventType } from '../../domain/events.js';
import { validateEvent, type EventCatalog } from '../../storage/validateEvent.js';
import { WORLD_FORMAT, WORLD_FORMAT_VERSION, writeColumn, writeJson, type ColumnSpec, type TypedArray, type WorldManifest } from '../format.js';
import type { Progress } from '../generateCatalog.js';
import { EVENT_FILES } from '../generateHistory.js';
import { USER_FILES } from '../generateUsers.js';
import { DAY_MS } from '../timeline.js';
import { prepareOut, sortedKeys } from '../World.js';
import { Grow, StringTableBuilder } from './columns.js';
import { eventRowMapper, readCsvRows, trackRowMapper, userRowMapper } from './csvReader.js';
import { readJsonLines, type RowSink } from './jsonlReader.js';
import { checkUserRow } from './userRow.js';
import { SESSION_GAP_MS, UNKNOWN_DURATION_MS, UNKNOWN_MARKET, orderByUserThenTime } from './writeImportedWorld.js';

export type CatalogFormat = 'jsonl' | 'csv';

export interface CatalogImportOptions {
  readonly format: CatalogFormat;
  /** tracks.jsonl / tracks.csv */
  readonly catalog: string;
  /** events.jsonl / events.csv (optional: a catalog alone makes a world without listeners) */
  readonly events?: string;
  /** users.jsonl / users.csv: listener profiles {id, market, explicit, genres} (optional) */
  readonly users?: string;
  readonly out: string;
  /** Bad rows skipped (and reported) before the import aborts; default 0. */
  readonly maxErrors?: number;
  /** The world's "now" (ms since epoch); default last event + 1. */
  readonly nowMs?: number;
  /** Progress by phase: 'tracks' and 'events' in MiB read of the file, 'writing' in columns. */
  readonly onProgress?: Progress;
}

export interface CatalogImportSummary {
  readonly dir: string;
  readonly tracks: number;
  readonly artists: number;
  readonly albums: number;
  readonly genres: number;
  readonly markets: number;
  readonly featureNames: readonly string[];
  readonly users: number;
  readonly events: number;
  readonly plays: number;
  readonly sessions: number;
  /** Rows read (good and bad) of each file. */
  readonly trackRows: number;
  readonly eventRows: number;
  readonly userRows: number;
  /** Every bad row skipped, as `file:line: field: reason`. */
  readonly badRows: readonly string[];
  readonly bytesRead: number;
  /** Bytes of each id dictionary as written and as a loaded catalog holds it (offsets + UTF-8 + hash slots). */
  readonly idBytes: { readonly track: number; readonly artist: number; readonly album: number; readonly user: number };
  readonly seconds: number;
}

/** Events older than this are refused as seconds-not-milliseconds (validateEvent's live floor is year 2000). */
export const IMPORT_MIN_TIMESTAMP_MS = 1e11;
export const MAX_IMPORT_FEATURES = 256;
const MAX_GENRES = 65535;
const MiB = 2 ** 20;

/** Thrown when more rows are bad than --max-errors allows; `badRows` lists them all. */
/** A listener's signup day before their first event is seen. */
const NO_SIGNUP = -(2 ** 31);

export class ImportAbortedError extends EncoreError {
  constructor(
    readonly badRows: readonly string[],
    readonly maxErrors: number,
  ) {
    super('ENC_IMPORT_ROW', `${badRows.join('\n')}\nimport aborted: ${badRows.length} bad rows, more than --max-errors ${maxErrors}; nothing written`, 400);
  }
}

class BadRows {
  readonly list: string[] = [];
  constructor(readonly max: number) {}
  /** Records a bad row; throws ImportAbortedError when it is one more than allowed. */
  add(file: string, line: number, field: string, reason: string): void {
    if (this.list.length > this.max) return; // already aborting (a parser may report more before it stops)
    this.list.push(`${file}:${line}: ${field}: ${reason}`);
    this.check();
  }
  check(): void {
    if (this.list.length > this.max) throw new ImportAbortedError(this.list, this.max);
  }
}

/** validateEvent's reason -> [field, reason] (its reasons start with the field, or name it). */
export function eventProblem(reason: string): [string, string] {
  const lead = /^(type|eventId|userId|trackId|artistId|timestamp|surface|requestId|position|propensity|weight) (.*)$/.exec(reason);
  if (lead) return [lead[1]!, lead[2]!];
  if (reason.startsWith('unknown track')) return ['trackId', `${reason} (not in the catalog file)`];
  if (reason.startsWith('unknown artist')) return ['artistId', `${reason} (not in the catalog file)`];
  const needs = /needs (?:an? )?(\w+)/.exec(reason);
  if (needs) return [needs[1]!, reason];
  return ['event', reason];
}

/** Imports a catalog (and its listening events) as a world directory. Throws ImportAbortedError past maxErrors. */
export async function importCatalog(opts: CatalogImportOptions): Promise<CatalogImportSummary> {
  const started = performance.now();
  const maxErrors = opts.maxErrors ?? 0;
  if (!(Number.isInteger(maxErrors) && maxErrors >= 0)) throw new EncoreError('ENC_BAD_REQUEST', `--max-errors must be a non-negative integer, got ${maxErrors}`, 400);
  const abs = path.resolve(opts.out);
  prepareOut(abs);
  const tmp = `${abs}.partial-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  const b = new WorldBuilder(tmp, new BadRows(maxErrors));
  try {
    const summary = await b.run(opts);
    fs.rmSync(abs, { recursive: true, force: true });
    fs.renameSync(tmp, abs);
    return { ...summary, dir: abs, seconds: (performance.now() - started) / 1000 };
  } catch (e) {
    b.abandon();
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** Bytes of a written id dictionary (its three files), = its memory once loaded. */
export function dictionaryBytes(files: Readonly<Record<string, ColumnSpec>>, name: string): number {
  const f = idDictionaryFiles(name);
  return 4 * (files[f.offsets]?.length ?? 0) + (files[f.utf8]?.length ?? 0) + 4 * (files[f.hash]?.length ?? 0);
}

class WorldBuilder {
  private readonly files: Record<string, ColumnSpec> = {};
  // tracks
  private readonly trackIds = IdDictionary.create(1 << 16);
  private readonly artist = new Grow(Int32Array);
  private readonly album = new Grow(Int32Array);
  private readonly genre = new Grow(Uint16Array);
  private readonly releaseDay = new Grow(Int32Array);
  private readonly durationMs = new Grow(Int32Array);
  private readonly explicit = new Grow(Uint8Array);
  private readonly marketSet = new Grow(Uint32Array);
  private readonly popularity = new Grow(Float32Array);
  private features = new Float32Array(0);
  private featureRows = 0;
  private readonly featureNames: string[] = [];
  private readonly featureIndex = new Map<string, number>();
  private readonly titles: StringTableBuilder;
  // artists, albums
  private readonly artistIds = IdDictionary.create(1 << 14);
  private readonly artistGenre = new Grow(Uint16Array);
  private readonly artistFirstTrack = new Grow(Int32Array);
  private readonly artistNames: StringTableBuilder;
  private readonly albumIds = IdDictionary.create(1 << 14);
  private readonly albumArtist = new Grow(Int32Array);
  private readonly albumReleaseDay = new Grow(Int32Array);
  private readonly albumTitles: StringTableBuilder;
  // genres, markets
  private readonly genres: Genre[] = [];
  private readonly genreByPath = new Map<string, number>();
  /** Genre id by the name as written ("Rock/Indie Rock"), a cache in front of genrePath. */
  private readonly genreByName = new Map<string, number>();
  /** Availability set by the market list as written ("US,DE"), a cache in front of MarketSets.intern. */
  private readonly setByList = new Map<string, number>();
  private readonly markets: string[] = [];
  private readonly marketIndex = new Map<string, number>();
  private readonly sets = MarketSets.everywhereOnly();
  // listeners, events
  private readonly userIds = IdDictionary.create(1 << 14);
  /** market index and explicit setting of the users-file listeners (indices 0 .. length-1) */
  private readonly uMarket = new Grow(Uint8Array);
  private readonly uExplicit = new Grow(Uint8Array);
  private readonly eUser = new Grow(Int32Array, 1 << 16);
  private readonly eTrack = new Grow(Int32Array, 1 << 16);
  private readonly eTs = new Grow(Float64Array, 1 << 16);
  private readonly eType = new Grow(Uint8Array, 1 << 16);
  private readonly ePos = new Grow(Int32Array, 1 << 16);
  /** complete events' weights (1 when none is given); written as events/weight.bin only when some event has one. */
  private readonly eWeight = new Grow(Float32Array, 1 << 16);
  private weighted = false;
  private readonly trackColumns: readonly Grow<TypedArray>[] = [this.artist, this.album, this.genre, this.releaseDay, this.durationMs, this.explicit, this.marketSet, this.popularity];
  private readonly eventColumns: readonly Grow<TypedArray>[] = [this.eUser, this.eTrack, this.eTs, this.eType, this.ePos, this.eWeight];
  private trackRows = 0;
  private eventRows = 0;
  private userRows = 0;
  private bytesRead = 0;

  constructor(
    private readonly dir: string,
    private readonly bad: BadRows,
  ) {
    this.titles = new StringTableBuilder(dir, CATALOG_FILES.trackTitle);
    this.artistNames = new StringTableBuilder(dir, CATALOG_FILES.artistName);
    this.albumTitles = new StringTableBuilder(dir, CATALOG_FILES.albumTitle);
  }

  abandon(): void {
    for (const s of [this.titles, this.artistNames, this.albumTitles]) s.abandon();
  }

  async run(opts: CatalogImportOptions): Promise<Omit<CatalogImportSummary, 'dir' | 'seconds'>> {
    const progress = opts.onProgress;
    const read = async (file: string, phase: string, onRow: (raw: unknown, line: number) => void, mapper: typeof trackRowMapper): Promise<void> => {
      const total = Math.max(1, Math.ceil((fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0) / MiB));
      const name = file;
      let last = 0;
      let shown = -1;
      const sink: RowSink = {
        row: onRow,
        bad: (line, field, reason) => {
          if (phase === 'tracks MiB') this.trackRows++;
          else if (phase === 'users MiB') this.userRows++;
          else this.eventRows++;
          this.bad.add(name, line, field, reason);
        },
        bytes: (done) => {
          last = done;
          const mib = Math.floor(done / MiB); // the CSV reader reports every row: draw once a MiB
          if (mib !== shown) {
            shown = mib;
            progress?.(phase, mib, total);
          }
        },
      };
      progress?.(phase, 0, total);
      if (opts.format === 'jsonl') await readJsonLines(file, sink);
      else await readCsvRows(file, mapper, sink);
      this.bad.check();
      progress?.(phase, total, total);
      this.bytesRead += last;
    };
    await read(opts.catalog, 'tracks MiB', (raw, line) => this.addTrack(raw, opts.catalog, line), trackRowMapper);
    if (opts.users !== undefined) {
      const users = opts.users;
      await read(users, 'users MiB', (raw, line) => this.addUser(raw, users, line), userRowMapper);
    }
    const view: EventCatalog = { trackIds: this.trackIds, trackCount: this.trackIds.size, artistIds: this.artistIds, artistCount: this.artistIds.size, columns: { artist: this.artist.view() } };
    const wallNow = Math.max(Date.now(), opts.nowMs ?? 0);
    if (opts.events !== undefined) {
      const events = opts.events;
      await read(events, 'events MiB', (raw, line) => this.addEvent(raw, view, wallNow, events, line), eventRowMapper);
    }
    return this.write(opts.format, opts.nowMs, progress);
  }

  private addTrack(raw: unknown, file: string, line: number): void {
    this.trackRows++;
    const c = checkTrackInput(raw);
    if (c.kind === 'rejected') {
      const sub = /^(artist|album)\.(id|name) (.*)$/.exec(c.reason); // "artist.id must be ..." -> field artist.id
      if (sub) this.bad.add(file, line, `${sub[1]}.${sub[2]}`, sub[3]!);
      else this.bad.add(file, line, c.field, c.reason);
      return;
    }
    const t = c.track;
    const problem = this.importProblem(t);
    if (problem !== null) {
      this.bad.add(file, line, problem[0], problem[1]);
      return;
    }
    const index = this.trackIds.add(t.id).index;
    // genres (first = primary)
    let primary = -1;
    for (const g of t.genres ?? []) {
      const id = this.genreId(g);
      if (primary < 0) primary = id;
    }
    if (primary < 0) primary = this.genreId('unknown');
    const day = t.releaseDate !== undefined ? Math.floor(Date.parse(`${t.releaseDate}T00:00:00Z`) / DAY_MS) : 0;
    // artist, album
    const a = this.artistIds.add(t.artist!.id);
    if (a.isNew) {
      this.artistNames.add(t.artist!.name ?? t.artist!.id);
      this.artistGenre.push(primary);
      this.artistFirstTrack.push(index);
    }
    const albumKey = t.album?.id ?? singleAlbumId(t.id);
    const al = this.albumIds.add(albumKey);
    if (al.isNew) {
      this.albumTitles.add(t.album?.name ?? (t.album === undefined ? t.title! : albumKey));
      this.albumArtist.push(a.index);
      this.albumReleaseDay.push(day);
    }
    this.titles.add(t.title!);
    const r = this.nextRow(this.trackColumns);
    this.artist.data[r] = a.index;
    this.album.data[r] = al.index;
    this.genre.data[r] = primary;
    this.releaseDay.data[r] = day;
    this.durationMs.data[r] = t.durationMs ?? UNKNOWN_DURATION_MS;
    this.explicit.data[r] = t.explicit === true ? 1 : 0;
    this.marketSet.data[r] = t.markets === undefined ? EVERYWHERE : this.marketSetOf(t.markets);
    this.popularity.data[r] = t.popularity ?? NaN;
    this.addFeatures(index, t.features);
  }

  /**
   * Appends a row to columns that grow together; returns its index. The callers then store `col.data[r] = v`, one
   * monomorphic store per column (a shared push over six element types was 2x slower).
   */
  private nextRow(cols: readonly Grow<TypedArray>[]): number {
    const r = cols[0]!.length;
    for (const g of cols) g.next();
    return r;
  }

  /** What an import refuses beyond checkTrackInput (checked before anything of the row is kept). */
  private importProblem(t: TrackInput): [string, string] | null {
    if (t.title === undefined) return ['title', 'is required'];
    if (t.artist === undefined) return ['artist', 'is required (an object {id, name})'];
    if (t.takedown === true) return ['takedown', 'an import is the catalog: leave a taken-down track out'];
    if (this.trackIds.has(t.id)) return ['id', `duplicate track id "${t.id}" (an earlier line has it)`];
    if (t.markets !== undefined) {
      let fresh = 0;
      for (const m of new Set(t.markets)) if (!this.marketIndex.has(m)) fresh++;
      if (this.markets.length + fresh > MAX_MARKETS) return ['markets', `more than ${MAX_MARKETS} distinct market codes in the catalog`];
    }
    if (t.genres !== undefined) {
      let fresh = 0;
      for (const g of t.genres) {
        if (this.genreByName.has(g)) continue;
        const p = genrePath(g)!;
        if (!this.genreByPath.has(p[0]!)) fresh++;
        if (p.length === 2 && !this.genreByPath.has(p.join('/'))) fresh++;
      }
      if (this.genres.length + fresh > MAX_GENRES) return ['genres', `more than ${MAX_GENRES} genres in the catalog`];
    }
    if (t.features !== undefined) {
      let fresh = 0;
      for (const k of Object.keys(t.features)) {
        if (k.length === 0 || k.length > 100) return ['features', `feature name ${JSON.stringify(k.slice(0, 120))} must be 1-100 characters`];
        if (!this.featureIndex.has(k)) fresh++;
      }
      if (this.featureNames.length + fresh > MAX_IMPORT_FEATURES) return ['features', `more than ${MAX_IMPORT_FEATURES} feature names in the catalog`];
    }
    return null;
  }

  private genreId(name: string): number {
    const known = this.genreByName.get(name);
    if (known !== undefined) return known;
    const p = genrePath(name)!;
    const root = this.genreNode(p[0]!, p[0]!, -1);
    const id = p.length === 1 ? root : this.genreNode(`${p[0]}/${p[1]}`, p[1]!, root);
    if (this.genreByName.size < 1 << 16) this.genreByName.set(name, id);
    return id;
  }

  private genreNode(key: string, name: string, parent: number): number {
    let id = this.genreByPath.get(key);
    if (id === undefined) {
      id = this.genres.length;
      this.genres.push({ id, name, parent });
      this.genreByPath.set(key, id);
    }
    return id;
  }

  private marketSetOf(markets: readonly string[]): number {
    const key = markets.join(',');
    let set = this.setByList.get(key);
    if (set === undefined) {
      set = this.sets.intern(markets.map((m) => this.marketId(m)));
      if (this.setByList.size < 1 << 16) this.setByList.set(key, set);
    }
    return set;
  }

  private marketId(code: string): number {
    let m = this.marketIndex.get(code);
    if (m === undefined) {
      m = this.markets.length;
      this.markets.push(code);
      this.marketIndex.set(code, m);
    }
    return m;
  }

  /** Row `t` of the dense features matrix (tracks x names); a new name widens it (missing values are 0). */
  private addFeatures(t: number, f: Readonly<Record<string, number>> | undefined): void {
    if (f !== undefined) for (const k of Object.keys(f)) if (!this.featureIndex.has(k)) this.widenFeatures(k);
    const dim = this.featureNames.length;
    this.featureRows = t + 1;
    if (dim === 0) return;
    if (this.featureRows * dim > this.features.length) {
      const bigger = new Float32Array(Math.max(this.featureRows * dim, this.features.length * 2, 1024 * dim));
      bigger.set(this.features);
      this.features = bigger;
    }
    if (f !== undefined) for (const [k, v] of Object.entries(f)) this.features[t * dim + this.featureIndex.get(k)!] = v;
  }

  private widenFeatures(name: string): void {
    const old = this.featureNames.length;
    this.featureIndex.set(name, old);
    this.featureNames.push(name);
    const dim = old + 1;
    const rows = this.featureRows;
    const next = new Float32Array(Math.max(rows * dim * 2, 1024 * dim));
    for (let r = 0; r < rows; r++) for (let k = 0; k < old; k++) next[r * dim + k] = this.features[r * old + k]!;
    this.features = next;
  }

  private addUser(raw: unknown, file: string, line: number): void {
    this.userRows++;
    const c = checkUserRow(raw);
    if (c.kind === 'rejected') {
      this.bad.add(file, line, c.field, c.reason);
      return;
    }
    const u = c.user;
    if (this.userIds.has(u.id)) {
      this.bad.add(file, line, 'id', `duplicate listener id "${u.id}" (an earlier line has it)`);
      return;
    }
    if (u.market !== undefined && !this.marketIndex.has(u.market) && this.markets.length >= MAX_MARKETS) {
      this.bad.add(file, line, 'market', `"${u.market}" would be market ${MAX_MARKETS + 1}: a world has at most ${MAX_MARKETS}`);
      return;
    }
    this.userIds.add(u.id);
    const r = this.nextRow([this.uMarket, this.uExplicit]);
    this.uMarket.data[r] = u.market !== undefined ? this.marketId(u.market) : 0;
    this.uExplicit.data[r] = u.explicit === false ? 0 : 1;
  }

  private addEvent(raw: unknown, view: EventCatalog, wallNow: number, file: string, line: number): void {
    this.eventRows++;
    const c = validateEvent(raw, view, wallNow, { minTimestampMs: IMPORT_MIN_TIMESTAMP_MS });
    if (c.kind === 'rejected') {
      const [field, reason] = eventProblem(c.reason);
      this.bad.add(file, line, field, reason);
      return;
    }
    const e = c.event;
    const track = e.trackIndex ?? this.artistFirstTrack.get(e.artistIndex!);
    const k = this.nextRow(this.eventColumns);
    this.eUser.data[k] = this.userIds.add(e.userId).index;
    this.eTrack.data[k] = track;
    this.eTs.data[k] = e.timestamp;
    this.eType.data[k] = EventType[e.type];
    this.ePos.data[k] = e.type === 'skip' ? Math.min(2 ** 31 - 1, Math.round(e.position ?? 0)) : 0;
    this.eWeight.data[k] = e.weight ?? 1;
    if (e.weight !== undefined) this.weighted = true;
  }

  private write(source: CatalogFormat, nowOption: number | undefined, progress: Progress | undefined): Omit<CatalogImportSummary, 'dir' | 'seconds'> {
    const N = this.trackIds.size;
    const U = this.userIds.size;
    const E = this.eUser.length;
    const steps = this.weighted ? 9 : 8;
    let step = 0;
    const tick = (): void => progress?.('writing', ++step, steps);
    if (N === 0) throw new EncoreError('ENC_IMPORT_ROW', `${this.badRows()}the catalog has no track${this.bad.list.length > 0 ? ' left after the bad rows' : ''}; nothing written`, 400);
    this.fillPopularity();
    this.writeCatalogColumns();
    tick();
    const idBytes = this.writeIds();
    tick();
    const ev = this.writeEvents(tick);
    const nowMs = nowOption ?? (E > 0 ? ev.maxTs + 1 : Date.now());
    this.writeListeners(ev.signupDay, nowMs);
    const counts = { tracks: N, artists: this.artistIds.size, albums: this.albumIds.size, users: U, events: E, plays: ev.plays > 0 ? ev.plays : ev.outcomes, sessions: ev.sessions };
    const manifest: WorldManifest = {
      format: WORLD_FORMAT,
      version: WORLD_FORMAT_VERSION,
      source,
      seed: null,
      nowMs,
      counts,
      markets: this.markets.length > 0 ? [...this.markets] : [UNKNOWN_MARKET],
      genres: this.genres,
      featureNames: [...this.featureNames],
      files: sortedKeys(this.files),
    };
    writeJson(path.join(this.dir, 'manifest.json'), manifest);
    return {
      ...counts,
      genres: this.genres.length,
      markets: manifest.markets.length,
      featureNames: manifest.featureNames,
      trackRows: this.trackRows,
      eventRows: this.eventRows,
      userRows: this.userRows,
      badRows: this.bad.list,
      bytesRead: this.bytesRead,
      idBytes,
    };
  }

  /** Popularity where the file gave none: the track's events (impressions aside) over the most-played track's. */
  private fillPopularity(): void {
    const N = this.trackIds.size;
    const E = this.eUser.length;
    const counts = new Float64Array(N);
    const type = this.eType.view();
    const track = this.eTrack.view();
    for (let i = 0; i < E; i++) if (type[i] !== EventType.impression) counts[track[i]!]!++;
    let maxCount = 0;
    for (let t = 0; t < N; t++) if (counts[t]! > maxCount) maxCount = counts[t]!;
    const pop = this.popularity.view();
    for (let t = 0; t < N; t++) if (Number.isNaN(pop[t]!)) pop[t] = maxCount > 0 ? counts[t]! / maxCount : 0;
  }

  /** The catalog's columns and string tables; their growable buffers are let go once written. */
  private writeCatalogColumns(): void {
    const { dir, files } = this;
    const N = this.trackIds.size;
    writeColumn(dir, CATALOG_FILES.artist, this.artist.view(), files);
    writeColumn(dir, CATALOG_FILES.album, this.album.view(), files);
    writeColumn(dir, CATALOG_FILES.genre, this.genre.view(), files);
    writeColumn(dir, CATALOG_FILES.releaseDay, this.releaseDay.view(), files);
    writeColumn(dir, CATALOG_FILES.durationMs, this.durationMs.view(), files);
    writeColumn(dir, CATALOG_FILES.explicit, this.explicit.view(), files);
    writeColumn(dir, CATALOG_FILES.marketSet, this.marketSet.view(), files);
    writeColumn(dir, CATALOG_FILES.marketSets, this.sets.words, files);
    writeColumn(dir, CATALOG_FILES.popularity, this.popularity.view(), files);
    writeColumn(dir, CATALOG_FILES.features, this.features.subarray(0, N * this.featureNames.length), files);
    writeColumn(dir, CATALOG_FILES.albumArtist, this.albumArtist.view(), files);
    writeColumn(dir, CATALOG_FILES.albumReleaseDay, this.albumReleaseDay.view(), files);
    writeColumn(dir, CATALOG_FILES.artistGenre, this.artistGenre.view(), files);
    writeColumn(dir, CATALOG_FILES.artistMarket, new Uint8Array(this.artistIds.size), files);
    for (const g of [this.artist, this.album, this.genre, this.releaseDay, this.durationMs, this.explicit, this.marketSet, this.popularity, this.albumArtist, this.albumReleaseDay, this.artistGenre]) g.release();
    this.features = new Float32Array(0);
    this.titles.close(files);
    this.artistNames.close(files);
    this.albumTitles.close(files);
  }

  /** The four id dictionaries; returns their bytes per id kind. */
  private writeIds(): CatalogImportSummary['idBytes'] {
    const { dir, files } = this;
    this.trackIds.save(dir, CATALOG_FILES.trackIds, files);
    this.artistIds.save(dir, CATALOG_FILES.artistIds, files);
    this.albumIds.save(dir, CATALOG_FILES.albumIds, files);
    this.userIds.save(dir, USER_FILES.ids, files);
    return { track: dictionaryBytes(files, CATALOG_FILES.trackIds), artist: dictionaryBytes(files, CATALOG_FILES.artistIds), album: dictionaryBytes(files, CATALOG_FILES.albumIds), user: dictionaryBytes(files, USER_FILES.ids) };
  }

  /**
   * The events grouped by listener (stable counting sort), chronological within a listener, with sessions cut at
   * SESSION_GAP_MS; each listener's signup day is their first event's. Every column is written, then let go.
   */
  private writeEvents(tick: () => void): { signupDay: Int32Array; maxTs: number; plays: number; outcomes: number; sessions: number } {
    const { dir, files } = this;
    const U = this.userIds.size;
    const E = this.eUser.length;
    const ts = this.eTs.view();
    const type = this.eType.view();
    const order = orderByUserThenTime(this.eUser.view(), ts, U);
    tick();
    const sortedUser = new Int32Array(E);
    const session = new Int32Array(E);
    const signupDay = new Int32Array(U).fill(NO_SIGNUP);
    let s = -1;
    let maxTs = -Infinity;
    let plays = 0, outcomes = 0;
    const user = this.eUser.view();
    for (let k = 0; k < E; k++) {
      const i = order[k]!;
      const u = user[i]!;
      const t = ts[i]!;
      const newUser = k === 0 || sortedUser[k - 1] !== u;
      if (newUser) signupDay[u] = Math.floor(t / DAY_MS);
      if (newUser || t - ts[order[k - 1]!]! > SESSION_GAP_MS) s++;
      sortedUser[k] = u;
      session[k] = s;
      if (t > maxTs) maxTs = t;
      const ty = type[i]!;
      if (ty === EventType.play_start) plays++;
      else if (ty === EventType.complete || ty === EventType.skip) outcomes++;
    }
    this.eUser.release();
    writeColumn(dir, EVENT_FILES.user, sortedUser, files);
    writeColumn(dir, EVENT_FILES.session, session, files);
    tick();
    const permuted = <A extends Int32Array | Float64Array | Float32Array | Uint8Array>(g: Grow<A>, rel: string): void => {
      const src = g.view();
      const out = new (src.constructor as new (n: number) => A)(E);
      for (let k = 0; k < E; k++) out[k] = src[order[k]!]!;
      writeColumn(dir, rel, out, files);
      g.release();
      tick();
    };
    permuted(this.eTrack, EVENT_FILES.track);
    permuted(this.eTs, EVENT_FILES.timestampMs);
    permuted(this.eType, EVENT_FILES.type);
    permuted(this.ePos, EVENT_FILES.positionMs);
    if (this.weighted) permuted(this.eWeight, EVENT_FILES.weight);
    else this.eWeight.release();
    return { signupDay, maxTs, plays, outcomes, sessions: s + 1 };
  }

  /** The listeners' columns (market, explicit setting, signup day: "now" for a listener without events). */
  private writeListeners(signupDay: Int32Array, nowMs: number): void {
    const { dir, files } = this;
    const U = this.userIds.size;
    const market = new Uint8Array(U);
    market.set(this.uMarket.view());
    const explicitOk = new Uint8Array(U).fill(1);
    explicitOk.set(this.uExplicit.view());
    for (let u = 0; u < U; u++) if (signupDay[u] === NO_SIGNUP) signupDay[u] = Math.floor(nowMs / DAY_MS); // no events
    writeColumn(dir, USER_FILES.market, market, files);
    writeColumn(dir, USER_FILES.explicitOk, explicitOk, files);
    writeColumn(dir, USER_FILES.signupDay, signupDay, files);
  }

  private badRows(): string {
    return this.bad.list.length > 0 ? `${this.bad.list.join('\n')}\n` : '';
  }
}
