// A world: catalog + listeners + listening events (+ hidden truth for synthetic worlds), in one directory.
// generateWorld writes one (deterministic for a seed); openWorld reads one, whether generated or imported.
import fs from 'node:fs';
import path from 'node:path';
import type { Catalog } from '../catalog/Catalog.js';
import { IdDictionary } from '../catalog/IdDictionary.js';
import { catalogFrom, readWorldManifest } from '../catalog/ColumnarCatalog.js';
import { Errors } from '../domain/errors.js';
import { MARKETS } from '../domain/markets.js';
import { WORLD_FORMAT, WORLD_FORMAT_VERSION, writeJson, type ColumnSource, type ColumnSpec, type WorldManifest } from './format.js';
import { columnsOf, preloadColumns, type VerifyOptions } from './columnReader.js';
import { warnIfUnsealed, type IntegrityOptions } from './worldIntegrity.js';
import { generateCatalog, type Progress } from './generateCatalog.js';
import { EVENT_FILES, generateHistory } from './generateHistory.js';
import { USER_FILES, generateUsers } from './generateUsers.js';
import { FEATURE_NAMES, buildGenreSpace } from './genres.js';
import { Rng, mixSeed } from './rng.js';
import { WORLD_NOW_MS } from './timeline.js';

export type { WorldManifest } from './format.js';
export type { Progress } from './generateCatalog.js';

export interface WorldUsers {
  readonly count: number;
  /** The listeners' ids (row i of every listener column is ids.idAt(i)). */
  readonly ids: IdDictionary;
  readonly market: Uint8Array;
  readonly explicitOk: Uint8Array;
  readonly signupDay: Int32Array;
}

export interface WorldEvents {
  // grouped by user ascending, chronological within a user
  readonly count: number;
  readonly user: Int32Array;
  readonly track: Int32Array;
  readonly timestampMs: Float64Array;
  readonly type: Uint8Array; // EventType codes from src/domain/events.ts
  readonly positionMs: Int32Array; // skip position in ms (0 otherwise)
  readonly session: Int32Array; // global session number, increasing within a user
  readonly weight: Float32Array | null; // imported data only: the interaction weight (type = complete there)
  /** userStart[u]..userStart[u+1] are listener u's events (length users + 1); computed on load. */
  readonly userStart: Int32Array;
}

export interface World {
  readonly dir: string;
  readonly manifest: WorldManifest;
  readonly catalog: Catalog;
  readonly users: WorldUsers;
  readonly events: WorldEvents;
}

export interface GenerateOptions {
  readonly tracks: number;
  readonly users: number;
  readonly seed: number;
  readonly out: string;
  /** Average listening events per listener (default 60: about 27 plays). */
  readonly eventsPerUser?: number;
}

export interface Summary {
  readonly dir: string;
  readonly tracks: number;
  readonly artists: number;
  readonly albums: number;
  readonly users: number;
  readonly events: number;
  readonly plays: number;
  readonly sessions: number;
  readonly skipShare: number;
  readonly earlySkipShareOfSkips: number;
  readonly seconds: number;
  readonly peakRssBytes: number;
}

/** Events per play, on average (play_start + outcome + occasional like/save/...), used to size plays per listener. */
const EVENTS_PER_PLAY = 2.15;

/** Generates a synthetic world into `out` (replacing a previous world there). Same options -> same bytes. */
export async function generateWorld(opts: GenerateOptions, onProgress?: Progress): Promise<Summary> {
  const started = performance.now();
  if (!(Number.isInteger(opts.tracks) && opts.tracks >= 1)) throw Errors.badRequest(`--tracks must be a positive integer, got ${opts.tracks}`);
  if (!(Number.isInteger(opts.users) && opts.users >= 1)) throw Errors.badRequest(`--users must be a positive integer, got ${opts.users}`);
  if (!Number.isInteger(opts.seed)) throw Errors.badRequest(`--seed must be an integer, got ${opts.seed}`);
  const out = path.resolve(opts.out);
  prepareOut(out);
  const tmp = `${out}.partial-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  try {
    const seed = opts.seed >>> 0;
    const space = buildGenreSpace(new Rng(mixSeed(seed, 0)));
    const files: Record<string, ColumnSpec> = {};
    const cat = generateCatalog(seed, opts.tracks, space, tmp, files, onProgress);
    await yieldToEventLoop();
    const playsPerUser = (opts.eventsPerUser ?? 60) / EVENTS_PER_PLAY;
    const users = generateUsers(seed, opts.users, playsPerUser, space, cat, tmp, files, onProgress);
    await yieldToEventLoop();
    const stats = generateHistory(seed, space, cat, users, tmp, files, onProgress);
    const manifest: WorldManifest = {
      format: WORLD_FORMAT,
      version: WORLD_FORMAT_VERSION,
      source: 'synthetic',
      seed,
      nowMs: WORLD_NOW_MS,
      counts: { tracks: cat.trackCount, artists: cat.artistCount, albums: cat.albumCount, users: users.count, events: stats.events, plays: stats.plays, sessions: stats.sessions },
      markets: [...MARKETS],
      genres: space.genres,
      featureNames: [...FEATURE_NAMES],
      files: sortedKeys(files),
    };
    writeJson(path.join(tmp, 'manifest.json'), manifest);
    fs.rmSync(out, { recursive: true, force: true });
    fs.renameSync(tmp, out);
    return {
      dir: out, tracks: cat.trackCount, artists: cat.artistCount, albums: cat.albumCount, users: users.count,
      events: stats.events, plays: stats.plays, sessions: stats.sessions,
      skipShare: stats.plays > 0 ? stats.skips / stats.plays : 0,
      earlySkipShareOfSkips: stats.skips > 0 ? stats.earlySkips / stats.skips : 0,
      seconds: (performance.now() - started) / 1000,
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
    };
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** Refuses to overwrite a non-empty directory that is not a world. */
export function prepareOut(out: string): void {
  if (!fs.existsSync(out)) {
    fs.mkdirSync(path.dirname(out), { recursive: true });
    return;
  }
  const entries = fs.readdirSync(out);
  if (entries.length > 0 && !entries.includes('manifest.json')) throw Errors.badRequest(`${out} exists and is not a world directory; refusing to overwrite it`);
}

export function sortedKeys<T>(o: Record<string, T>): Record<string, T> {
  const r: Record<string, T> = {};
  for (const k of Object.keys(o).sort()) r[k] = o[k]!;
  return r;
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export interface OpenWorldOptions extends VerifyOptions, IntegrityOptions {}

/**
 * Opens a world directory: validates the format version, every file's size and (unless `verify: 'sizes'`) its
 * sha256 against the manifest, and every column's length. Synchronous reads: for tools and training jobs.
 */
export function openWorld(dir: string, opts: OpenWorldOptions = {}): World {
  const abs = path.resolve(dir);
  const manifest = readWorldManifest(abs);
  warnIfUnsealed(abs, manifest, opts);
  return assembleWorld(manifest, columnsOf(abs, manifest.files, opts));
}

/**
 * openWorld for a serving process: every file is read and checked with chunked asynchronous reads first (a
 * full-scale world is several GB), so timers and sockets keep being served while it loads.
 */
export async function openWorldAsync(dir: string, opts: OpenWorldOptions = {}): Promise<World> {
  const abs = path.resolve(dir);
  const manifest = readWorldManifest(abs);
  warnIfUnsealed(abs, manifest, opts);
  return assembleWorld(manifest, await preloadColumns(abs, manifest.files, opts));
}

function assembleWorld(manifest: WorldManifest, src: ColumnSource): World {
  const abs = src.dir;
  const catalog = catalogFrom(src, manifest);
  const U = manifest.counts.users;
  const users: WorldUsers = {
    count: U,
    market: src.column(USER_FILES.market, 'uint8'),
    explicitOk: src.column(USER_FILES.explicitOk, 'uint8'),
    signupDay: src.column(USER_FILES.signupDay, 'int32'),
    ids: IdDictionary.read(src, USER_FILES.ids),
  };
  if (users.ids.size !== U || users.market.length !== U || users.explicitOk.length !== U || users.signupDay.length !== U) throw Errors.formatMismatch(path.join(abs, 'users'), `listener columns disagree with manifest (${U} listeners)`);
  const events = assembleEvents(manifest, src, U);
  return { dir: abs, manifest, catalog, users, events };
}

function assembleEvents(manifest: WorldManifest, src: ColumnSource, U: number): WorldEvents {
  const abs = src.dir;
  const f = manifest.files;
  const E = manifest.counts.events;
  const user = src.column(EVENT_FILES.user, 'int32');
  const track = src.column(EVENT_FILES.track, 'int32');
  const timestampMs = src.column(EVENT_FILES.timestampMs, 'float64');
  const type = src.column(EVENT_FILES.type, 'uint8');
  const positionMs = src.column(EVENT_FILES.positionMs, 'int32');
  const session = src.column(EVENT_FILES.session, 'int32');
  const weight = f[EVENT_FILES.weight] ? src.column(EVENT_FILES.weight, 'float32') : null;
  for (const col of [user, track, timestampMs, type, positionMs, session, ...(weight ? [weight] : [])]) {
    if (col.length !== E) throw Errors.formatMismatch(path.join(abs, 'events'), `event column has ${col.length} rows, manifest says ${E}`);
  }
  const userStart = new Int32Array(U + 1);
  for (let i = 0; i < E; i++) {
    const u = user[i]!;
    if (!(u >= 0 && u < U)) throw Errors.formatMismatch(path.join(abs, EVENT_FILES.user), `event ${i}: listener ${u} out of range`);
    if (i > 0 && u < user[i - 1]!) throw Errors.formatMismatch(path.join(abs, EVENT_FILES.user), `event ${i}: events not grouped by listener`);
    userStart[u + 1]!++;
  }
  for (let u = 0; u < U; u++) userStart[u + 1]! += userStart[u]!;
  return { count: E, user, track, timestampMs, type, positionMs, session, weight, userStart };
}
